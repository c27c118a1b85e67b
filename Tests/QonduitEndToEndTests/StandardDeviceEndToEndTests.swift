import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTLS
import NIOCore
import NIOHTTP1
import NIOSSL
import QonduitAgent
import QonduitControllerTestSupport
import QonduitCore
import QonduitETSI
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Synchronization
import Testing

/// Standard GS QKD 015 devices (simulated agents that never register) onboarded by address through
/// the API, polled, configured, and refused with the reason when they cannot be.
@Suite(.serialized) struct StandardDeviceEndToEndTests {
    func send(_ method: HTTPMethod, _ url: String, _ body: String? = nil, accept: String? = nil) async throws -> (status: Int, text: String) {
        try await HTTPClientRequest.exchange(method, url, json: body, accept: accept)
    }

    func object(_ text: String) -> [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:] }

    func onboarding(_ node: String, _ url: String, _ extra: String = "") -> String {
        #"{"node":"\#(node)","restconf_url":"\#(url)","poll_interval_ms":200\#(extra)}"#
    }

    /// The device's address as an operator gives it: its origin, whose host-meta names the RESTCONF root.
    func origin(_ fleet: InProcessAgentFleet, _ node: String) -> String { String(fleet.agents[node]!.dropLast("/restconf".count)) }

    @Test func devicesAreOnboardedPolledAndConfiguredInTheirEncoding() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(
            topology: metro, heartbeatIntervalMs: 200, missedHeartbeats: 10, reconcileIntervalMs: 200)
        defer { controller.terminate() }
        let fleet = try await InProcessAgentFleet.startStandard(for: controller)
        defer { fleet.terminate() }
        let api = controller.baseURL + "/api/v1"

        for node in fleet.agents.keys.sorted() {
            let encoding = node == "mad-upm" ? #","encoding":"xml""# : ""
            let answer = try await send(.POST, "\(api)/agents", onboarding(node, origin(fleet, node), encoding))
            let agent = object(answer.text)
            #expect(answer.status == 201, "\(node): \(answer.text)")
            #expect(agent["kind"] as? String == "onboarded" && agent["restconf_url"] as? String == fleet.agents[node])
            #expect(agent["encoding"] as? String == (node == "mad-upm" ? "xml" : "json"), "auto speaks what the device answers")
        }
        let again = try await send(.POST, "\(api)/agents", onboarding("mad-norte", origin(fleet, "mad-norte")))
        #expect(again.status == 409 && again.text.contains("already has an agent"), "\(again.text)")
        let listed = object(try await send(.GET, "\(api)/agents").text)["items"] as? [[String: Any]] ?? []
        #expect(listed.count == 6 && listed.allSatisfy { $0["kind"] as? String == "onboarded" && $0["state"] as? String == "reachable" })

        // A link taken down at the device goes down in the inventory at the next poll, and comes back.
        let qkdl = try #require(object(try await send(.GET, "\(api)/links/mad-L1").text)["qkdl_id"] as? String)
        for status in ["down", "up"] {
            #expect(try await send(.POST, "\(fleet.faults("mad-norte"))/links/\(qkdl)/\(status)").status == 204)
            #expect(try await eventually { object(try await send(.GET, "\(api)/links/mad-L1").text)["status"] as? String == status }, "\(status)")
        }

        // A key path is configured on the devices, each in its own encoding.
        let provisioned = try await send(.POST, "\(api)/key-paths", #"{"source":"mad-norte","destination":"mad-upm","rate_bps":100}"#)
        #expect(provisioned.status == 201, "\(provisioned.text)")
        let keyPath = object(provisioned.text)
        #expect(keyPath["state"] as? String == "active", "\(provisioned.text)")
        for node in ["mad-norte", "mad-upm"] {
            let tree = try await send(.GET, "\(fleet.agents[node]!)/data/etsi-qkd-sdn-node:qkd_node/qkd_links", accept: "application/yang-data+json")
            #expect(tree.text.contains("etsi-qkd-node-types:VIRT"), "\(node) holds the key path's virtual link: \(tree.text)")
        }

        // A device that stops answering is unreachable after the missed polls; when it answers again
        // (without its configuration, as after a restart) it is reachable and configured again.
        #expect(try await send(.POST, "\(fleet.faults("mad-upm"))/crash").status == 204)
        #expect(try await eventually { object(try await send(.GET, "\(api)/nodes/mad-upm").text)["status"] as? String == "unreachable" })
        let down = object(try await send(.GET, "\(api)/agents/mad-upm").text)
        #expect(down["state"] as? String == "unreachable" && (down["poll_error"] as? String)?.contains("503") == true, "\(down)")
        #expect(try await send(.POST, "\(fleet.faults("mad-upm"))/restart").status == 204)
        #expect(try await eventually { object(try await send(.GET, "\(api)/agents/mad-upm").text)["state"] as? String == "reachable" })
        #expect(
            try await eventually {
                try await send(.GET, "\(fleet.agents["mad-upm"]!)/data/etsi-qkd-sdn-node:qkd_node").text.contains("etsi-qkd-node-types:VIRT")
            }, "the reconciler configures it again")

        // Removing the agent stops managing the device; the node stays, with the planner's status.
        #expect(try await send(.DELETE, "\(api)/agents/mad-almagro").status == 204)
        #expect(try await send(.GET, "\(api)/agents/mad-almagro").status == 404)
        let left = object(try await send(.GET, "\(api)/nodes/mad-almagro").text)
        #expect(left["status"] as? String == "up" && left["measured_status"] is NSNull, "\(left)")
        #expect(try await send(.DELETE, "\(api)/agents/mad-almagro").status == 404)
    }

    @Test func badDevicesAreRefusedWithTheReasonAndNothingIsStored() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(
            topology: metro, heartbeatIntervalMs: 200, missedHeartbeats: 10, reconcileIntervalMs: 200)
        defer { controller.terminate() }
        let secret = AccessSecret.random(.agentCredential)
        let fleet = try await InProcessAgentFleet.startStandard(for: controller, nodes: ["mad-norte"], credentials: ["mad-norte": secret])
        defer { fleet.terminate() }
        let api = controller.baseURL + "/api/v1"
        let norte = origin(fleet, "mad-norte")

        let html = try await HTMLServer.start()
        defer { html.stop() }
        let refusals: [(String, Int, String)] = [
            (onboarding("nowhere", norte), 404, "no node with id 'nowhere'"),
            (onboarding("mad-norte", "ftp://example.org"), 422, "/restconf_url"),
            (#"{"node":"mad-norte","restconf_url":"\#(norte)","poll_interval_ms":5}"#, 422, "/poll_interval_ms"),
            (onboarding("mad-norte", norte, #","encoding":"yaml""#), 422, "/encoding"),
            (onboarding("mad-norte", norte, #","auth":{"bearer":"x","basic":{"username":"u","password":"p"}}"#), 422, "/auth"),
            (onboarding("mad-norte", norte, #","tls_ca":"hello""#), 422, "/tls_ca"),
            (onboarding("mad-norte", norte, #","tls_ca":"-----BEGIN CERTIFICATE-----""#), 422, "tls_ca is not a PEM certificate"),
            (onboarding("mad-norte", norte, #","colour":"blue""#), 400, "colour"),
            (onboarding("mad-norte", "http://127.0.0.1:9"), 422, "unreachable"),
            (onboarding("mad-norte", norte), 422, "refused the credentials (401)"),
            (onboarding("mad-norte", norte, #","auth":{"bearer":"wrong"}"#), 422, "refused the credentials (401)"),
            (onboarding("mad-norte", html.url), 422, "names no link of relation 'restconf'"),
            (onboarding("mad-norte", html.url + "/restconf"), 422, "text/html"),
        ]
        for (body, status, says) in refusals {
            let answer = try await send(.POST, "\(api)/agents", body)
            #expect(answer.status == status && answer.text.contains(says), "\(body) → \(answer.status) \(answer.text)")
        }
        #expect(try await controller.inventory.agents().isEmpty, "nothing is stored for a refused device")

        // With its credential it is onboarded; the credential is never shown and not stored in clear.
        let answer = try await send(.POST, "\(api)/agents", onboarding("mad-norte", norte, #","auth":{"bearer":"\#(secret.controllerProof)"}"#))
        #expect(answer.status == 201, "\(answer.text)")
        let listing = try await send(.GET, "\(api)/agents").text
        #expect(!answer.text.contains(secret.controllerProof) && !listing.contains(secret.controllerProof))
        let stored = try await controller.inventory.onboardedAgents().first { $0.nodeID.rawValue == "mad-norte" }?.sealedCredential
        let sealed = Data(try #require(stored))
        #expect(sealed.range(of: Data(secret.controllerProof.utf8)) == nil && !sealed.isEmpty)
        for file in [controller.databasePath, controller.databasePath + "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
            #expect(bytes.range(of: Data(secret.controllerProof.utf8)) == nil, "the credential is in clear in \(file)")
        }
        #expect(try await eventually { object(try await send(.GET, "\(api)/agents/mad-norte").text)["polled_at"] is String })

        // The device turns out to be another node than the inventory says: flagged, unreachable, not configured.
        let other = QKDUUID.random().text
        let patched = try await send(.PATCH, "\(api)/nodes/mad-norte", #"{"qkdn_id":"\#(other)"}"#)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(try await eventually { object(try await send(.GET, "\(api)/agents/mad-norte").text)["identity_mismatch"] as? Bool == true })
        let flagged = object(try await send(.GET, "\(api)/agents/mad-norte").text)
        #expect(flagged["state"] as? String == "unreachable" && (flagged["poll_error"] as? String)?.contains("identity mismatch") == true)
    }
}

extension StandardDeviceEndToEndTests {
    /// A device's notification stream carries a link going down at once: the poll is a minute away.
    @Test func aDevicesNotificationStreamCarriesALinkDownAtOnce() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(topology: metro)
        defer { controller.terminate() }
        let fleet = try await InProcessAgentFleet.startStandard(for: controller, nodes: ["mad-norte"])
        defer { fleet.terminate() }
        let api = controller.baseURL + "/api/v1"
        let added = try await send(
            .POST, "\(api)/agents", #"{"node":"mad-norte","restconf_url":"\#(origin(fleet, "mad-norte"))","poll_interval_ms":60000}"#)
        #expect(added.status == 201, "\(added.text)")
        #expect(try await eventually { object(try await send(.GET, "\(api)/agents/mad-norte").text)["stream_state"] as? String == "open" })

        let qkdl = try #require(object(try await send(.GET, "\(api)/links/mad-L1").text)["qkdl_id"] as? String)
        #expect(try await send(.POST, "\(fleet.faults("mad-norte"))/links/\(qkdl)/down").status == 204)
        #expect(try await eventually(5) { object(try await send(.GET, "\(api)/links/mad-L1").text)["status"] as? String == "down" })

        // The device goes away: its stream ends and is retried; back, it is followed again.
        #expect(try await send(.POST, "\(fleet.faults("mad-norte"))/crash").status == 204)
        #expect(try await eventually { object(try await send(.GET, "\(api)/agents/mad-norte").text)["stream_state"] as? String == "retrying" })
        #expect(try await send(.POST, "\(fleet.faults("mad-norte"))/restart").status == 204)
        #expect(try await eventually(30) { object(try await send(.GET, "\(api)/agents/mad-norte").text)["stream_state"] as? String == "open" })
        #expect(try await send(.POST, "\(fleet.faults("mad-norte"))/links/\(qkdl)/up").status == 204)
        #expect(try await eventually(5) { object(try await send(.GET, "\(api)/links/mad-L1").text)["status"] as? String == "up" })
    }

    /// A topology file that gives nodes' device addresses onboards those devices in one import; the
    /// export gives them back; a bad address is refused with its line, an unreachable device is a warning.
    @Test func aTopologyImportOnboardsTheDevicesItNames() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(topology: metro)
        defer { controller.terminate() }
        let fleet = try await InProcessAgentFleet.startStandard(for: controller, nodes: ["mad-norte", "mad-upm"])
        defer { fleet.terminate() }
        let api = controller.baseURL + "/api/v1"
        func withDevices(_ urls: [String: String]) throws -> String {
            var text = try String(contentsOf: metro, encoding: .utf8)
            for (node, url) in urls {
                let start = try #require(text.range(of: "<node-id>\(node)</node-id>"))
                let end = try #require(text.range(of: "</qkd:qkd-node>", range: start.upperBound..<text.endIndex))
                text.insert(contentsOf: "  <qkd:device-url>\(url)</qkd:device-url>\n      ", at: end.lowerBound)
            }
            return text
        }
        func importing(_ document: String) async throws -> (status: Int, text: String) {
            var request = await HTTPClientRequest.authenticated(url: "\(api)/topology/import")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/xml")
            request.body = .bytes(ByteBuffer(string: document))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
        }

        let refused = try await importing(try withDevices(["mad-norte": "ftp://example.org"]))
        #expect(refused.status == 422 && refused.text.contains("device-url") && refused.text.contains("\"line\""), "\(refused.text)")

        let answer = try await importing(
            try withDevices(["mad-norte": origin(fleet, "mad-norte"), "mad-upm": fleet.agents["mad-upm"]!, "mad-almagro": "http://127.0.0.1:9"]))
        let summary = object(answer.text)
        #expect(answer.status == 200 && summary["devices_onboarded"] as? Int == 2, "\(answer.text)")
        let warnings = summary["warnings"] as? [[String: Any]] ?? []
        #expect(
            warnings.contains {
                ($0["subject"] as? String) == "node 'mad-almagro'" && ($0["message"] as? String)?.contains("unreachable") == true && $0["line"] is Int
            })
        let agents = object(try await send(.GET, "\(api)/agents").text)["items"] as? [[String: Any]] ?? []
        #expect(
            Set(agents.compactMap { $0["node_id"] as? String }) == ["mad-norte", "mad-upm"]
                && agents.allSatisfy { $0["kind"] as? String == "onboarded" })

        let exported = try await send(.GET, "\(api)/topology/export").text
        #expect(
            exported.contains("<device-url>\(fleet.agents["mad-norte"]!)</device-url>")
                || exported.contains("device-url>\(fleet.agents["mad-norte"]!)<"), "\(exported.prefix(2000))")
        // Importing it again changes nothing and onboards nothing more: those nodes have their agents.
        let again = object(try await importing(exported).text)
        #expect(again["devices_onboarded"] as? Int == 0)
    }

    /// A controller started with a topology that names devices onboards them once it runs, with its
    /// default device credential (`serve --topology F --device-bearer-file B`).
    @Test func aControllerStartedWithDevicesOnboardsThemWithItsDefaultCredential() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        // The devices exist before the controller: simulated here from a scratch copy of the network.
        let scratch = try SQLiteInventory(path: ":memory:")
        _ = try await scratch.importTopology(
            try TopologyReader.draft([UInt8](try Data(contentsOf: metro)), file: "metro"), file: "metro", mode: .merge)
        let secret = AccessSecret.random(.agentCredential)
        let fleet = try await InProcessAgentFleet.start(
            inventory: scratch, controllerURL: nil, nodes: ["mad-norte"], reportEvery: 1, credentials: ["mad-norte": secret])
        defer { fleet.terminate() }
        let controller = try await InProcessController.start(
            topology: metro,
            devicesToOnboard: [.init(node: try NodeID("mad-norte"), url: origin(fleet, "mad-norte"), usesDefaultCredential: true)],
            defaultDeviceCredential: .bearer(secret.controllerProof))
        defer { controller.terminate() }
        #expect(
            try await eventually {
                object(try await send(.GET, "\(controller.baseURL)/api/v1/agents/mad-norte").text)["kind"] as? String == "onboarded"
            })
    }

    /// A device over https is verified with the CA it was onboarded with, for polls and its stream alike.
    @Test func aDeviceOverHTTPSIsVerifiedWithItsOwnCA() async throws {
        let pki = try await TestCertificates()
        let serverTLS = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(pki.certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: pki.key, format: .pem)))
        let node = FleetNode(nodeID: "mad-norte", qkdnID: .random(), links: []).simulatedNode()
        let device = try await TestServer.start(AgentRESTCONFServer.router(for: node, scheme: "https"), tls: serverTLS)
        defer { device.stop() }
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(topology: metro)
        defer { controller.terminate() }
        let api = controller.baseURL + "/api/v1"
        func json(_ text: String) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed), as: UTF8.self)
        }
        let ca = try json(try String(contentsOfFile: pki.ca, encoding: .utf8))
        let stranger = try json(try String(contentsOfFile: pki.strangerCertificate, encoding: .utf8))
        let root = device.url + "/restconf"

        let unverified = try await send(.POST, "\(api)/agents", onboarding("mad-norte", root))
        #expect(unverified.status == 422 && unverified.text.contains("unreachable"), "\(unverified.text)")
        let wrongCA = try await send(.POST, "\(api)/agents", onboarding("mad-norte", root, #","tls_ca":\#(stranger)"#))
        #expect(wrongCA.status == 422, "\(wrongCA.text)")
        let verified = try await send(.POST, "\(api)/agents", onboarding("mad-norte", root, #","tls_ca":\#(ca)"#))
        #expect(verified.status == 201, "\(verified.text)")
        #expect(try await eventually { object(try await send(.GET, "\(api)/agents/mad-norte").text)["stream_state"] as? String == "open" })
        #expect(try await eventually { object(try await send(.GET, "\(api)/agents/mad-norte").text)["polled_at"] is String })
    }

    /// `agents simulate --standard --onboard` as README runs it: onboarded, followed, and stopped by
    /// SIGTERM although the controller holds its notification streams open.
    @Test func theSimulatorOnboardsItsDevicesAndStopsOnSIGTERMWithStreamsOpen() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(topology: metro)
        defer { controller.terminate() }
        let fleet = try await AgentFleetProcess.start(
            controller: controller.baseURL, count: 2, extraArguments: ["--standard", "--onboard", "--node", "mad-norte", "--node", "mad-upm"])
        defer { fleet.terminate() }
        #expect(
            try await eventually {
                let agents = object(try await send(.GET, "\(controller.baseURL)/api/v1/agents").text)["items"] as? [[String: Any]] ?? []
                return agents.count == 2 && agents.allSatisfy { $0["stream_state"] as? String == "open" }
            })
        fleet.terminate()
        #expect(try await eventually(15) { !fleet.process.isRunning }, "SIGTERM stops the simulator")
        // Cleanly: a simulator that dropped its HTTP client unshut died on AsyncHTTPClient's debug check,
        // which took long enough to write its backtrace under load to fail the wait above.
        #expect(!fleet.process.isRunning && fleet.process.terminationReason == .exit && fleet.process.terminationStatus == 0)
    }

    /// `qonduit agents add` and `remove`, as an operator runs them: the credential read from a file,
    /// never echoed, the controller's refusals shown.
    @Test func theCLIAddsAndRemovesADevice() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(topology: metro)
        defer { controller.terminate() }
        let secret = AccessSecret.random(.agentCredential)
        let fleet = try await InProcessAgentFleet.startStandard(for: controller, nodes: ["mad-norte"], credentials: ["mad-norte": secret])
        defer { fleet.terminate() }
        let bearer = try TestFiles.newDirectory("device-cli").appendingPathComponent("norte.token")
        try Data((secret.controllerProof + "\n").utf8).write(to: bearer)
        let server = ["--server", controller.baseURL]
        let device = origin(fleet, "mad-norte")

        let added = try await QonduitBinary.run(["agents", "add", "mad-norte", device, "--bearer-file", bearer.path, "--encoding", "xml"] + server)
        #expect(added.status == 0 && added.stdout.contains("speaking xml"), "\(added.stdout)\(added.stderr)")
        let listed = try await QonduitBinary.run(["agents", "list"] + server)
        #expect(listed.stdout.contains("onboarded") && listed.stdout.contains("xml") && listed.stdout.contains("1 agent"), "\(listed.stdout)")
        for output in [added.stdout, added.stderr, listed.stdout] { #expect(!output.contains(secret.controllerProof)) }
        let again = try await QonduitBinary.run(["agents", "add", "mad-norte", device, "--bearer-file", bearer.path] + server)
        #expect(again.status != 0 && again.stderr.contains("already has an agent"), "\(again.stderr)")
        #expect(try await QonduitBinary.run(["agents", "remove", "mad-norte"] + server).status == 0)
        let gone = try await QonduitBinary.run(["agents", "remove", "mad-norte"] + server)
        #expect(gone.status != 0 && gone.stderr.contains("has no agent"), "\(gone.stderr)")
        let unauthorized = try await QonduitBinary.run(["agents", "add", "mad-norte", device] + server)
        #expect(unauthorized.status != 0 && unauthorized.stderr.contains("refused the credentials (401)"), "\(unauthorized.stderr)")
    }
}

/// A web server run in this process for one test, on a loopback port: a device, or something that is not one.
final class TestServer: Sendable {
    let url: String
    private let service: RunningServices

    private init(url: String, service: RunningServices) {
        self.url = url
        self.service = service
    }

    /// `router` served over `tls` when given.
    static func start(_ router: Router<BasicRequestContext>, tls: TLSConfiguration? = nil) async throws -> TestServer {
        let (ports, port) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: { port.yield($0.localAddress?.port ?? 0) })
        let service = RunningServices([app], logger: app.logger)
        var iterator = ports.makeAsyncIterator()
        let listening = await iterator.next() ?? 0
        return TestServer(url: "\(tls == nil ? "http" : "https")://127.0.0.1:\(listening)", service: service)
    }

    func stop() { service.requestStop() }
}

/// A web server that answers every request with an HTML page, as a misconfigured proxy would.
enum HTMLServer {
    static func start() async throws -> TestServer {
        let router = Router()
        router.get("**") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<html><body>Welcome</body></html>")))
        }
        return try await TestServer.start(router)
    }
}
