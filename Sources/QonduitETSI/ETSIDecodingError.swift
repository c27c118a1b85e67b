import QonduitCore

/// Why a document does not decode: every problem found, each with the data path (in libyang's
/// style, `/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link[qkdl_id='…']/qkdl_type`) and line.
public struct ETSIDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        /// 1-based; 0 when the problem has no line (a document that is not XML at all may not).
        public var line: Int
        public var message: String

        public var description: String { line > 0 ? "line \(line): \(path): \(message)" : "\(path): \(message)" }
    }

    public var issues: [Issue]

    public var description: String {
        let shown = issues.prefix(5).map(\.description).joined(separator: "; ")
        return issues.count > 5 ? "\(shown) (and \(issues.count - 5) more)" : shown
    }
}
