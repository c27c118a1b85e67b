public import QonduitCore
public import QonduitPathEngine

/// What an operator asks for: a key rate between two nodes, under routing constraints.
public struct KeyPathRequest: Sendable, Hashable {
    public var source: NodeID
    public var destination: NodeID
    /// End-to-end secret key rate, bit/s; at most `UInt32.max`, the most GS QKD 015's `virt_bandwidth` holds.
    public var rateBps: Double
    public var metric: PathMetric
    public var maxHops: Int?
    public var excludeNodes: Set<NodeID>
    public var excludeLinks: Set<LinkID>
    public var protection: KeyPathProtection
    /// Routes to split the rate over (`multipath` only; 2 to 16).
    public var paths: Int
    public var clientAppID: String?
    public var serverAppID: String?

    public init(
        source: NodeID, destination: NodeID, rateBps: Double, metric: PathMetric = .hops, maxHops: Int? = nil,
        excludeNodes: Set<NodeID> = [], excludeLinks: Set<LinkID> = [], protection: KeyPathProtection = .none, paths: Int? = nil,
        clientAppID: String? = nil, serverAppID: String? = nil
    ) {
        self.source = source
        self.destination = destination
        self.rateBps = rateBps
        self.metric = metric
        self.maxHops = maxHops
        self.excludeNodes = excludeNodes
        self.excludeLinks = excludeLinks
        self.protection = protection
        self.paths = paths ?? (protection == .multipath ? 2 : 1)
        self.clientAppID = clientAppID
        self.serverAppID = serverAppID
    }
}
