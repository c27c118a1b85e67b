/// A GS QKD 015 identifier (`yang:uuid`: 8-4-4-4-12 hexadecimal digits), in lower case as
/// RFC 4122 writes UUIDs, so that one identity always compares equal to itself.
public struct QKDUUID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 128 bits, most significant first. Held as numbers, a UUID costs no allocation, hashes
    /// and compares in a few instructions, and orders exactly as its lower-case text does.
    private let high: UInt64
    private let low: UInt64

    /// Nil unless `text` matches the `yang:uuid` pattern (either case).
    public init?(_ text: String) {
        var text = text
        guard let uuid = text.withUTF8({ QKDUUID(utf8: $0) }) else { return nil }
        self = uuid
    }

    /// Nil unless `utf8` matches the `yang:uuid` pattern (either case).
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        let dash = UInt8(ascii: "-")
        guard bytes.count == 36, bytes[8] == dash, bytes[13] == dash, bytes[18] == dash, bytes[23] == dash else { return nil }
        // Every digit's value is or-ed into `invalid`, which only a non-digit (0xFF) sets past 0xF.
        var invalid: UInt8 = 0
        func hex(_ range: Range<Int>) -> UInt64 {
            var value: UInt64 = 0
            for index in range {
                let byte = bytes[index]
                let decimal = byte &- 0x30
                let letter = (byte | 0x20) &- 0x61
                let digit = decimal < 10 ? decimal : letter < 6 ? letter &+ 10 : 0xFF
                invalid |= digit
                value = value << 4 | UInt64(digit & 0xF)
            }
            return value
        }
        high = hex(0..<8) << 32 | hex(9..<13) << 16 | hex(14..<18)
        low = hex(19..<23) << 48 | hex(24..<36)
        guard invalid <= 0xF else { return nil }
    }

    /// The lower-case 8-4-4-4-12 form.
    public var text: String {
        String(unsafeUninitializedCapacity: 36) { output in
            let hex: StaticString = "0123456789abcdef"
            var position = 0
            for digit in 0..<32 {
                if digit == 8 || digit == 12 || digit == 16 || digit == 20 {
                    output[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = digit < 16 ? high : low
                let nibble = Int(truncatingIfNeeded: word >> (60 - 4 * UInt64(digit % 16))) & 0xF
                output[position] = hex.utf8Start[nibble]
                position += 1
            }
            return 36
        }
    }

    /// A random (version 4) UUID.
    public static func random<Generator: RandomNumberGenerator>(using generator: inout Generator) -> QKDUUID {
        // Version 4 in the 13th digit, the RFC 4122 variant (10xx) in the 17th.
        QKDUUID(high: generator.next() & ~0xF000 | 0x4000, low: generator.next() & ~(0x3 << 62) | (0x2 << 62))
    }

    private init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public static func random() -> QKDUUID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// The nil UUID, for a notification that carries no id.
    public static let zero = QKDUUID("00000000-0000-0000-0000-000000000000")!

    public var description: String { text }
    public static func < (a: QKDUUID, b: QKDUUID) -> Bool { (a.high, a.low) < (b.high, b.low) }
}
