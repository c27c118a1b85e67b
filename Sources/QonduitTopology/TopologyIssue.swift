/// One problem (or warning) in a topology file: where it is, what it concerns, what is wrong.
public struct TopologyIssue: Sendable, Hashable, CustomStringConvertible {
    public var line: Int?
    /// What the problem concerns, e.g. `link 'L3'` or `<node>`.
    public var subject: String
    public var message: String

    public init(line: Int?, subject: String, message: String) {
        self.line = line
        self.subject = subject
        self.message = message
    }

    public var description: String {
        let location = line.map { "line \($0): " } ?? ""
        return "\(location)\(subject): \(message)"
    }

    /// `file:line: subject: message`, the form compilers use, which editors can jump to.
    public func formatted(file: String) -> String {
        "\(file):\(line.map(String.init) ?? "-"): \(subject): \(message)"
    }
}

/// A topology file was refused; `issues` lists every problem found.
public struct TopologyFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var issues: [TopologyIssue]

    /// Issues are kept in file order (stable for issues on the same line), as a reader goes through them.
    public init(file: String, issues: [TopologyIssue]) {
        self.file = file
        self.issues = issues.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map(\.element)
    }

    public var description: String {
        issues.map { $0.formatted(file: file) }.joined(separator: "\n")
    }
}
