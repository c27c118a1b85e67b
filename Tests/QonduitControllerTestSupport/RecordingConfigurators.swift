import Logging
public import QonduitCore
public import QonduitETSI
public import QonduitProvisioning
public import QonduitStorage
import QonduitTestSupport
public import Synchronization

/// Stands in for the node agents: records what provisioning configures on each node, and refuses
/// on the nodes it is told to.
public final class ScriptedConfigurator: NodeConfigurator {
    public struct State {
        /// Entries (virtual links and applications, by id) each node holds now.
        public var configured: [NodeID: Set<QKDUUID>] = [:]
        public var refusing: Set<NodeID> = []
    }

    public let state = Mutex(State())
    /// Called before each node is configured (a test looks at the inventory mid-flight).
    public let probe: (@Sendable (NodeID) async -> Void)?

    public init(refusing: Set<NodeID> = [], probe: (@Sendable (NodeID) async -> Void)? = nil) {
        self.probe = probe
        state.withLock { $0.refusing = refusing }
    }

    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    public func configure(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) async throws {
        await probe?(node)
        try state.withLock { state in
            if state.refusing.contains(node) { throw Refused(description: "the agent answered 500: simulated refusal") }
            state.configured[node, default: []].formUnion(links.map(\.id) + applications.map(\.id))
        }
    }

    public func unconfigure(_ node: NodeID, links: [QKDUUID], applications: [QKDUUID]) async throws {
        state.withLock { state in
            state.configured[node]?.subtract(links + applications)
            if state.configured[node]?.isEmpty == true { state.configured[node] = nil }
        }
    }

    public var configured: [NodeID: Set<QKDUUID>] { state.withLock { $0.configured } }
}

/// Agents that note, for each push, the entries sent (virtual links, applications), those of every stored path at that
/// moment, and the entries then in flight (`inFlight`, once set).
public final class CommitCheckingConfigurator: NodeConfigurator {
    public let inventory: any Inventory
    public let agents = ScriptedConfigurator()
    /// Each push: its entries, and those the inventory had committed (routes' virtual links and
    /// applications) and those in flight when it arrived.
    public let sent = Mutex<[(links: [QKDUUID], applications: [QKDUUID], committed: Set<QKDUUID>, inFlight: Set<QKDUUID>)]>([])
    public let inFlight = Mutex<EntriesInFlight?>(nil)

    public init(inventory: any Inventory) {
        self.inventory = inventory
    }

    public func configure(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) async throws {
        try await prepare(node, links: links, applications: applications)()
    }

    public func prepare(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) -> NodeConfigurationPush {
        { [self] in
            let stored = try await inventory.keyPaths(limit: 1_000).items.flatMap { $0.value.routes.map(\.qkdlID) + [$0.value.appID] }
            let flying = inFlight.withLock { $0?.ids } ?? []
            sent.withLock { $0.append((links.map(\.id), applications.map(\.id), Set(stored), flying)) }
            try await agents.configure(node, links: links, applications: applications)
        }
    }

    public func unconfigure(_ node: NodeID, links: [QKDUUID], applications: [QKDUUID]) async throws {
        try await agents.unconfigure(node, links: links, applications: applications)
    }
}

/// A provisioner over `inventory` whose nodes are `configurator`, logging nothing below critical.
public func provisioner(
    _ inventory: any Inventory, _ configurator: any NodeConfigurator, qberThreshold: Double? = 0.11,
    rerouteSlice: Int = KeyPathProvisioner.rerouteSliceDefault
) -> KeyPathProvisioner {
    var logger = Logger(label: "test-provisioner")
    logger.logLevel = .critical
    return KeyPathProvisioner(
        inventory: inventory, configurator: configurator, logger: logger, qberThreshold: qberThreshold, rerouteSlice: rerouteSlice
    )
}
