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

    public init(
        minRateBps: Double = 0, maxHops: Int? = nil, excludeNodes: Set<NodeID> = [], excludeLinks: Set<LinkID> = [],
        includeNodes: [NodeID] = []
    ) {
        self.minRateBps = minRateBps
        self.maxHops = maxHops
        self.excludeNodes = excludeNodes
        self.excludeLinks = excludeLinks
        self.includeNodes = includeNodes
    }
}
