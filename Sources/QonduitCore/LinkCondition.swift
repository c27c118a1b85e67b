/// A link's status, key rate and QBER as they stand: what path computation and admission use.
public struct LinkCondition: Sendable, Hashable {
    public var status: LinkStatus
    /// Secret key rate, bit/s.
    public var keyRateBps: Double
    public var qber: Double?

    public init(status: LinkStatus, keyRateBps: Double, qber: Double?) {
        self.status = status
        self.keyRateBps = keyRateBps
        self.qber = qber
    }
}
