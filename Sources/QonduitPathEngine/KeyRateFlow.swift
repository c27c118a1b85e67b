/// The most key rate two nodes can share over all relay paths at once, split into paths.
public struct KeyRateFlow: Sendable, Hashable {
    /// One path of the flow and the rate it carries, bit/s.
    public struct Share: Sendable, Hashable {
        public var path: RelayPath
        public var rateBps: Double
    }

    /// Largest first.
    public var shares: [Share]
    /// The sum of the shares: the maximum flow, equal to the smallest cut between the two nodes.
    public var totalRateBps: Double
}
