public import QonduitCore

/// The key paths that touch a node, as stored: what the node should hold follows from them
/// (`NodeHolding`).
public struct KeyPathsTouchingNode: Sendable {
    /// Every path with a route through the node, in any state.
    public var paths: [QKDKeyPath]
    /// The virtual links (by id) of retiring routes through the node.
    public var retiring: Set<QKDUUID>
    /// The GS QKD 015 id of every node those paths run through.
    public var qkdnIDs: [NodeID: QKDUUID]

    public init(paths: [QKDKeyPath], retiring: Set<QKDUUID>, qkdnIDs: [NodeID: QKDUUID]) {
        self.paths = paths
        self.retiring = retiring
        self.qkdnIDs = qkdnIDs
    }
}

/// Which key paths to list.
public struct KeyPathFilter: Sendable {
    public var state: KeyPathState?
    /// Paths that start, end or relay at this node.
    public var node: NodeID?
    /// Paths with rate reserved on this link.
    public var link: LinkID?

    public init(state: KeyPathState? = nil, node: NodeID? = nil, link: LinkID? = nil) {
        self.state = state
        self.node = node
        self.link = link
    }
}
