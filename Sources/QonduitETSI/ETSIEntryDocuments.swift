public import QonduitXML

/// Single list entries as RESTCONF carries them: `PUT …/qkd_links/qkd_link=ID` with a
/// `<qkd_link>` body, and the same for applications.
extension ETSILink {
    /// Decodes a `<qkd_link>` document (its key must be there).
    public static func decodeEntry(_ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default) throws(ETSIDecodingError) -> ETSILink {
        let root = try parseEntry(bytes, limits: limits, name: "qkd_link")
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
        let root = try parseEntry(bytes, limits: limits, name: "qkd_app")
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

private func parseEntry(_ bytes: some Collection<UInt8>, limits: XMLParseLimits, name: String) throws(ETSIDecodingError) -> XMLElement {
    let root: XMLElement
    do { root = try XMLDocumentParser.parse(bytes, limits: limits) } catch {
        throw ETSIDecodingError(issues: [.init(path: "/", line: error.line ?? 0, message: error.message)])
    }
    guard root.localName == name, root.namespaceURI == ETSINamespace.node else {
        throw ETSIDecodingError(issues: [.init(path: "/", line: root.line, message: "the root element is not \(name) in \(ETSINamespace.node)")])
    }
    return root
}
