public import QonduitXML

/// Single list entries as RESTCONF carries them: `PUT …/qkd_links/qkd_link=ID` with a
/// `<qkd_link>` body, and the same for applications.
extension ETSILink {
    /// Decodes a `<qkd_link>` document (its key must be there).
    public static func decodeEntry(_ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default) throws(ETSIDecodingError) -> ETSILink {
        let root = try ETSIDocument.root(bytes, limits: limits, name: "qkd_link", namespace: ETSINamespace.node)
        var report = DecodingReport()
        let links = ETSINode.decodeList([root], path: "/\(ETSINamespace.nodeModule):qkd_node/qkd_links/qkd_link", key: "qkdl_id", &report) {
            ETSILink.decode(&$0, id: $1, &$2)
        }
        guard report.issues.isEmpty, let link = links.first else { throw ETSIDecodingError(issues: report.issues) }
        return link
    }

    /// The entry as a document of its own, in the node module's namespace.
    public func encodedEntry(_ content: ETSIContent = .configuration) -> String {
        XMLDocumentWriter.serialize(element(content), namespaces: ETSIXML.namespaces)
    }
}

extension ETSIApplication {
    public static func decodeEntry(_ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default) throws(ETSIDecodingError) -> ETSIApplication {
        let root = try ETSIDocument.root(bytes, limits: limits, name: "qkd_app", namespace: ETSINamespace.node)
        var report = DecodingReport()
        let applications = ETSINode.decodeList([root], path: "/\(ETSINamespace.nodeModule):qkd_node/qkd_applications/qkd_app", key: "app_id", &report) {
            ETSIApplication.decode(&$0, id: $1, &$2)
        }
        guard report.issues.isEmpty, let application = applications.first else { throw ETSIDecodingError(issues: report.issues) }
        return application
    }

    public func encodedEntry(_ content: ETSIContent = .configuration) -> String {
        XMLDocumentWriter.serialize(element(content), namespaces: ETSIXML.namespaces)
    }
}
