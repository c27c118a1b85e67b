/// What a path search minimises.
public enum PathMetric: String, Sendable, CaseIterable {
    /// Fewest links (fewest trusted relays).
    case hops
    /// Shortest fiber length, km.
    case length
    /// Prefer links with more spare key rate: each link costs 1 / spare bit/s.
    case rate
    /// The operator's per-link cost.
    case cost
}
