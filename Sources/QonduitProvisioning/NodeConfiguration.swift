import Logging
import QonduitCore
import QonduitETSI
import QonduitStorage
import Synchronization

/// Node configuration: what a batch of key paths puts on each node, sent as one request per node.
extension KeyPathProvisioner {
    /// A reserved path to configure on its nodes, and the routes it is leaving when re-routed.
    struct PathToConfigure: Sendable {
        var path: QKDKeyPath
        var retiring: QKDKeyPath?
        /// What a re-routed path becomes when its new routes cannot be configured: back on its old
        /// routes, `active` when they still work (re-optimisation) or `degraded` when they do not (repair).
        var fallback: KeyPathState = .degraded

        /// Routes a re-routed path keeps: configured on their nodes already.
        var kept: Set<QKDUUID> { Set(retiring?.routes.map(\.qkdlID) ?? []) }
    }

    /// Configures every node of a reserved path; activates it, or rolls back and fails it.
    func configure(_ path: QKDKeyPath) async throws -> Stored<QKDKeyPath> {
        try await configure([PathToConfigure(path: path)])[0]
    }

    /// Configures reserved paths on their nodes, all at once: one request per node carries every
    /// entry the batch puts there. Paths whose nodes all confirmed are activated in one transaction,
    /// and those being re-routed then have their old routes' virtual links removed from their nodes;
    /// a path any node refused is rolled back from the nodes that took it and failed with the reason.
    /// Returns the paths as stored, in the batch's order; with `returningActive` false, only the failed ones.
    func configure(_ batch: [PathToConfigure], returningActive: Bool = true) async throws -> [Stored<QKDKeyPath>] {
        guard !batch.isEmpty else { return [] }
        let qkdnIDs = try await inventory.qkdnIDs(of: Set(batch.flatMap { $0.path.routes.flatMap(\.nodes) }))
        return try await configure(await prepare(batch, qkdnIDs: qkdnIDs), returningActive: returningActive)
    }

    /// The paths a re-route pass gave new routes, to configure (`fallback`: see `PathToConfigure`).
    static func reroutes(in outcomes: some Sequence<RerouteOutcome>, fallback: KeyPathState) -> [PathToConfigure] {
        outcomes.compactMap { outcome in
            guard case .rerouted(let old, let new) = outcome else { return nil }
            return PathToConfigure(path: new, retiring: old, fallback: fallback)
        }
    }

    /// A batch's configuration, worked out for each node and ready to send.
    struct PreparedBatch: Sendable {
        var batch: [PathToConfigure]
        /// The nodes each path puts entries on.
        var nodesOf: [QKDUUID: Set<NodeID>] = [:]
        /// Paths through a node without a GS QKD 015 id (their entries could not name it), and that node.
        var unidentified: [QKDUUID: NodeID] = [:]
        var pushes: [NodeID: NodeConfigurationPush] = [:]

        /// The nodes that did not take a path's configuration (given what each node that refused
        /// the batch said), in order, and why the first did not; nil when every node took it.
        func refusal(of path: QKDUUID, _ refusals: [NodeID: String]) -> (nodes: [NodeID], why: String)? {
            if let node = unidentified[path] { return ([node], "it has no GS QKD 015 id") }
            let refusing = (nodesOf[path] ?? []).filter { refusals[$0] != nil }.sorted()
            return refusing.first.flatMap { refusals[$0] }.map { (refusing, $0) }
        }

        /// Each path of the batch, with what its nodes said (`refusals`: what each node that refused the batch said).
        func sent(_ refusals: [NodeID: String]) -> [SentPath] {
            batch.map { SentPath(item: $0, refusal: refusal(of: $0.path.id, refusals)) }
        }
    }

    /// A path whose configuration was sent, and the nodes that did not take it (in order) and why
    /// the first did not; nil when every node took it.
    struct SentPath: Sendable {
        var item: PathToConfigure
        var refusal: (nodes: [NodeID], why: String)?
    }

    /// Works out what a batch puts on each node (it follows from the paths' routes and the nodes'
    /// ids) and gets it ready to send, one push per node. No I/O: a re-route pass does this while
    /// its transaction writes.
    func prepare(_ batch: [PathToConfigure], qkdnIDs: [NodeID: QKDUUID]) async -> PreparedBatch {
        var prepared = PreparedBatch(batch: batch)
        var entries = KeyPathConfiguration()
        for item in batch {
            do {
                prepared.nodesOf[item.path.id] = try entries.add(item.path, qkdnID: { qkdnIDs[$0] }, skippingLinks: item.kept)
            } catch {
                prepared.unidentified[item.path.id] = error.node
            }
        }
        // Encoding is most of the work: a task per node.
        prepared.pushes = await withTaskGroup(of: (NodeID, NodeConfigurationPush).self) { group in
            for node in entries.nodes {
                let links = entries.links[node] ?? []
                let applications = entries.applications[node] ?? []
                group.addTask { [configurator] in (node, configurator.prepare(node, links: links, applications: applications)) }
            }
            var pushes: [NodeID: NodeConfigurationPush] = [:]
            for await (node, push) in group { pushes[node] = push }
            return pushes
        }
        return prepared
    }

    /// Sends a prepared batch, then activates or fails each path as `configure` says.
    func configure(_ prepared: PreparedBatch, returningActive: Bool = true) async throws -> [Stored<QKDKeyPath>] {
        try await activateOrFail(prepared.sent(await send(prepared)), returningActive: returningActive)
    }

    /// Sends a prepared batch, one request per node at once; returns what each node that refused said.
    func send(_ prepared: PreparedBatch) async -> [NodeID: String] {
        await withTaskGroup(of: (NodeID, String?).self) { group in
            for (node, push) in prepared.pushes {
                group.addTask {
                    do {
                        try await push()
                        return (node, nil)
                    } catch {
                        return (node, "\(error)")
                    }
                }
            }
            var refusals: [NodeID: String] = [:]
            for await (node, refusal) in group {
                if let refusal { refusals[node] = refusal }
            }
            return refusals
        }
    }

    func unconfigure(_ byNode: [NodeID: KeyPathPlanner.Placed]) async {
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
}
