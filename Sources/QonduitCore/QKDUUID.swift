/// A GS QKD 015 identifier (`yang:uuid`: 8-4-4-4-12 hexadecimal digits), in lower case as
/// RFC 4122 writes UUIDs, so that one identity always compares equal to itself.
public struct QKDUUID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let text: String

    /// Nil unless `text` matches the `yang:uuid` pattern (either case).
    public init?(_ text: String) {
        var text = text
        guard let uuid = text.withUTF8({ QKDUUID(utf8: $0) }) else { return nil }
        self = uuid
    }

    /// Nil unless `utf8` matches the `yang:uuid` pattern (either case); the one allocation is the text's.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 36 else { return nil }
        var valid = true
        let text = String(unsafeUninitializedCapacity: 36) { output in
            for index in 0..<36 {
                var byte = bytes[index]
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    valid = valid && byte == UInt8(ascii: "-")
                } else {
                    if byte >= 0x41 && byte <= 0x46 { byte |= 0x20 }  // A-F
                    valid = valid && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66))
                }
                output[index] = valid ? byte : UInt8(ascii: "0")
            }
            return 36
        }
        guard valid else { return nil }
        self.text = text
    }

    /// A random (version 4) UUID.
    public static func random<Generator: RandomNumberGenerator>(using generator: inout Generator) -> QKDUUID {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return QKDUUID(parts.joined(separator: "-"))!
    }

    public static func random() -> QKDUUID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// The nil UUID, for a notification that carries no id.
    public static let zero = QKDUUID("00000000-0000-0000-0000-000000000000")!

    public var description: String { text }
    public static func < (a: QKDUUID, b: QKDUUID) -> Bool { a.text < b.text }
}
