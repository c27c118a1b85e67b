import QonduitXML

/// Where a decoder is in a document, in libyang's style
/// (`/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link[qkdl_id='…']/qkdl_type`).
///
/// Spelled out only when a problem is reported: a document that decodes never pays for its paths.
final class DataPath: Sendable, CustomStringConvertible {
    private enum Step {
        /// A path that is given whole (the root, or a prefix made elsewhere).
        case literal(String)
        case child(StaticString)
        /// A list entry named by its key leaf, whose text is read only if the path is spelled.
        case entry(key: StaticString, value: XMLNode)
    }

    private let parent: DataPath?
    private let step: Step

    private init(parent: DataPath?, step: Step) {
        self.parent = parent
        self.step = step
    }

    init(_ literal: String) {
        parent = nil
        step = .literal(literal)
    }

    func child(_ name: StaticString) -> DataPath { DataPath(parent: self, step: .child(name)) }

    func entry(key: StaticString, value: XMLNode) -> DataPath { DataPath(parent: self, step: .entry(key: key, value: value)) }

    var description: String {
        let prefix = parent?.description ?? ""
        switch step {
        case .literal(let text): return prefix + text
        case .child(let name): return "\(prefix)/\(name)"
        case .entry(let key, let value): return "\(prefix)[\(key)='\(value.trimmedText)']"
        }
    }
}
