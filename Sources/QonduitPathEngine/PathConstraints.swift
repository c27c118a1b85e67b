public import QonduitCore

/// The operator's constraints on a key-relay path.
public struct PathConstraints: Sendable, Equatable {
    /// Every link must have at least this much spare key rate, bit/s.
    public var minRateBps: Double
    public var maxHops: Int?
    public var excludeNodes: Set<NodeID>
    public var excludeLinks: Set<LinkID>
    /// Trusted relays the path must pass through, in this order.
    public var includeNodes: [NodeID]
    /// Nodes that cannot carry key now (down, or their agent silent), with their status: avoided
    /// like exclusions, but a path they cut is reported as cut by them, by id, not by the operator.
    public var unavailableNodes: [NodeID: NodeStatus]
    /// Links that cannot carry key now (not up, or QBER over the threshold), reported likewise.
    public var unusableLinks: Set<LinkID>

    public init(
        minRateBps: Double = 0, maxHops: Int? = nil, excludeNodes: Set<NodeID> = [], excludeLinks: Set<LinkID> = [],
        includeNodes: [NodeID] = [], unavailableNodes: [NodeID: NodeStatus] = [:], unusableLinks: Set<LinkID> = []
    ) {
        self.minRateBps = minRateBps
        self.maxHops = maxHops
        self.excludeNodes = excludeNodes
        self.excludeLinks = excludeLinks
        self.includeNodes = includeNodes
        self.unavailableNodes = unavailableNodes
        self.unusableLinks = unusableLinks
    }
}
