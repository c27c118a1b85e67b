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
        guard bytes.count == 36 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0, digits = 0
        for index in 0..<36 {
            let byte = bytes[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch byte {
            case 0x30...0x39: value = byte - 0x30
            case 0x61...0x66: value = byte - 0x61 + 10
            case 0x41...0x46: value = byte - 0x41 + 10
            default: return nil
            }
            if digits < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            digits += 1
        }
        self.high = high
        self.low = low
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
