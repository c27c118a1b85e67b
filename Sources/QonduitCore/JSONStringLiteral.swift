/// A string as a JSON string literal (RFC 8259 §7), for the places that write JSON straight into
/// bytes: the inventory's stored JSON, the API's listings and the GS QKD 015 JSON codec.
public enum JSONStringLiteral {
    /// Appends `value`, quoted and escaped, to `bytes`. Works on UTF-8 bytes, copying runs that need
    /// no escape whole: a re-route pass writes tens of megabytes of entries through here.
    public static func append(_ value: String, to bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { source in
            bytes.reserveCapacity(bytes.count + source.count + source.count / 8 + 2)
            bytes.append(UInt8(ascii: "\""))
            var run = 0
            for (index, byte) in source.enumerated() where byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[run..<index]))
                run = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[run...]))
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// `value` as a JSON string literal.
    public static func text(_ value: String) -> String {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
