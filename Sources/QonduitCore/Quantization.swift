/// The precision the inventory keeps, which is also what the native topology format can write,
/// so that an export imports back to exactly the same values.
public enum Precision {
    public static let lengthFractionDigits = 3  // 1 m
    public static let keyRateFractionDigits = 3  // 0.001 bit/s
    public static let coordinateFractionDigits = 6  // about 0.1 m
    public static let qberFractionDigits = 6
    public static let costFractionDigits = 3

    public static func rounded(_ value: Double, fractionDigits: Int) -> Double {
        guard value.isFinite else { return value }
        var scale = 1.0
        for _ in 0..<fractionDigits { scale *= 10 }
        // Past 2^53 a double has no fraction left to round, and scaling might overflow to infinity.
        guard abs(value * scale) < 9.0e15 else { return value }
        let result = (value * scale).rounded() / scale
        return result == 0 ? 0 : result  // no negative zero
    }
}

extension QKDNode {
    /// The node with its coordinates at inventory precision.
    public func quantized() -> QKDNode {
        var copy = self
        if let location {
            copy.location = GeoCoordinate(
                latitude: Precision.rounded(location.latitude, fractionDigits: Precision.coordinateFractionDigits),
                longitude: Precision.rounded(location.longitude, fractionDigits: Precision.coordinateFractionDigits)
            )
        }
        return copy
    }
}

extension QKDLink {
    /// The link with its measures at inventory precision.
    public func quantized() -> QKDLink {
        var copy = self
        copy.lengthKm = Precision.rounded(lengthKm, fractionDigits: Precision.lengthFractionDigits)
        copy.keyRateBps = Precision.rounded(keyRateBps, fractionDigits: Precision.keyRateFractionDigits)
        copy.qber = qber.map { Precision.rounded($0, fractionDigits: Precision.qberFractionDigits) }
        copy.cost = Precision.rounded(cost, fractionDigits: Precision.costFractionDigits)
        return copy
    }
}
