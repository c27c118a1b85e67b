public import QonduitCore

/// What a node's agent is asked to hold for key paths, read for the reconciler.
public struct KeyPathsAtNode: Sendable {
    /// Active and degraded paths with a route through the node: their configuration there is desired.
    public var desired: [QKDKeyPath]
    /// Entries (virtual links and applications, by id) provisioning is still putting on the node or
    /// taking off it: those of pending paths, and the virtual links of retiring routes. The
    /// reconciler neither puts nor removes them.
    public var inProgress: Set<QKDUUID>
    /// The GS QKD 015 id of every node the desired paths run through.
    public var qkdnIDs: [NodeID: QKDUUID]

    public init(desired: [QKDKeyPath], inProgress: Set<QKDUUID>, qkdnIDs: [NodeID: QKDUUID]) {
        self.desired = desired
        self.inProgress = inProgress
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
