import CoreMetrics
import Foundation
public import Logging
public import QonduitCore
import QonduitETSI
public import QonduitProvisioning
public import QonduitStorage
public import ServiceLifecycle
import Synchronization

/// Keeps each reachable agent's configured virtual links and applications equal to what the
/// inventory says they should be: reads the agent's tree, puts what is missing or different,
/// deletes what should not be there, and records how much it corrected (drift). Idempotent: a pass over an agent that
/// matches changes nothing. An agent that fails is retried with exponential backoff.
public final class AgentReconciler: Service, Sendable {
    let inventory: any Inventory
    let restconf: AgentRESTCONFClient
    let period: Duration
    let logger: Logger
    /// Entries provisioning has sent and the inventory does not know yet: left alone.
    let inFlight: EntriesInFlight
    let metrics: SouthboundMetrics
    private let backoff = Mutex<[NodeID: (failures: Int, next: ContinuousClock.Instant)]>([:])

    public init(
        inventory: any Inventory, restconf: AgentRESTCONFClient = AgentRESTCONFClient(), period: Duration, logger: Logger,
        inFlight: EntriesInFlight = EntriesInFlight(), metrics: SouthboundMetrics = SouthboundMetrics()
    ) {
        self.metrics = metrics
        self.inventory = inventory
        self.inFlight = inFlight
        self.restconf = restconf
        self.period = period
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // A pass is idempotent: shutdown stops it where it is, rather than wait for every silent
            // agent's connection attempt (a thousand agents gone at once would hold shutdown for minutes).
            await cancelWhenGracefulShutdown { _ = await self.reconcileAll() }
            // Shutdown need not wait out the period.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.period) }
        }
    }

    /// One pass over every reachable agent not backing off; corrections made, by node.
    @discardableResult
    public func reconcileAll() async -> [NodeID: Int] {
        let agents: [AgentInfo]
        do { agents = try await inventory.agents() } catch is CancellationError {
            return [:]
        } catch {
            logger.error("reconciler cannot read the agents", metadata: ["error": "\(error)"])
            return [:]
        }
        metrics.reconcilePasses.increment()
        let now = ContinuousClock.now
        var corrections: [NodeID: Int] = [:]
        for agent in agents where agent.state == .reachable {
            if Task.isCancelled { break }
            if let wait = backoff.withLock({ $0[agent.nodeID] }), wait.next > now { continue }
            do {
                let count = try await reconcile(agent)
                corrections[agent.nodeID] = count
                backoff.withLock { $0[agent.nodeID] = nil }
                metrics.reconcileDrift.increment(by: count)
                try await inventory.recordReconciliation(node: agent.nodeID, drift: count, error: nil)
                if count > 0 { logger.notice("agent configuration corrected", metadata: ["node": "\(agent.nodeID)", "drift": "\(count)"]) }
            } catch {
                metrics.reconcileErrors.increment()
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
        // The agent's tree is read before the inventory: whatever provisioning put on the agent by then
        // is already in the inventory or, sent by a provisioning batch or re-route pass yet to commit,
        // in flight (read in between), so it is never taken for an entry nothing asks for.
        let (tree, _) = try await restconf.tree(at: agent.restconfURL)
        let sending = inFlight.ids
        let url = agent.restconfURL
        // What the node's key paths ask of it follows from their routes. Entries of paths still being
        // provisioned, and of routes being retired, are provisioning's: neither put nor deleted here.
        let touching = try await inventory.keyPathsTouching(agent.nodeID)
        let holding = NodeHolding(paths: touching.paths, retiring: touching.retiring)
        var derived = KeyPathConfiguration()
        for path in holding.desired {
            do {
                try derived.add(path, qkdnID: { touching.qkdnIDs[$0] }, only: agent.nodeID)
            } catch {
                throw AgentRESTCONFClient.Failure(
                    url: url, message: "key path \(path.id) runs through node '\(error.node)', which has no GS QKD 015 id")
            }
        }
        // Entries set by hand come on top, and take the place of a key path's entry with their id.
        let byHandLinks = try await inventory.desiredLinks(of: agent.nodeID).map { stored in
            try Self.decodeStored("desired_link \(stored.qkdlID)") { () throws(ETSIDecodingError) in
                try ETSILink.decodeEntry(Array(stored.entry.utf8))
            }
        }
        let byHandApplications = try await inventory.desiredApplications(of: agent.nodeID).map { stored in
            try Self.decodeStored("desired_app \(stored.appID)") { () throws(ETSIDecodingError) in
                try ETSIApplication.decodeEntry(Array(stored.entry.utf8))
            }
        }
        let desiredLinks = Self.merging(derived.links[agent.nodeID] ?? [], byHandLinks, id: \.id)
        let desiredApplications = Self.merging(derived.applications[agent.nodeID] ?? [], byHandApplications, id: \.id)
        let untouched = holding.inProgress.union(sending)
        // Virtual links and applications are the controller's to configure; physical links are the hardware's.
        let linkCorrections = try await converge(
            desired: desiredLinks, actual: tree.links.filter { $0.type == .virtual }, untouched: untouched,
            id: \.id, matches: { $0.satisfies($1) },
            put: { try await restconf.put(links: $0, at: url) }, delete: { try await restconf.remove($0.map(YANGPatch.Target.link), at: url) }
        )
        let applicationCorrections = try await converge(
            desired: desiredApplications, actual: tree.applications, untouched: untouched,
            id: \.id, matches: { $0.satisfies($1) },
            put: { try await restconf.put(applications: $0, at: url) },
            delete: { try await restconf.remove($0.map(YANGPatch.Target.application), at: url) }
        )
        return linkCorrections + applicationCorrections
    }

    /// Puts every desired entry the agent lacks or has otherwise, removes every entry it should not
    /// have (each in one request), and leaves the `untouched` ones as they are; returns how many it changed.
    private func converge<Entry>(
        desired: [Entry], actual: [Entry], untouched: Set<QKDUUID>, id: (Entry) -> QKDUUID, matches: (_ actual: Entry, _ desired: Entry) -> Bool,
        put: ([Entry]) async throws -> Void, delete: ([QKDUUID]) async throws -> Void
    ) async throws -> Int {
        let present = Dictionary(actual.map { (id($0), $0) }, uniquingKeysWith: { first, _ in first })
        // Everything missing or different goes in one request (an agent that restarted lacks it all).
        let missing = desired.filter { entry in
            !untouched.contains(id(entry)) && !(present[id(entry)].map { matches($0, entry) } ?? false)
        }
        if !missing.isEmpty { try await put(missing) }
        let wanted = Set(desired.map(id))
        let stale = present.keys.sorted().filter { !wanted.contains($0) && !untouched.contains($0) }
        if !stale.isEmpty { try await delete(stale) }
        return missing.count + stale.count
    }

    /// `derived` with `byHand` in place of those with the same id, and the rest of `byHand` after.
    private static func merging<Entry>(_ derived: [Entry], _ byHand: [Entry], id: (Entry) -> QKDUUID) -> [Entry] {
        let replaced = Set(byHand.map(id))
        return derived.filter { !replaced.contains(id($0)) } + byHand
    }

    private static func decodeStored<Entry>(_ what: String, _ decode: () throws(ETSIDecodingError) -> Entry) throws -> Entry {
        do { return try decode() } catch {
            throw AgentRESTCONFClient.Failure(url: what, message: "the stored entry does not decode: \(error)")
        }
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

extension ETSIApplication {
    /// Whether this (actual) entry has every configuration value the desired entry sets.
    func satisfies(_ desired: ETSIApplication) -> Bool {
        func same<Value: Equatable>(_ actual: Value?, _ wanted: Value?) -> Bool { wanted == nil || actual == wanted }
        let qos = self.qos
        let wantedQoS = desired.qos
        return same(type, desired.type) && same(serverAppID, desired.serverAppID) && same(priority, desired.priority)
            && same(expirationTime, desired.expirationTime) && same(localNodeID, desired.localNodeID)
            && same(remoteNodeID, desired.remoteNodeID)
            && (desired.clientAppIDs.isEmpty || clientAppIDs == desired.clientAppIDs)
            && (desired.backingLinkIDs.isEmpty || backingLinkIDs == desired.backingLinkIDs)
            && same(qos.maxBandwidthBps, wantedQoS.maxBandwidthBps) && same(qos.minBandwidthBps, wantedQoS.minBandwidthBps)
            && same(qos.jitter, wantedQoS.jitter) && same(qos.ttl, wantedQoS.ttl)
            && same(qos.clientsSharedPathEnable, wantedQoS.clientsSharedPathEnable)
            && same(qos.clientsSharedKeysRequired, wantedQoS.clientsSharedKeysRequired)
    }
}
