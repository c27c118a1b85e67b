/// What a path search minimises.
public enum PathMetric: String, Sendable, Hashable, CaseIterable {
    /// Fewest links (fewest trusted relays).
    case hops
    /// Shortest fiber length, km.
    case length
    /// Prefer links with more spare key rate: each link costs 1 / spare bit/s.
    case rate
    /// The operator's per-link cost.
    case cost
}

extension PathMetric {
    /// What one link adds to a path's value under this metric, with `spareBps` of key rate left on it:
    /// infinite under `rate` for a link with none to spare.
    public func weight(lengthKm: Double, cost: Double, spareBps: Double) -> Double {
        switch self {
        case .hops: 1
        case .length: lengthKm
        case .rate: spareBps > 0 ? 1 / spareBps : .infinity
        case .cost: cost
        }
    }
}
