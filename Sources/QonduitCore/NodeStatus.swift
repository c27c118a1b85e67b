/// Operational state of a QKD node as last known to the controller.
public enum NodeStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case up, down, unknown
}
