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

    public init(inventory: Inventory, configurator: any NodeConfigurator, logger: Logger) {
        self.inventory = inventory
        self.configurator = configurator
        self.logger = logger
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
        let (path, plan) = try await inventory.reserveKeyPath(draft) { topology, reserved in
            var routed = draft
            do throws(PathComputationError) {
                routed.routes = try KeyPathPlanner.routes(for: request, topology: topology, reservedBps: reserved) { .random() }
            } catch {
                throw ProvisioningError.unroutable(error)
            }
            return try KeyPathPlanner.configuration(of: routed, topology: topology)
        }
        return try await configure(path, plan)
    }

    /// Configures every node of a reserved path; activates it, or rolls back and fails it.
    func configure(_ path: KeyPath, _ plan: KeyPathPlan) async throws -> Stored<KeyPath> {
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
            logger.info("key path active", metadata: ["key_path": "\(path.id)", "routes": "\(path.routes.count)"])
            return active
        }
        // A partial configuration is taken back from the nodes that took it; the reconciler removes
        // whatever this misses, since the failed path no longer asks for it.
        let refusing = Set(failures.map(\.0))
        await unconfigure(byNode.filter { !refusing.contains($0.key) })
        let reason = "node '\(node)' was not configured: \(why)" + (failures.count > 1 ? " (and \(failures.count - 1) more node(s))" : "")
        let failed = try await inventory.failKeyPath(path.id, reason: reason)
        logger.warning("key path failed", metadata: ["key_path": "\(path.id)", "reason": "\(reason)"])
        return failed
    }

    /// Deletes a key path: releases its rate and removes its configuration from every node.
    public func delete(_ id: String) async throws {
        let path = try await inventory.deleteKeyPath(id)
        let topology = try await inventory.topology()
        guard let plan = try? KeyPathPlanner.configuration(
            of: path, topology: Topology(nodes: topology.nodes.map(\.value), links: topology.links.map(\.value))
        ) else { return }
        await unconfigure(Self.entriesByNode(plan))
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

    private func unconfigure(_ byNode: [NodeID: (links: [DesiredEntry], applications: [DesiredEntry])]) async {
        await withTaskGroup(of: Void.self) { group in
            for (node, entries) in byNode {
                group.addTask { [configurator, logger] in
                    do {
                        try await configurator.unconfigure(node, links: entries.links.map(\.id), applications: entries.applications.map(\.id))
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
