/// Operational state of a QKD link; only `up` links carry key.
public enum LinkStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case up, down, unknown
}
