import Logging
import QonduitCore
import QonduitETSI
import QonduitStorage
import Synchronization

/// Node configuration: what a batch of key paths puts on each node, sent as one request per node.
extension KeyPathProvisioner {
    /// A batch's configuration, worked out for each node and ready to send.
    struct PreparedBatch: Sendable {
        /// The nodes each path puts entries on.
        var nodesOf: [QKDUUID: Set<NodeID>] = [:]
        /// Paths through a node without a GS QKD 015 id (their entries could not name it), and that node.
        var unidentified: [QKDUUID: NodeID] = [:]
        var pushes: [NodeID: NodeConfigurationPush] = [:]

        /// What a path's nodes said, given what each node that refused the batch said.
        func answer(for path: QKDUUID, _ refusals: [NodeID: String]) -> Rollout.Answer {
            if let node = unidentified[path] { return .refused(nodes: [node], why: "it has no GS QKD 015 id") }
            let refusing = (nodesOf[path] ?? []).filter { refusals[$0] != nil }.sorted()
            guard let why = refusing.first.flatMap({ refusals[$0] }) else { return .confirmed }
            return .refused(nodes: refusing, why: why)
        }
    }

    /// Works out what a batch puts on each node (it follows from the paths' routes and the nodes'
    /// ids) and gets it ready to send, one push per node. No I/O: a re-route pass does this while
    /// its transaction writes.
    func prepare(_ changes: [PathChange], qkdnIDs: [NodeID: QKDUUID]) async -> PreparedBatch {
        var prepared = PreparedBatch()
        var entries = KeyPathConfiguration()
        for change in changes {
            do {
                prepared.nodesOf[change.path.id] = try entries.add(change.path, qkdnID: { qkdnIDs[$0] }, skippingLinks: change.kept)
            } catch {
                prepared.unidentified[change.path.id] = error.node
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

    /// Takes `placement`'s entries off their nodes, one request per node; what a node does not
    /// take is left to the reconciler.
    func unconfigure(_ placement: KeyPathPlacement) async {
        await withTaskGroup(of: Void.self) { group in
            for (node, entries) in placement.byNode {
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
