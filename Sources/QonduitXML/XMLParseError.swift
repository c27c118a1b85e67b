/// Why a document was refused, with the line where the parser stopped when it knows it.
public struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not well-formed XML (or not UTF-8 text).
        case malformed
        /// The document has a DOCTYPE; DTDs can declare external or expanding entities, so none are accepted.
        case doctypeRefused
        case tooLarge(limitBytes: Int)
        case tooDeep(limit: Int)
        case empty
    }

    public var kind: Kind
    public var message: String
    public var line: Int?

    public init(kind: Kind, message: String, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.line = line
    }

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}
