/// The little JSON the inventory stores itself (lists of ids, event details), written and read
/// directly: Foundation's JSONSerialization, which bridges through NSDictionary on Linux, was a
/// quarter of the time of a batch re-route.
enum JSONText {
    /// `value` as a JSON string literal.
    static func string(_ value: String) -> String {
        var text = "\""
        text.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    /// A JSON array of strings.
    static func array(_ items: [String]) -> String {
        "[" + items.map(string).joined(separator: ",") + "]"
    }

    /// A JSON object of fields whose values are JSON texts already; nil values are left out.
    static func object(_ fields: [(String, String?)]) -> String {
        "{" + fields.compactMap { key, value in value.map { "\(string(key)):\($0)" } }.joined(separator: ",") + "}"
    }

    /// Reads a JSON array of strings; nil for anything else.
    static func strings(_ text: String) -> [String]? {
        var scalars = Array(text.unicodeScalars)[...]
        func skipSpace() { while let first = scalars.first, first == " " || first == "\n" || first == "\t" || first == "\r" { scalars.removeFirst() } }
        func readString() -> String? {
            guard scalars.popFirst() == "\"" else { return nil }
            var value = String.UnicodeScalarView()
            while let scalar = scalars.popFirst() {
                switch scalar {
                case "\"": return String(value)
                case "\\":
                    guard let escaped = scalars.popFirst() else { return nil }
                    switch escaped {
                    case "\"", "\\", "/": value.append(escaped)
                    case "n": value.append("\n")
                    case "r": value.append("\r")
                    case "t": value.append("\t")
                    case "b": value.append("\u{8}")
                    case "f": value.append("\u{C}")
                    case "u":
                        guard scalars.count >= 4, let code = UInt32(String(String.UnicodeScalarView(scalars.prefix(4))), radix: 16),
                              let decoded = Unicode.Scalar(code) else { return nil }
                        scalars.removeFirst(4)
                        value.append(decoded)
                    default: return nil
                    }
                case _ where scalar.value < 0x20: return nil
                default: value.append(scalar)
                }
            }
            return nil
        }
        skipSpace()
        guard scalars.popFirst() == "[" else { return nil }
        var items: [String] = []
        skipSpace()
        if scalars.first == "]" {
            scalars.removeFirst()
        } else {
            while true {
                skipSpace()
                guard let item = readString() else { return nil }
                items.append(item)
                skipSpace()
                let next = scalars.popFirst()
                if next == "]" { break }
                guard next == "," else { return nil }
            }
        }
        skipSpace()
        return scalars.isEmpty ? items : nil
    }
}
