/// Operational state of a QKD node as last known to the controller.
public enum NodeStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case up, down, unknown
    /// The node's agent stopped sending heartbeats: the controller cannot tell how it is.
    case unreachable
}
