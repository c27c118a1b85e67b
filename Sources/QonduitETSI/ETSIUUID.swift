/// A `yang:uuid`: 8-4-4-4-12 hexadecimal digits, kept as written.
public struct ETSIUUID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let text: String

    /// Nil unless `text` matches the `yang:uuid` pattern.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard Self.isHexDigit(byte) else { return nil }
            }
        }
        self.text = text
    }

    public var description: String { text }
    public static func < (a: ETSIUUID, b: ETSIUUID) -> Bool { a.text < b.text }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66)
    }
}
