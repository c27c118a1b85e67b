/// What a node's agent last reported of one of its links. Each end reports on its own: the two
/// together are what the link is measured to do.
public struct LinkMeasurement: Sendable, Hashable {
    public var status: LinkStatus?
    /// Secret key rate the link produced, bit/s.
    public var keyRateBps: Double?
    /// Quantum bit error rate as a fraction.
    public var qber: Double?

    public init(status: LinkStatus? = nil, keyRateBps: Double? = nil, qber: Double? = nil) {
        self.status = status
        self.keyRateBps = keyRateBps
        self.qber = qber
    }

    /// This report with the values `newer` gives replacing these (a report may carry only some).
    public func updated(by newer: LinkMeasurement) -> LinkMeasurement {
        LinkMeasurement(status: newer.status ?? status, keyRateBps: newer.keyRateBps ?? keyRateBps, qber: newer.qber ?? qber)
    }

    /// Both ends' reports as one: the worse status, the lower key rate, the higher QBER. A fault
    /// one end sees is the link's fault, whatever the other end says.
    public static func combining(_ a: LinkMeasurement?, _ b: LinkMeasurement?) -> LinkMeasurement? {
        guard let a else { return b }
        guard let b else { return a }
        return LinkMeasurement(
            status: worse(a.status, b.status),
            keyRateBps: lesser(a.keyRateBps, b.keyRateBps),
            qber: [a.qber, b.qber].compactMap { $0 }.max()
        )
    }

    private static func worse(_ a: LinkStatus?, _ b: LinkStatus?) -> LinkStatus? {
        guard let a else { return b }
        guard let b else { return a }
        return a.severity >= b.severity ? a : b
    }

    private static func lesser(_ a: Double?, _ b: Double?) -> Double? {
        [a, b].compactMap { $0 }.min()
    }
}

extension LinkStatus {
    /// How far from carrying key: `down` is worse than `unknown`, which is worse than `up`.
    var severity: Int {
        switch self {
        case .up: 0
        case .unknown: 1
        case .down: 2
        }
    }
}
