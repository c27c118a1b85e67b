import AsyncHTTPClient
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
public import NIOSSL
public import QonduitCore
import QonduitETSI
public import ServiceLifecycle
import Synchronization
import UnixSignals

/// What one simulated agent starts from: its node's identity and physical links.
public struct FleetNode: Sendable {
    public struct Link: Sendable {
        public var qkdlID: QKDUUID
        public var remote: QKDUUID
        public var nominalRateBps: Double
        public var up: Bool

        public init(qkdlID: QKDUUID, remote: QKDUUID, nominalRateBps: Double, up: Bool) {
            self.qkdlID = qkdlID
            self.remote = remote
            self.nominalRateBps = nominalRateBps
            self.up = up
        }
    }

    public var nodeID: String
    public var qkdnID: QKDUUID
    public var links: [Link]
    /// The node's agent credential: the agent presents it to the controller and accepts only the
    /// controller's proof for it. Nil leaves the agent open (tests of the agent alone).
    public var credential: AccessSecret?

    public init(nodeID: String, qkdnID: QKDUUID, links: [Link], credential: AccessSecret? = nil) {
        self.nodeID = nodeID
        self.qkdnID = qkdnID
        self.links = links
        self.credential = credential
    }

    /// The node's tree: one DV-QKD interface per physical link, each link active (or off).
    public func simulatedNode() -> SimulatedNode {
        let tree = ETSINode(
            id: qkdnID, status: .operating, version: "qonduit-agent-simulator", locationID: nodeID,
            capabilities: .init(linkStatsSupport: true, applicationStatsSupport: true, keyRelayModeEnable: true),
            interfaces: links.indices.map {
                ETSIInterface(id: UInt32($0 + 1), model: "simulated", type: .discreteVariable, roleSupport: .transceiver, status: .enabled)
            },
            links: links.enumerated().map { index, link in
                ETSILink(
                    id: link.qkdlID, status: link.up ? .active : .off, enabled: true,
                    local: .init(nodeID: qkdnID, interfaceID: UInt32(index + 1)), remote: .init(nodeID: link.remote, interfaceID: 1),
                    type: .physical, physicalRole: .transceiver,
                    performance: .init(secretKeyRateBps: UInt32(min(link.nominalRateBps, Double(UInt32.max))))
                )
            }
        )
        return SimulatedNode(tree: tree, nominalRateBps: Dictionary(links.map { ($0.qkdlID, $0.nominalRateBps) }, uniquingKeysWith: { a, _ in a }))
    }
}

/// Many simulated agents in one process, each with its own RESTCONF server on a loopback port.
public enum AgentFleet {
    /// Every agent of the fleet was refused by the controller: nothing is left to simulate.
    public struct EveryAgentRefused: Error, CustomStringConvertible {
        public var count: Int
        public var last: String
        public var description: String {
            "the controller refused all \(count) agent(s); the last: \(last) (see `qonduit agents list`, or onboard them instead)"
        }
    }

    /// Counts the agents the controller refused, so that the fleet ends once it has refused them all.
    final class Refusals: Sendable {
        let members: Int
        private let refused = Mutex(0)
        init(members: Int) { self.members = members }
        /// Whether this refusal was the last agent's.
        func record() -> Bool {
            refused.withLock {
                $0 += 1
                return $0 == members
            }
        }
    }

    /// Runs every agent until SIGINT or SIGTERM. `onListening` hears each agent's RESTCONF URL.
    /// With `tls`, each agent serves RESTCONF over HTTPS (and, if it names trust roots, requires the
    /// controller's certificate). Without a `controller`, the agents are standard GS QKD 015 devices:
    /// they never register nor send heartbeats, and wait to be onboarded and polled.
    public static func run(
        _ members: [FleetNode], controller: ControllerLink?, reportEvery: Int, host: String = "127.0.0.1", tls: TLSConfiguration? = nil,
        jsonMembers: JSONMemberNames = .qualified, logger: Logger, onListening: @escaping @Sendable (FleetNode, String) -> Void
    ) async throws {
        let services = try services(
            members, controller: controller, reportEvery: reportEvery, host: host, tls: tls, jsonMembers: jsonMembers, logger: logger,
            onListening: onListening)
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Services shut down one after another, and a controller reconnecting a notification stream to a
        // server already draining can hold it: past this, what is left is cancelled (a simulator keeps nothing).
        configuration.maximumGracefulShutdownDuration = .seconds(3)
        configuration.maximumCancellationDuration = .seconds(2)
        let group = ServiceGroup(configuration: configuration)
        try await group.run()
    }

    /// The services `run` runs: per agent, its RESTCONF server and what reports to the controller (or
    /// moves a standard device's figures). For a host that runs them in a service group of its own.
    public static func services(
        _ members: [FleetNode], controller: ControllerLink?, reportEvery: Int, host: String = "127.0.0.1", tls: TLSConfiguration? = nil,
        jsonMembers: JSONMemberNames = .qualified, logger: Logger, onListening: @escaping @Sendable (FleetNode, String) -> Void
    ) throws -> [any Service] {
        var services: [any Service] = []
        let refusals = Refusals(members: members.count)
        for member in members {
            let node = member.simulatedNode()
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            var agentLogger = logger
            agentLogger[metadataKey: "agent"] = "\(member.nodeID)"
            let app = Application(
                router: AgentRESTCONFServer.router(
                    for: node, credential: member.credential, scheme: tls == nil ? "http" : "https", jsonMembers: jsonMembers),
                server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
                configuration: .init(address: .hostname(host, port: 0), serverName: "qonduit-agent"),
                onServerRunning: { channel in
                    continuation.yield(channel.localAddress?.port ?? 0)
                    continuation.finish()
                },
                logger: agentLogger
            )
            services.append(app)
            services.append(
                ReporterService(
                    member: member, node: node, ports: ports, controller: controller?.with(credential: member.credential), host: host,
                    scheme: tls == nil ? "http" : "https",
                    reportEvery: reportEvery, logger: agentLogger, onListening: onListening, refusals: refusals))
        }
        return services
    }

    /// A standard device's node, left to itself: its links' figures move every second, and a fault
    /// takes effect at once; the controller learns of it when it next reads the tree.
    static func simulate(_ node: SimulatedNode) async throws {
        let clock = ContinuousClock()
        var last = clock.now
        while !Task.isCancelled {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(for: .seconds(1)) }
                group.addTask { await node.nextFaultChange() }
                await group.next()
                group.cancelAll()
            }
            try Task.checkCancellation()
            let now = clock.now
            _ = await node.advance(seconds: Double((now - last).components.attoseconds) / 1e18 + Double((now - last).components.seconds))
            last = now
        }
    }

    /// Starts reporting once the agent's server has its port.
    struct ReporterService: Service {
        let member: FleetNode
        let node: SimulatedNode
        let ports: AsyncStream<Int>
        let controller: ControllerLink?
        let host: String
        let scheme: String
        let reportEvery: Int
        let logger: Logger
        let onListening: @Sendable (FleetNode, String) -> Void
        let refusals: Refusals

        func run() async throws {
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            let url = "\(scheme)://\(host):\(port)/restconf"
            onListening(member, url)
            try await cancelWhenGracefulShutdown { [node] in
                do {
                    if let controller {
                        try await AgentReporter(node: node, controller: controller, restconfURL: url, reportEvery: reportEvery, logger: logger).run()
                    } else {
                        try await AgentFleet.simulate(node)
                    }
                } catch is CancellationError {
                } catch let refused as ControllerLink.Refused {
                    // One agent the controller will not take (its node deleted, say) retires alone; the
                    // others go on. Its RESTCONF server stays up until the fleet stops.
                    logger.error("the controller refused this agent; it stops reporting", metadata: ["reason": "\(refused)"])
                    if refusals.record() { throw EveryAgentRefused(count: refusals.members, last: "\(member.nodeID): \(refused)") }
                    try? await gracefulShutdown()
                }
            }
        }
    }
}
