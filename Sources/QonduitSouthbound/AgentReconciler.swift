import Foundation
public import Logging
public import QonduitCore
import QonduitETSI
public import QonduitInventory
public import ServiceLifecycle
import Synchronization

/// Keeps each reachable agent's configured (virtual) links equal to what the inventory says they
/// should be: reads the agent's tree, puts what is missing or different, deletes what should not
/// be there, and records how much it corrected (drift). Idempotent: a pass over an agent that
/// matches changes nothing. An agent that fails is retried with exponential backoff.
public final class AgentReconciler: Service, Sendable {
    let inventory: Inventory
    let restconf: AgentRESTCONFClient
    let period: Duration
    let logger: Logger
    private let backoff = Mutex<[NodeID: (failures: Int, next: ContinuousClock.Instant)]>([:])

    public init(inventory: Inventory, restconf: AgentRESTCONFClient = AgentRESTCONFClient(), period: Duration, logger: Logger) {
        self.inventory = inventory
        self.restconf = restconf
        self.period = period
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            _ = await reconcileAll()
            try? await Task.sleep(for: period)
        }
    }

    /// One pass over every reachable agent not backing off; corrections made, by node.
    @discardableResult
    public func reconcileAll() async -> [NodeID: Int] {
        let agents: [AgentInfo]
        do { agents = try await inventory.agents() } catch {
            logger.error("reconciler cannot read the agents", metadata: ["error": "\(error)"])
            return [:]
        }
        let now = ContinuousClock.now
        var corrections: [NodeID: Int] = [:]
        for agent in agents where agent.state == .reachable {
            if let wait = backoff.withLock({ $0[agent.nodeID] }), wait.next > now { continue }
            do {
                let count = try await reconcile(agent)
                corrections[agent.nodeID] = count
                backoff.withLock { $0[agent.nodeID] = nil }
                try await inventory.recordReconciliation(node: agent.nodeID, drift: count, error: nil)
                if count > 0 { logger.notice("agent configuration corrected", metadata: ["node": "\(agent.nodeID)", "drift": "\(count)"]) }
            } catch {
                let failures = backoff.withLock { state -> Int in
                    let failures = (state[agent.nodeID]?.failures ?? 0) + 1
                    state[agent.nodeID] = (failures, now + period * (1 << min(failures, 6)))
                    return failures
                }
                logger.warning("reconciliation failed", metadata: ["node": "\(agent.nodeID)", "failures": "\(failures)", "error": "\(error)"])
                try? await inventory.recordReconciliation(node: agent.nodeID, drift: 0, error: "\(error)")
            }
        }
        return corrections
    }

    /// Makes one agent match; returns the number of entries put or deleted.
    public func reconcile(_ agent: AgentInfo) async throws -> Int {
        let desired = try await inventory.desiredLinks(of: agent.nodeID).map { entry in
            do { return try ETSILink.decodeEntry(Array(entry.entry.utf8)) } catch {
                throw AgentRESTCONFClient.Failure(url: "desired_link \(entry.qkdlID)", message: "the stored entry does not decode: \(error)")
            }
        }
        let (tree, _) = try await restconf.tree(at: agent.restconfURL)
        let actual = Dictionary(tree.links.filter { $0.type == .virtual }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var corrections = 0
        for link in desired where !(actual[link.id].map { $0.satisfies(link) } ?? false) {
            try await restconf.put(link, at: agent.restconfURL)
            corrections += 1
        }
        let wanted = Set(desired.map(\.id))
        for id in actual.keys.sorted() where !wanted.contains(id) {
            try await restconf.deleteLink(id, at: agent.restconfURL)
            corrections += 1
        }
        return corrections
    }
}

extension ETSILink {
    /// Whether this (actual) entry has every value the desired entry sets; what the desired entry
    /// leaves out is the node's to decide.
    func satisfies(_ desired: ETSILink) -> Bool {
        func same<Value: Equatable>(_ actual: Value?, _ wanted: Value?) -> Bool { wanted == nil || actual == wanted }
        return type == desired.type && same(status, desired.status) && same(enabled, desired.enabled)
            && same(local.nodeID, desired.local.nodeID) && same(local.interfaceID, desired.local.interfaceID)
            && same(remote.nodeID, desired.remote.nodeID) && same(remote.interfaceID, desired.remote.interfaceID)
            && same(virtualPreviousHop, desired.virtualPreviousHop) && same(virtualBandwidthBps, desired.virtualBandwidthBps)
            && (desired.virtualNextHops.isEmpty || virtualNextHops == desired.virtualNextHops)
            && (desired.applications.isEmpty || applications == desired.applications)
    }
}
