public import QonduitCore
public import QonduitTopology

/// A topology file's import, decided over what the store holds: the plan of rows to write, what to
/// answer, and the event that records it. Every engine reads the existing rows in its import's
/// transaction, plans with this, then writes the plan.
public struct PlannedImport: Sendable {
    public var plan: ImportPlan
    public var summary: ImportSummary

    /// Assembles `draft` (links may name nodes the store has, when merging), plans it over
    /// `existingNodes` and `existingLinks`, and refuses a GS QKD 015 identity given to two rows.
    public init(
        _ draft: TopologyDraft, file: String, mode: ImportMode, fiberModel: FiberLinkModel, existingNodes: [QKDNode], existingLinks: [QKDLink],
        heldDown: Set<LinkID>
    ) throws(NetworkError) {
        var known: [NodeID: GeoCoordinate?] = [:]
        if mode == .merge {
            for node in existingNodes { known[node.id] = .some(node.location) }
        }
        let assembled: AssembledTopology
        do throws(TopologyFileError) {
            assembled = try TopologyAssembler(fiberModel: fiberModel, knownNodes: known).assemble(draft, file: file)
        } catch {
            throw .topology(error)
        }
        plan = ImportPlan(
            existingNodes: Dictionary(existingNodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
            existingLinks: Dictionary(existingLinks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
            incoming: assembled.topology, mode: mode, unstatedStatus: assembled.unstatedStatus, heldDown: heldDown
        )
        try Self.checkIdentities(plan, existingNodes: existingNodes, existingLinks: existingLinks)
        let lines = Dictionary(draft.links.compactMap { link in link.id.map { ($0, link.line) } }, uniquingKeysWith: { a, _ in a })
        let held = plan.keptDown.map { id in
            TopologyIssue(
                line: lines[id.rawValue], subject: "link '\(id)'",
                message: "an operator holds it down (maintenance): it stays down until set up (qonduit links set \(id) --status up)")
        }
        summary = ImportSummary(format: assembled.format, mode: mode, warnings: assembled.warnings + held)
        summary.nodes = .init(
            created: plan.nodes.created.count, updated: plan.nodes.updated.count, unchanged: plan.nodes.unchanged.count,
            removed: plan.nodes.removed.count)
        summary.links = .init(
            created: plan.links.created.count, updated: plan.links.updated.count, unchanged: plan.links.unchanged.count,
            removed: plan.links.removed.count)
    }

    /// The `topology.imported` event's fields (JSON texts); nil when the import changed nothing. One
    /// event for the whole import, not one per row: a file may hold tens of thousands.
    public func eventData(file: String) -> [(String, String?)]? {
        let changes = [("nodes", summary.nodes), ("links", summary.links)].flatMap { table, counts in
            [("\(table)_created", counts.created), ("\(table)_updated", counts.updated), ("\(table)_removed", counts.removed)]
        }
        guard changes.contains(where: { $0.1 > 0 }) else { return nil }
        return [("file", JSONText.string(file)), ("mode", JSONText.string(summary.mode.rawValue))] + changes.map { ($0.0, String($0.1)) }
    }

    /// Refuses an import that would give a GS QKD 015 identity to a second node or link.
    private static func checkIdentities(_ plan: ImportPlan, existingNodes: [QKDNode], existingLinks: [QKDLink]) throws(NetworkError) {
        func check<ID: Hashable>(_ incoming: [(ID, QKDUUID?)], existing: [(ID, QKDUUID?)], removed: Set<ID>, name: (ID) -> String)
            throws(NetworkError)
        {
            var holders: [QKDUUID: ID] = [:]
            let incomingIDs = Set(incoming.map(\.0))
            // Rows the import rewrites or removes give up their identity.
            for (id, uuid) in existing where !removed.contains(id) && !incomingIDs.contains(id) { if let uuid { holders[uuid] = id } }
            for (id, uuid) in incoming {
                guard let uuid else { continue }
                if let holder = holders[uuid], holder != id { throw .identityInUse(uuid, holder: name(holder)) }
                holders[uuid] = id
            }
        }
        try check(
            (plan.nodes.created + plan.nodes.updated).map { ($0.id, $0.qkdnID) }, existing: existingNodes.map { ($0.id, $0.qkdnID) },
            removed: Set(plan.nodes.removed), name: \.rawValue)
        try check(
            (plan.links.created + plan.links.updated).map { ($0.id, $0.qkdlID) }, existing: existingLinks.map { ($0.id, $0.qkdlID) },
            removed: Set(plan.links.removed), name: \.rawValue)
    }

    /// The nodes and links whose GS QKD 015 identity the import changes: they first take a throw-away
    /// one, so that identities may move between rows (even swap) without two rows holding one at once.
    public func movingIdentities(existingNodes: [QKDNode], existingLinks: [QKDLink]) -> (nodes: [NodeID], links: [LinkID]) {
        let nodeIdentities = Dictionary(existingNodes.map { ($0.id, $0.qkdnID) }, uniquingKeysWith: { a, _ in a })
        let linkIdentities = Dictionary(existingLinks.map { ($0.id, $0.qkdlID) }, uniquingKeysWith: { a, _ in a })
        return (
            plan.nodes.updated.filter { nodeIdentities[$0.id] != $0.qkdnID }.map(\.id),
            plan.links.updated.filter { linkIdentities[$0.id] != $0.qkdlID }.map(\.id)
        )
    }

    /// The status changes in force of the nodes and links the import updates, to log.
    public func statusChanges(existingNodes: [QKDNode], existingLinks: [QKDLink]) -> [StatusChange] {
        let nodes = Dictionary(existingNodes.map { ($0.id, $0.current) }, uniquingKeysWith: { a, _ in a })
        let links = Dictionary(existingLinks.map { ($0.id, $0.current.status) }, uniquingKeysWith: { a, _ in a })
        var changes: [StatusChange] = []
        for node in plan.nodes.updated {
            if let old = nodes[node.id], old != node.current { changes.append(.node(node.id, from: old, to: node.current)) }
        }
        for link in plan.links.updated {
            if let old = links[link.id], old != link.current.status { changes.append(.link(link.id, from: old, to: link.current.status)) }
        }
        return changes
    }
}
