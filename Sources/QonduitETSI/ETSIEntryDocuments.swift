public import QonduitXML

/// Single list entries as RESTCONF carries them: `PUT …/qkd_links/qkd_link=ID` with a
/// `<qkd_link>` body, and the same for applications.
extension ETSILink {
    /// Decodes a `<qkd_link>` document (its key must be there).
    public static func decodeEntry(_ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default) throws(ETSIDecodingError) -> ETSILink {
        try ETSINode.decodeEntryDocument(bytes, limits: limits, container: "qkd_links", list: "qkd_link", key: "qkdl_id") {
            ETSILink.decode($0, id: $1, &$2)
        }
    }

    /// The entry as a document of its own, in the node module's namespace.
    public func encodedEntry(_ content: ETSIContent = .configuration) -> String {
        XMLDocumentWriter.serialize(element(content), namespaces: ETSIXML.namespaces)
    }
}

extension ETSIApplication {
    public static func decodeEntry(_ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default) throws(ETSIDecodingError) -> ETSIApplication {
        try ETSINode.decodeEntryDocument(bytes, limits: limits, container: "qkd_applications", list: "qkd_app", key: "app_id") {
            ETSIApplication.decode($0, id: $1, &$2)
        }
    }

    public func encodedEntry(_ content: ETSIContent = .configuration) -> String {
        XMLDocumentWriter.serialize(element(content), namespaces: ETSIXML.namespaces)
    }
}

extension ETSINode {
    /// One entry of a list keyed by a UUID, as a document of its own.
    static func decodeEntryDocument<Entry>(
        _ bytes: some Collection<UInt8>, limits: XMLParseLimits, container: String, list: StaticString, key: StaticString,
        _ decode: (ElementReader, ETSIUUID, inout DecodingReport) -> Entry
    ) throws(ETSIDecodingError) -> Entry {
        let root = try ETSIDocument.root(bytes, limits: limits, name: list.description, namespace: ETSINamespace.node)
        var report = DecodingReport()
        // The entry's parent is not in the document: a reader at the root stands in for it, with the parent's path.
        let parent = ElementReader(root: root, path: "/\(ETSINamespace.nodeModule):qkd_node/\(container)")
        let entries = decodeList([root], path: parent.path.child(list), key: key, within: parent, &report, decode)
        guard report.issues.isEmpty, let entry = entries.first else { throw ETSIDecodingError(issues: report.issues) }
        return entry
    }
}
