#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Estimates a fiber QKD link's secret key rate from its length when a topology does not give it.
///
/// The model is the usual exponential channel loss: key rate falls by `lossDbPerKm` decibels per
/// kilometre from `referenceRateBps` (the rate of a back-to-back link), and a link whose total loss
/// exceeds `maxLossDb` (the system's loss budget: detector noise swamps the signal) yields no key.
/// Defaults: 0.2 dB/km (standard single-mode fiber at 1550 nm), 1 Mbit/s reference rate and a
/// 30 dB budget, which gives a reach of 150 km, in line with deployed decoy-state BB84 systems.
public struct FiberLinkModel: Sendable, Hashable {
    public var lossDbPerKm: Double
    public var referenceRateBps: Double
    public var maxLossDb: Double

    public init(lossDbPerKm: Double = 0.2, referenceRateBps: Double = 1_000_000, maxLossDb: Double = 30) {
        self.lossDbPerKm = lossDbPerKm
        self.referenceRateBps = referenceRateBps
        self.maxLossDb = maxLossDb
    }

    public static let standard = FiberLinkModel()

    /// The longest link, in km, that still yields key.
    public var reachKm: Double { maxLossDb / lossDbPerKm }

    /// Secret key rate for a link of `lengthKm`, or nil when the link is beyond the model's reach.
    public func keyRateBps(lengthKm: Double) -> Double? {
        let lossDb = lossDbPerKm * lengthKm
        guard lossDb <= maxLossDb else { return nil }
        return referenceRateBps * pow(10, -lossDb / 10)
    }

    public func validationIssues() -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !lossDbPerKm.isFinite || lossDbPerKm <= 0 {
            issues.append(.init(field: "fiber_loss_db_per_km", message: "must be a positive number, got \(lossDbPerKm)"))
        }
        if !referenceRateBps.isFinite || referenceRateBps <= 0 {
            issues.append(.init(field: "reference_rate_bps", message: "must be a positive number, got \(referenceRateBps)"))
        }
        if !maxLossDb.isFinite || maxLossDb <= 0 {
            issues.append(.init(field: "max_loss_db", message: "must be a positive number, got \(maxLossDb)"))
        }
        return issues
    }
}
