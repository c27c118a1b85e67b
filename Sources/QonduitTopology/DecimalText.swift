/// Plain decimal notation for numbers in XML (YANG `decimal64` has no exponent form).
enum DecimalText {
    static func format(_ value: Double, fractionDigits: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let magnitude = (abs(value) * Double(scale)).rounded()
        guard value.isFinite, magnitude < 9.0e18 else { return String(value) }
        let scaled = Int64(magnitude)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        let whole = scaled / scale
        var fraction = String(scaled % scale)
        guard fractionDigits > 0 else { return "\(sign)\(whole)" }
        fraction = String(repeating: "0", count: fractionDigits - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// A finite number from XML text, or nil.
    static func parse(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
