public import Foundation
import Hummingbird
import Logging
import Prometheus
public import QonduitAPI
import QonduitAgent
import QonduitController
public import QonduitCore
import QonduitSouthbound
public import QonduitStorage
import QonduitTestSupport
import QonduitTopology

/// The whole controller as `qonduit serve` assembles it (`ControllerApplication`), run in this process
/// on an ephemeral loopback port, over a SQLite file of its own and with an admin token: for the
/// end-to-end scenarios where the process is not the point. Same surface as `ControllerProcess`.
public final class InProcessController: Sendable {
    public let baseURL: String
    public let token: String
    public let databasePath: String
    public let inventory: any Inventory
    private let service: RunningServices

    private init(baseURL: String, token: String, databasePath: String, inventory: any Inventory, service: RunningServices) {
        self.baseURL = baseURL
        self.token = token
        self.databasePath = databasePath
        self.inventory = inventory
        self.service = service
    }

    /// A controller with `topology` imported, agents expected every `heartbeatIntervalMs` (unreachable
    /// after `missedHeartbeats`), reconciled every `reconcileIntervalMs`.
    public static func start(
        topology: URL? = nil, heartbeatIntervalMs: Int = 5_000, missedHeartbeats: Int = 3, reconcileIntervalMs: Int = 5_000,
        devicesToOnboard: [DeviceOnboardingRequest] = [], defaultDeviceCredential: DeviceCredential? = nil, api: APIConfiguration = .init()
    ) async throws -> InProcessController {
        let databasePath = try TestFiles.newDirectory("controller").appendingPathComponent("inventory.sqlite").path
        var logger = Logger(label: "controller-in-process")
        logger.logLevel = .critical
        // Built as `qonduit serve` builds it: the first admin token in its file, the device key, the
        // topology imported before it listens. The storage (and so its lock) is let go once started: a
        // test may hand the database to a `serve`.
        let (ports, port) = AsyncStream<Int>.makeStream()
        let (app, storage) = try await ControllerApplication.build(
            ControllerConfiguration(
                storage: StorageConfiguration(database: databasePath), topologies: topology.map { [$0.path] } ?? [], port: 0, api: api,
                southbound: .init(heartbeatIntervalMs: heartbeatIntervalMs, missedHeartbeats: missedHeartbeats),
                reconcileInterval: .milliseconds(reconcileIntervalMs), defaultDeviceCredential: defaultDeviceCredential,
                devicesToOnboard: devicesToOnboard
            ),
            logger: logger, onServerRunning: { port.yield($0) }
        )
        let inventory = storage.inventory
        let token = try String(contentsOfFile: storage.adminTokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        // No signal handlers: the test process's signals are not the controller's.
        let service = RunningServices([app], logger: logger)
        var iterator = ports.makeAsyncIterator()
        guard let listening = await iterator.next() else {
            await service.stop()
            throw InProcessStartFailure(message: "the in-process controller did not start")
        }
        let baseURL = "http://127.0.0.1:\(listening)"
        ControllerTokens.register(token, for: baseURL, database: databasePath)
        return InProcessController(baseURL: baseURL, token: token, databasePath: databasePath, inventory: inventory, service: service)
    }

    /// Stops the controller (its services shut down as on SIGTERM) without waiting for it.
    public func terminate() { service.requestStop() }

    /// Stops the controller and waits until it has: its server closed, its pollers and streams ended.
    public func stop() async { await service.stop() }

    /// A new API token with `role`.
    public func token(_ role: Role) async throws -> String {
        try await inventory.createAPIToken(role: role, description: "test \(role.rawValue)", expiresAt: nil, createdBy: nil).1.text
    }
}

/// Simulated agents for the nodes of an in-process controller's inventory, run in this process as
/// `qonduit agents simulate` runs them: one RESTCONF server each, with a credential of its own.
public final class InProcessAgentFleet: Sendable {
    /// Each agent's RESTCONF root by node id.
    public let agents: [String: String]
    private let service: RunningServices

    private init(agents: [String: String], service: RunningServices) {
        self.agents = agents
        self.service = service
    }

    /// Agents for `nodes` (every node when empty) of `controller`'s inventory, talking to it at
    /// `url` (its own address unless given, such as a proxy's), reporting every `reportEvery` heartbeats.
    public static func start(for controller: InProcessController, at url: String? = nil, nodes: [String] = [], reportEvery: Int = 5)
        async throws -> InProcessAgentFleet
    {
        try await start(inventory: controller.inventory, controllerURL: url ?? controller.baseURL, nodes: nodes, reportEvery: reportEvery)
    }

    /// Standard GS QKD 015 devices for `nodes` (every node when empty) of the controller's inventory:
    /// they never register; the test onboards them. Each requires `Authorization: Bearer` with the
    /// proof of the credential `credentials` gives its node, if any.
    public static func startStandard(
        for controller: InProcessController, nodes: [String] = [], credentials: [String: AccessSecret] = [:]
    ) async throws -> InProcessAgentFleet {
        try await start(inventory: controller.inventory, controllerURL: nil, nodes: nodes, reportEvery: 1, credentials: credentials)
    }

    /// Agents for `nodes` (every node when empty) of `inventory`, talking to the controller at
    /// `controllerURL` (standard devices, which do not, without one).
    public static func start(
        inventory: any Inventory, controllerURL: String?, nodes: [String] = [], reportEvery: Int = 5, credentials: [String: AccessSecret] = [:]
    ) async throws -> InProcessAgentFleet {
        let (stored, links) = try await inventory.topology()
        let identities = Dictionary(uniqueKeysWithValues: stored.compactMap { node in node.value.qkdnID.map { (node.value.id, $0) } })
        var members: [FleetNode] = []
        for node in stored.map(\.value) where nodes.isEmpty || nodes.contains(node.id.rawValue) {
            let qkdnID = try identities[node.id] ?? { throw InProcessStartFailure(message: "node '\(node.id)' has no GS QKD 015 id") }()
            let credential =
                controllerURL == nil ? credentials[node.id.rawValue] : try await inventory.issueAgentCredential(for: qkdnID, createdBy: nil).1
            let own = links.map(\.value).filter { $0.nodeA == node.id || $0.nodeB == node.id }.compactMap { link -> FleetNode.Link? in
                guard let qkdlID = link.qkdlID, let other = link.otherEnd(of: node.id), let remote = identities[other] else { return nil }
                return FleetNode.Link(qkdlID: qkdlID, remote: remote, nominalRateBps: link.keyRateBps, up: link.status == .up)
            }
            members.append(FleetNode(nodeID: node.id.rawValue, qkdnID: qkdnID, links: own, credential: credential))
        }
        var logger = Logger(label: "agents-in-process")
        logger.logLevel = .critical
        let (listening, announce) = AsyncStream<(String, String)>.makeStream()
        let services = try AgentFleet.services(
            members, controller: controllerURL.map { ControllerLink(controllerURL: $0) }, reportEvery: reportEvery, logger: logger
        ) { member, root in announce.yield((member.nodeID, root)) }
        // A controller's notification stream can hold an agent's server while it drains.
        let service = RunningServices(services, gracefulLimit: .seconds(3), logger: logger)
        var agents: [String: String] = [:]
        for await (node, root) in listening {
            agents[node] = root
            if agents.count == members.count { break }
        }
        return InProcessAgentFleet(agents: agents, service: service)
    }

    /// The agent's fault-injection root (its RESTCONF root without `/restconf`).
    public func faults(_ node: String) -> String {
        String(agents[node]!.dropLast("/restconf".count)) + "/agent/v1"
    }

    /// Stops the agents without waiting.
    public func terminate() { service.requestStop() }

    /// Stops the agents and waits until they have.
    public func stop() async { await service.stop() }
}

/// An in-process controller or fleet could not start, and why.
public struct InProcessStartFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
