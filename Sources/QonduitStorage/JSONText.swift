import QonduitCore

/// The little JSON the inventory stores itself (lists of ids, event details), written and read
/// directly: Foundation's JSONSerialization, which bridges through NSDictionary on Linux, was a
/// quarter of the time of a batch re-route.
public enum JSONText {
    /// `value` as a JSON string literal.
    public static func string(_ value: String) -> String {
        JSONStringLiteral.text(value)
    }

    /// A JSON array of strings, built in one string (a re-route pass writes tens of thousands).
    public static func array(_ items: [String]) -> String {
        var text = "["
        text.reserveCapacity(items.reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, item) in items.enumerated() {
            if index > 0 { text.append(",") }
            append(item, to: &text)
        }
        text.append("]")
        return text
    }

    /// A JSON object of fields whose values are JSON texts already; nil values are left out.
    public static func object(_ fields: [(String, String?)]) -> String {
        var text = "{"
        for (key, value) in fields {
            guard let value else { continue }
            if text.utf8.count > 1 { text.append(",") }
            append(key, to: &text)
            text.append(":")
            text.append(value)
        }
        text.append("}")
        return text
    }

    /// Appends `value` as a JSON string literal: as it is when it needs no escape (ids, keys), as `string` writes it otherwise.
    private static func append(_ value: String, to text: inout String) {
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            text.append("\"")
            text.append(value)
            text.append("\"")
        } else {
            text.append(string(value))
        }
    }

    /// Reads a JSON array of strings; nil for anything else.
    public static func strings(_ text: String) -> [String]? {
        var text = text
        // Stored id lists have no escapes: read straight from the UTF-8 bytes (a re-route pass reads
        // tens of thousands), and only a list with escapes, or a bad one, is read scalar by scalar.
        return text.withUTF8(plainStrings) ?? escapedStrings(text)
    }

    /// A JSON array of strings without escapes or control characters, as written by `array`; nil otherwise.
    private static func plainStrings(_ bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
        var index = 0
        func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
        }
        func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        skipSpace()
        guard take(UInt8(ascii: "[")) else { return nil }
        var items: [String] = []
        skipSpace()
        if !take(UInt8(ascii: "]")) {
            while true {
                skipSpace()
                guard take(UInt8(ascii: "\"")) else { return nil }
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    guard bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 else { return nil }
                    index += 1
                }
                guard index < bytes.count else { return nil }
                items.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                index += 1
                skipSpace()
                if take(UInt8(ascii: "]")) { break }
                guard take(UInt8(ascii: ",")) else { return nil }
            }
        }
        skipSpace()
        return index == bytes.count ? items : nil
    }

    private static func escapedStrings(_ text: String) -> [String]? {
        var scalars = Array(text.unicodeScalars)[...]
        func skipSpace() {
            while let first = scalars.first, first == " " || first == "\n" || first == "\t" || first == "\r" { scalars.removeFirst() }
        }
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
                            let decoded = Unicode.Scalar(code)
                        else { return nil }
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
