/// What importing a topology changes in an inventory, computed before anything is written.
public struct ImportPlan: Sendable, Equatable {
    public struct Changes<Item: Sendable & Equatable, ID: Sendable & Hashable>: Sendable, Equatable {
        public var created: [Item] = []
        public var updated: [Item] = []
        public var unchanged: [ID] = []
        public var removed: [ID] = []
    }

    public var nodes = Changes<QKDNode, NodeID>()
    public var links = Changes<QKDLink, LinkID>()
    /// Links the file says are up that stay down: an operator holds them down.
    public var keptDown: [LinkID] = []

    /// `unstatedStatus` names the incoming nodes and links whose file states no status: those already
    /// in the inventory keep theirs. `heldDown` names the links an operator set down through the API:
    /// a file's `up` (a restart with `serve --topology`, say) does not end their maintenance.
    public init(
        existingNodes: [NodeID: QKDNode], existingLinks: [LinkID: QKDLink], incoming: Topology, mode: ImportMode,
        unstatedStatus: UnstatedStatus = UnstatedStatus(), heldDown: Set<LinkID> = []
    ) {
        // A file without GS QKD 015 identities keeps the ones the inventory assigned.
        for var node in incoming.nodes {
            if node.qkdnID == nil { node.qkdnID = existingNodes[node.id]?.qkdnID }
            if unstatedStatus.nodes.contains(node.id), let existing = existingNodes[node.id] { node.status = existing.status }
            // A file states the plan; what the node's agent says of it stays.
            node.measuredStatus = existingNodes[node.id]?.measuredStatus
            switch existingNodes[node.id] {
            case nil: nodes.created.append(node)
            case node?: nodes.unchanged.append(node.id)
            default: nodes.updated.append(node)
            }
        }
        for var link in incoming.links {
            if link.qkdlID == nil { link.qkdlID = existingLinks[link.id]?.qkdlID }
            // A link without a planned rate was imported down for it (beyond the fiber model's reach):
            // that down is the import's, not an operator's, and goes once the link has a rate.
            if unstatedStatus.links.contains(link.id), let existing = existingLinks[link.id], existing.keyRateBps > 0 {
                link.status = existing.status
            }
            if heldDown.contains(link.id), link.status != .down {
                link.status = .down
                keptDown.append(link.id)
            }
            // A file states the plan; what agents measured stays, for each end the file does not move.
            if let existing = existingLinks[link.id] {
                if existing.nodeA == link.nodeA { link.measuredAtA = existing.measuredAtA }
                if existing.nodeB == link.nodeB { link.measuredAtB = existing.measuredAtB }
            }
            switch existingLinks[link.id] {
            case nil: links.created.append(link)
            case link?: links.unchanged.append(link.id)
            default: links.updated.append(link)
            }
        }
        guard mode == .replace else { return }
        let keptNodes = Set(incoming.nodes.map(\.id))
        let keptLinks = Set(incoming.links.map(\.id))
        nodes.removed = existingNodes.keys.filter { !keptNodes.contains($0) }.sorted()
        links.removed = existingLinks.keys.filter { !keptLinks.contains($0) }.sorted()
    }
}
