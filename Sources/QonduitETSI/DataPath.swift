import QonduitXML

/// Where a decoder is in a document, in libyang's style
/// (`/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link[qkdl_id='…']/qkdl_type`).
///
/// A path is an element (and perhaps the name of a child it lacks or holds wrongly); it is spelled,
/// from the tree, only when a problem is reported: a document that decodes never pays for its paths.
struct DataPath {
    /// Where spelling starts.
    final class Root {
        let element: XMLNode
        /// The path of `element` itself when `namesElement`, else of its parent.
        let literal: String
        let namesElement: Bool

        init(element: XMLNode, literal: String, namesElement: Bool) {
            self.element = element
            self.literal = literal
            self.namesElement = namesElement
        }
    }

    let root: Root
    /// An element of the root's tree, the root itself or one of its descendants.
    let element: Int32
    /// A child of `element`, named whether or not the document has it.
    let child: StaticString?

    func child(_ name: StaticString) -> DataPath { DataPath(root: root, element: element, child: name) }

    /// The path spelled out; `entries` names the key of each list entry on the way (see `DecodingReport`).
    func spelled(entries: [DecodingReport.Entry]) -> String {
        var text = root.literal
        var node = root.element
        func step(_ element: XMLNode) {
            text += "/\(element.localName)"
            if let entry = entries.last(where: { $0.element == element.index }) {
                text += "[\(entry.key)='\(element.tree.node(at: entry.keyElement).trimmedText)']"
            }
        }
        if !root.namesElement { step(node) }
        // Document order: the child whose subtree holds `element` is the last one that starts at or before it.
        while node.index != element {
            guard let next = node.children.filter({ $0.index <= element }).last else { break }
            node = next
            step(node)
        }
        if let child { text += "/\(child)" }
        return text
    }
}
