import QonduitXML

/// Reading a document's root for the codec: a parse failure becomes a decoding issue with its line,
/// and a root other than the one expected is refused by name and namespace.
enum ETSIDocument {
    static func parse(_ bytes: some Collection<UInt8>, limits: XMLParseLimits) throws(ETSIDecodingError) -> XMLNode {
        do {
            return try XMLDocumentParser.parseTree(bytes, limits: limits).root
        } catch {
            throw ETSIDecodingError(issues: [.init(path: "/", line: error.line ?? 0, message: error.message)])
        }
    }

    static func checkRoot(_ root: XMLNode, name: String, namespace: String) throws(ETSIDecodingError) {
        guard root.localName != name || root.namespaceURI != namespace else { return }
        let found = root.namespaceURI.map { "{\($0)}\(root.localName)" } ?? root.localName
        throw ETSIDecodingError(issues: [.init(path: "/", line: root.line, message: "the root element is \(found), not \(name) in \(namespace)")])
    }

    static func root(
        _ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default, name: String, namespace: String
    ) throws(ETSIDecodingError) -> XMLNode {
        let root = try parse(bytes, limits: limits)
        try checkRoot(root, name: name, namespace: namespace)
        return root
    }
}
