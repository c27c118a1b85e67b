/// One thing wrong with a value, naming the field (snake_case, as users write it) it concerns.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// A value was refused; every problem found is listed, not only the first.
public struct ValidationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var subject: String
    public var issues: [ValidationIssue]

    public init(subject: String, issues: [ValidationIssue]) {
        self.subject = subject
        self.issues = issues
    }

    public var description: String {
        "\(subject) is invalid: " + issues.map(\.description).joined(separator: "; ")
    }
}

enum TextRules {
    static let maxLength = 256

    static func check(_ text: String, field: String, allowEmpty: Bool = false) -> ValidationIssue? {
        if !allowEmpty && text.isEmpty { return .init(field: field, message: "must not be empty") }
        if text.count > maxLength { return .init(field: field, message: "must be at most \(maxLength) characters") }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .init(field: field, message: "must not contain control characters")
        }
        return nil
    }
}
