import PostgresNIO
public import QonduitCore
public import QonduitStorage
public import QonduitTopology

/// Topology import: a file's nodes and links merged into (or replacing) the inventory, all or nothing.
extension PostgresInventory {
    public func importTopology(_ draft: TopologyDraft, file: String, mode: ImportMode, fiberModel: FiberLinkModel) async throws -> ImportSummary {
        try await write { session in
            let (stored, storedLinks) = try await Self.topology(session)
            let existingNodes = stored.map(\.value)
            let existingLinks = storedLinks.map(\.value)
            let planned = try PlannedImport(
                draft, file: file, mode: mode, fiberModel: fiberModel, existingNodes: existingNodes, existingLinks: existingLinks,
                heldDown: try await Self.heldDownLinks(session))
            let moving = planned.movingIdentities(existingNodes: existingNodes, existingLinks: existingLinks)
            for node in moving.nodes {
                try await session.execute("UPDATE node SET qkdn_id = \(QKDUUID.random().text) WHERE id = \(node.rawValue)")
            }
            for link in moving.links {
                try await session.execute("UPDATE link SET qkdl_id = \(QKDUUID.random().text) WHERE id = \(link.rawValue)")
            }
            let plan = planned.plan
            // Removals go first, links before nodes: a removed node has no link left in the file, and a
            // GS QKD 015 identity it gives up may pass to a node the file creates.
            for node in plan.nodes.removed { try await Self.refuseIfReserved(node: node.rawValue, links: [], session) }
            try await Self.refuseIfReserved(node: nil, links: plan.links.removed.map(\.rawValue), session)
            try await session.execute("DELETE FROM link WHERE id = ANY(\(plan.links.removed.map(\.rawValue)))")
            try await session.execute("DELETE FROM node WHERE id = ANY(\(plan.nodes.removed.map(\.rawValue)))")
            // An update keeps the row's created_at: the upsert's conflict clause does not touch it.
            let now = StoredTime.now()
            try await Self.upsertNodes(plan.nodes.created + plan.nodes.updated, at: now, session)
            try await Self.upsertLinks(plan.links.created + plan.links.updated, at: now, session)
            for change in planned.statusChanges(existingNodes: existingNodes, existingLinks: existingLinks) {
                try await Self.log(change, session)
            }
            if let data = planned.eventData(file: file) { try await Self.logEvent(.topologyImported, subject: file, data: data, session) }
            return planned.summary
        }
    }
}
