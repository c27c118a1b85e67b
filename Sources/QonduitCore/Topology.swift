/// A whole network: what a topology file describes and what the inventory holds.
public struct Topology: Sendable, Hashable {
    public var nodes: [QKDNode]
    public var links: [QKDLink]

    public init(nodes: [QKDNode] = [], links: [QKDLink] = []) {
        self.nodes = nodes
        self.links = links
    }
}
