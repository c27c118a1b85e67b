import QonduitCore

/// A YANG `decimal64` with 3 fraction digits, the only kind the node model uses (QBER, attenuation),
/// held exactly as thousandths.
public struct ETSIDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let thousandths: Int64

    public init(thousandths: Int64) {
        self.thousandths = thousandths
    }

    /// The nearest value to `value`, or nil when it is out of range or not a number.
    public init?(_ value: Double) {
        let scaled = (value * 1000).rounded()
        guard scaled.isFinite, abs(scaled) < 9.2e18 else { return nil }
        thousandths = Int64(scaled)
    }

    /// Parses the YANG text form: an optional minus sign, digits, and at most three decimals.
    public init?(text: Substring) {
        self.init(utf8: text.utf8)
    }

    public init?<Bytes: Collection<UInt8>>(utf8: Bytes) {
        var bytes = utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var wholeDigits = 0
        var seenPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
                continue
            }
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let digit = Int64(byte - 0x30)
            if seenPoint {
                fractionDigits += 1
                guard fractionDigits <= 3 else { return nil }
                fraction = fraction * 10 + digit
            } else {
                wholeDigits += 1
                guard wholeDigits <= 16 else { return nil }
                whole = whole * 10 + digit
            }
        }
        guard wholeDigits > 0, !seenPoint || fractionDigits > 0 else { return nil }
        for _ in fractionDigits..<3 { fraction *= 10 }
        let magnitude = whole * 1000 + fraction
        thousandths = negative ? -magnitude : magnitude
    }

    public var value: Double { Double(thousandths) / 1000 }

    public var description: String {
        let magnitude = thousandths.magnitude
        let fraction = String(magnitude % 1000)
        let sign = thousandths < 0 ? "-" : ""
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    public static func < (a: ETSIDecimal, b: ETSIDecimal) -> Bool { a.thousandths < b.thousandths }
}
