/// A whole network: what a topology file describes and what the inventory holds.
public struct Topology: Sendable, Hashable {
    public var nodes: [QKDNode]
    public var links: [QKDLink]

    public init(nodes: [QKDNode] = [], links: [QKDLink] = []) {
        self.nodes = nodes
        self.links = links
    }
}

extension Topology {
    /// The nodes that can neither relay nor end a new route now (down, or their agent silent), with
    /// the status in force that rules them out: what provisioning and the dry-run computation avoid.
    public var unavailableNodes: [NodeID: NodeStatus] {
        Dictionary(nodes.filter { !$0.current.carriesKey }.map { ($0.id, $0.current) }, uniquingKeysWith: { first, _ in first })
    }

    /// The GS QKD 015 id of each node that has one.
    public var qkdnIDs: [NodeID: QKDUUID] {
        Dictionary(nodes.compactMap { node in node.qkdnID.map { (node.id, $0) } }, uniquingKeysWith: { first, _ in first })
    }
}
