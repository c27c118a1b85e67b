import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import QonduitAPI
import QonduitAgent
import QonduitController
import QonduitControllerTestSupport
import QonduitCore
import QonduitSQLite
import QonduitSouthbound
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Testing

/// The whole controller assembled as `qonduit serve` assembles it, in this process, with simulated
/// agents in this process too: no child process to start or wait for.
@Suite struct ControllerInProcessTests {
    @Test func aKeyPathIsProvisionedThroughAgentsOverTheWire() async throws {
        let file = try #require(try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") })
        let logger = {
            var logger = Logger(label: "controller-in-process")
            logger.logLevel = .critical
            return logger
        }()
        let (app, storage) = try await ControllerApplication.build(
            ControllerConfiguration(
                storage: .init(database: ":memory:"), topologies: [file.path], port: 0,
                southbound: .init(heartbeatIntervalMs: 500, missedHeartbeats: 20)),
            logger: logger
        )
        try await storage.closing {
            let inventory = storage.inventory
            let token = try await inventory.createAPIToken(role: .operator, description: "test", expiresAt: nil, createdBy: nil).1.text
            try await app.test(.live) { client in
                // Imported before the server listened.
                let nodes = try await inventory.topology().nodes.count
                #expect(nodes > 0)
                let port = try #require(client.port)
                // The simulated agents run in this process too, each with a credential of its own.
                let agents = try await InProcessAgentFleet.start(inventory: inventory, controllerURL: "http://127.0.0.1:\(port)")
                defer { agents.terminate() }
                // Unreachable only after 10 s of silence: a loaded machine delays heartbeats, not the point here.
                #expect(
                    try await eventually(60) { try await inventory.agents().filter { $0.state == .reachable }.count == nodes },
                    "every agent registered")
                let body = #"{"source":"mad-norte","destination":"mad-upm","rate_bps":100}"#
                try await client.execute(
                    uri: "/api/v1/key-paths", method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    #expect(String(buffer: response.body).contains(#""state":"active""#), "configured on every node of its route")
                }
            }
        }
    }

    /// `build` keeps what its caller set: a Secure session cookie asked for without TLS (behind a
    /// proxy that terminates it) stays Secure.
    @Test func theCallersSettingsStand() async throws {
        var logger = Logger(label: "controller-in-process")
        logger.logLevel = .critical
        let (app, storage) = try await ControllerApplication.build(
            ControllerConfiguration(storage: .init(database: ":memory:"), port: 0, api: .init(secureCookies: true)), logger: logger)
        try await storage.closing {
            let token = try await storage.inventory.createAPIToken(role: .viewer, description: "test", expiresAt: nil, createdBy: nil).1.text
            try await app.test(.live) { client in
                let response = try await client.execute(
                    uri: "/api/v1/session", method: .post,
                    headers: [.contentType: "application/json", HTTPField.Name("X-Qonduit-CSRF")!: "1"],
                    body: ByteBuffer(string: #"{"token":"\#(token)"}"#))
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(response.headers[.setCookie]?.contains("Secure") == true, "\(response.headers[.setCookie] ?? "no cookie")")
            }
        }
    }
}
