/// How the controller treats node agents.
public struct SouthboundConfiguration: Sendable {
    /// How often agents must send a heartbeat; told to each agent when it registers.
    public var heartbeatIntervalMs: Int
    /// Heartbeats an agent may miss before its node is marked unreachable.
    public var missedHeartbeats: Int
    /// Whether an agent whose node the inventory lacks (by `qkdn_id`) gets one created.
    public var autoOnboard: Bool
    /// Largest document an agent may send, bytes.
    public var maxDocumentBytes: Int

    public init(heartbeatIntervalMs: Int = 5_000, missedHeartbeats: Int = 3, autoOnboard: Bool = false, maxDocumentBytes: Int = 4 << 20) {
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.missedHeartbeats = missedHeartbeats
        self.autoOnboard = autoOnboard
        self.maxDocumentBytes = maxDocumentBytes
    }
}
