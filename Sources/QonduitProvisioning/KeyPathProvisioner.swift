public import Logging
public import QonduitCore
public import QonduitInventory
import QonduitPathEngine

/// Provisions key paths: reserves the rate (one transaction, exact under concurrency), configures
/// every node of the path through the southbound, and activates the path once every node has
/// confirmed, or rolls the configuration back and marks it failed.
public final class KeyPathProvisioner: Sendable {
    let inventory: Inventory
    let configurator: any NodeConfigurator
    let logger: Logger
    /// A link whose QBER is above this carries no new route, and its key paths are re-routed; nil: no limit.
    let qberThreshold: Double?

    public init(inventory: Inventory, configurator: any NodeConfigurator, logger: Logger, qberThreshold: Double? = nil) {
        self.inventory = inventory
        self.configurator = configurator
        self.logger = logger
        self.qberThreshold = qberThreshold
    }

    /// Reserves, configures and activates a key path; returns it `active`, or `failed` with the
    /// node and reason when its nodes could not be configured. Throws when it cannot be reserved.
    public func provision(_ request: KeyPathRequest) async throws -> Stored<KeyPath> {
        try Self.check(request)
        let draft = KeyPath(
            id: .random(), source: request.source, destination: request.destination, rateBps: request.rateBps,
            metric: request.metric.rawValue, maxHops: request.maxHops, excludeNodes: request.excludeNodes.sorted(),
            excludeLinks: request.excludeLinks.sorted(), protection: request.protection, pathCount: request.paths,
            clientAppID: request.clientAppID, serverAppID: request.serverAppID, appID: .random()
        )
        let (path, plan) = try await inventory.reserveKeyPath(draft) { [qberThreshold] topology, reserved in
            try Self.plan(draft, request, topology: topology, reservedBps: reserved, qberThreshold: qberThreshold)
        }
        return try await configure(path, plan)
    }

    /// Routes for `path` as `request` asks, and the configuration they need on their nodes.
    static func plan(
        _ path: KeyPath, _ request: KeyPathRequest, topology: Topology, reservedBps: [LinkID: Double], qberThreshold: Double?
    ) throws -> KeyPathPlan {
        var routed = path
        var request = request
        if let qberThreshold {
            // Key from a link with too many errors is not worth relaying: such links are left out like excluded ones.
            request.excludeLinks.formUnion(topology.links.filter { ($0.qber ?? 0) > qberThreshold }.map(\.id))
        }
        do throws(PathComputationError) {
            routed.routes = try KeyPathPlanner.routes(for: request, topology: topology, reservedBps: reservedBps) { .random() }
        } catch {
            throw ProvisioningError.unroutable(error)
        }
        return try KeyPathPlanner.configuration(of: routed, topology: topology)
    }

    /// Re-routes what the network's state has broken, in one pass: every active key path with a
    /// route over a link that is not up (or whose QBER is above the threshold), or through a node that
    /// is down or unreachable, gets new routes (reserved, configured on their nodes, then
    /// the old configuration removed: make before break); one with no alternative becomes
    /// `degraded` with the reason and keeps its routes; a degraded one whose routes are all up
    /// again is `active` once more. Returns how many were re-routed, degraded and recovered.
    @discardableResult
    public func repair() async -> (rerouted: Int, degraded: Int, recovered: Int) {
        let candidates: [KeyPath]
        let links: [LinkID: QKDLink], nodes: [NodeID: QKDNode]
        do {
            candidates = try await inventory.keyPathsToRepair(qberThreshold: qberThreshold)
            guard !candidates.isEmpty else { return (0, 0, 0) }
            let topology = try await inventory.topology()
            links = Dictionary(topology.links.map { ($0.value.id, $0.value) }, uniquingKeysWith: { a, _ in a })
            nodes = Dictionary(topology.nodes.map { ($0.value.id, $0.value) }, uniquingKeysWith: { a, _ in a })
        } catch {
            logger.error("key paths to repair could not be read", metadata: ["error": "\(error)"])
            return (0, 0, 0)
        }
        var outcome = (rerouted: 0, degraded: 0, recovered: 0)
        for path in candidates {
            let brokenLinks = path.reservedBps.keys.filter { id in
                links[id]?.status != .up || (qberThreshold.map { (links[id]?.qber ?? 0) > $0 } ?? false)
            }.sorted()
            let brokenNodes = Set(path.routes.flatMap(\.nodes)).filter { nodes[$0]?.status == .down || nodes[$0]?.status == .unreachable }.sorted()
            let broken = brokenLinks.map { "link '\($0)'" } + brokenNodes.map { "node '\($0)'" }
            do {
                if broken.isEmpty {
                    if path.state == .degraded {
                        try await inventory.setKeyPathState(path.id, .active, reason: nil)
                        outcome.recovered += 1
                    }
                    continue
                }
                let reason = "re-routing: \(broken.joined(separator: ", ")) not usable"
                let rerouted: (old: KeyPath, new: KeyPath, plan: KeyPathPlan)
                do {
                    rerouted = try await inventory.rerouteKeyPath(path.id, reason: reason) { [qberThreshold] old, topology, reserved in
                        try Self.plan(old, Self.request(of: old), topology: topology, reservedBps: reserved, qberThreshold: qberThreshold)
                    }
                } catch let error as ProvisioningError {
                    let why = "no alternative route while \(broken.joined(separator: ", ")) not usable: \(error)"
                    if path.state != .degraded || path.reason != why {
                        try await inventory.setKeyPathState(path.id, .degraded, reason: why)
                        logger.warning("key path degraded", metadata: ["key_path": "\(path.id)", "reason": "\(why)"])
                        outcome.degraded += 1
                    }
                    continue
                }
                let result = try await configure(rerouted.new, rerouted.plan, retiring: rerouted.old)
                if result.value.state == .active { outcome.rerouted += 1 }
            } catch {
                logger.error("key path could not be repaired", metadata: ["key_path": "\(path.id)", "error": "\(error)"])
            }
        }
        return outcome
    }

    /// The request a stored path was provisioned with.
    static func request(of path: KeyPath) -> KeyPathRequest {
        KeyPathRequest(
            source: path.source, destination: path.destination, rateBps: path.rateBps, metric: PathMetric(rawValue: path.metric) ?? .hops,
            maxHops: path.maxHops, excludeNodes: Set(path.excludeNodes), excludeLinks: Set(path.excludeLinks), protection: path.protection,
            paths: path.pathCount, clientAppID: path.clientAppID, serverAppID: path.serverAppID
        )
    }

    /// Configures every node of a reserved path; activates it, or rolls back and fails it. A path
    /// being re-routed (`retiring` its old routes) has the old routes' virtual links removed from
    /// their nodes once the new ones are in place.
    func configure(_ path: KeyPath, _ plan: KeyPathPlan, retiring old: KeyPath? = nil) async throws -> Stored<KeyPath> {
        let byNode = Self.entriesByNode(plan)
        let failures = await withTaskGroup(of: (NodeID, String?).self) { group in
            for (node, entries) in byNode {
                group.addTask { [configurator] in
                    do {
                        try await configurator.configure(node, links: entries.links, applications: entries.applications)
                        return (node, nil)
                    } catch {
                        return (node, "\(error)")
                    }
                }
            }
            var failures: [(NodeID, String)] = []
            for await (node, failure) in group {
                if let failure { failures.append((node, failure)) }
            }
            return failures.sorted { $0.0 < $1.0 }
        }
        guard let (node, why) = failures.first else {
            let active = try await inventory.activateKeyPath(path.id)
            if let old {
                // The application keeps its id and was put again, backed by the new routes.
                await unconfigure(KeyPathPlanner.placement(of: old, withApplication: false))
                logger.notice("key path re-routed", metadata: ["key_path": "\(path.id)", "routes": "\(path.routes.map { $0.nodes.map(\.rawValue).joined(separator: ">") })"])
            } else {
                logger.info("key path active", metadata: ["key_path": "\(path.id)", "routes": "\(path.routes.count)"])
            }
            return active
        }
        // A partial configuration is taken back from the nodes that took it; the reconciler removes
        // whatever this misses, since the failed path no longer asks for it.
        let refusing = Set(failures.map(\.0))
        await unconfigure(KeyPathPlanner.placement(of: path).filter { !refusing.contains($0.key) })
        let reason = "node '\(node)' was not configured: \(why)" + (failures.count > 1 ? " (and \(failures.count - 1) more node(s))" : "")
        let failed = try await inventory.failKeyPath(path.id, reason: reason)
        logger.warning("key path failed", metadata: ["key_path": "\(path.id)", "reason": "\(reason)"])
        return failed
    }

    /// Deletes a key path: releases its rate and removes its configuration from every node.
    public func delete(_ id: String) async throws {
        await unconfigure(KeyPathPlanner.placement(of: try await inventory.deleteKeyPath(id)))
    }

    /// Finishes what a controller that stopped mid-provisioning left `pending`: its reservation
    /// stands in the database, so its configuration is pushed again (every step is idempotent).
    public func resumePending() async {
        do {
            let pending = try await inventory.keyPaths(KeyPathFilter(state: .pending), limit: Int(Int32.max)).items.map(\.value)
            guard !pending.isEmpty else { return }
            let stored = try await inventory.topology()
            let topology = Topology(nodes: stored.nodes.map(\.value), links: stored.links.map(\.value))
            logger.notice("resuming pending key paths", metadata: ["count": "\(pending.count)"])
            for path in pending {
                do {
                    _ = try await configure(path, try KeyPathPlanner.configuration(of: path, topology: topology))
                } catch {
                    _ = try? await inventory.failKeyPath(path.id, reason: "could not be resumed after a restart: \(error)")
                }
            }
        } catch {
            logger.error("pending key paths could not be read", metadata: ["error": "\(error)"])
        }
    }

    private func unconfigure(_ byNode: [NodeID: KeyPathPlanner.Placed]) async {
        await withTaskGroup(of: Void.self) { group in
            for (node, entries) in byNode {
                group.addTask { [configurator, logger] in
                    do {
                        try await configurator.unconfigure(node, links: entries.links, applications: entries.applications)
                    } catch {
                        logger.warning("configuration not removed; the reconciler will retry", metadata: ["node": "\(node)", "error": "\(error)"])
                    }
                }
            }
        }
    }

    private static func entriesByNode(_ plan: KeyPathPlan) -> [NodeID: (links: [DesiredEntry], applications: [DesiredEntry])] {
        var byNode: [NodeID: (links: [DesiredEntry], applications: [DesiredEntry])] = [:]
        for entry in plan.links { byNode[entry.node, default: ([], [])].links.append(entry) }
        for entry in plan.applications { byNode[entry.node, default: ([], [])].applications.append(entry) }
        return byNode
    }

    static func check(_ request: KeyPathRequest) throws(ProvisioningError) {
        guard request.rateBps.isFinite, request.rateBps > 0, request.rateBps <= Double(UInt32.max) else {
            throw .invalidRequest(field: "rate_bps", message: "must be more than 0 and at most \(UInt32.max) bit/s")
        }
        guard request.source != request.destination else {
            throw .invalidRequest(field: "destination", message: "must differ from the source")
        }
        switch request.protection {
        case .multipath:
            guard (2...16).contains(request.paths) else { throw .invalidRequest(field: "paths", message: "multipath splits the rate over 2 to 16 paths") }
        case .none, .disjointBackup:
            guard request.paths == 1 else { throw .invalidRequest(field: "paths", message: "only multipath takes a number of paths") }
        }
        if request.protection != .none && request.maxHops != nil {
            throw .invalidRequest(field: "max_hops", message: "a hop limit cannot be combined with disjoint routes")
        }
    }
}
