/// What a controller may send its nodes: the epoch every request carries (`Qonduit-Controller-Epoch`),
/// which Qonduit's own agents check against the highest they have seen, and whether configuration may
/// be written at all (a leader whose lease could expire soon writes nothing; see `Leadership`).
public protocol SouthboundFence: Sendable {
    /// The leader lease's epoch; nil when the controller has none to send.
    var epoch: Int64? { get }
    /// Whether configuration may be written to nodes now, by a request that gives up after `timeout`.
    func mayWriteSouthbound(within timeout: Duration) -> Bool
}

/// No fence: a controller alone, or a test's client.
public struct UnfencedSouthbound: SouthboundFence {
    public init() {}
    public var epoch: Int64? { nil }
    public func mayWriteSouthbound(within timeout: Duration) -> Bool { true }
}
