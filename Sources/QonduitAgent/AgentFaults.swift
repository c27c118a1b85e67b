public import QonduitCore

/// Faults injected into a simulated agent, for demos and failure tests.
public struct AgentFaults: Sendable, Equatable {
    /// Physical links forced down.
    public var downLinks: Set<QKDUUID> = []
    /// QBER forced on a link, overriding the simulated one.
    public var qber: [QKDUUID: Double] = [:]
    /// The agent stops sending heartbeats (and every other notification).
    public var silent = false
    /// Every RESTCONF answer is delayed by this much.
    public var responseDelayMs = 0
    /// The agent is down: it reports nothing and its RESTCONF server answers 503, until restarted.
    public var crashed = false

    public init() {}
}
