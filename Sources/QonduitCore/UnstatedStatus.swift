/// The nodes and links a topology file gives no status.
public struct UnstatedStatus: Sendable, Equatable {
    public var nodes: Set<NodeID> = []
    public var links: Set<LinkID> = []

    public init(nodes: Set<NodeID> = [], links: Set<LinkID> = []) {
        self.nodes = nodes
        self.links = links
    }
}
