/// Rules shared by every human-readable identifier in the inventory (node ids, link ids).
///
/// 1–64 characters of ASCII letters, digits and `-_.:`; this keeps ids safe in URLs,
/// file names, XML and log lines without escaping.
public enum IdentifierRules {
    public static let maxLength = 64

    /// Why `text` is not a valid identifier, or nil when it is.
    public static func problem(with text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        if text.utf8.count > maxLength { return "must be at most \(maxLength) characters, got \(text.utf8.count)" }
        for byte in text.utf8 where !isAllowed(byte) {
            return "may contain only letters, digits and '-', '_', '.', ':' (found \(describe(byte)))"
        }
        return nil
    }

    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0x20 { return "a space" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}

/// An identifier that has passed `IdentifierRules`; the phantom `Kind` keeps node and link ids apart.
public struct Identifier<Kind>: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ text: String) throws(InvalidIdentifier) {
        if let problem = IdentifierRules.problem(with: text) {
            throw InvalidIdentifier(text: text, problem: problem)
        }
        rawValue = text
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum NodeKind {}
public enum LinkKind {}
public typealias NodeID = Identifier<NodeKind>
public typealias LinkID = Identifier<LinkKind>

public struct InvalidIdentifier: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let problem: String
    public var description: String { "invalid id '\(text)': \(problem)" }
}
