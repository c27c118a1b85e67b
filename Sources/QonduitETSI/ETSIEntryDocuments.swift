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

/// Many entries of one list in one document, as a RESTCONF plain `PATCH` of the list's container
/// (`…/qkd_node/qkd_links` with a `<qkd_links>` body) merges them: a node configured in one request.
public enum ETSIEntryList: Sendable {
    case links, applications

    var container: String { self == .links ? "qkd_links" : "qkd_applications" }

    /// The container document holding `entries`, each an entry document as `encodedEntry()` wrote it.
    public func document(of entries: [String]) -> String {
        // Joined as UTF-8 bytes: a re-route pass sends tens of megabytes of entries this way.
        var document = Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8) + Array("\n<\(container) xmlns=\"\(ETSINamespace.node)\">".utf8)
        document.reserveCapacity(entries.reduce(document.count + 64) { $0 + $1.utf8.count })
        for entry in entries {
            var entry = entry
            entry.withUTF8 { bytes in
                // Each entry is a document of its own: its XML declaration goes, its root element stays whole.
                var start = 0
                if bytes.starts(with: "<?xml".utf8), let end = bytes.firstIndex(of: UInt8(ascii: ">")) {
                    start = end + 1
                    while start < bytes.count, bytes[start] == UInt8(ascii: "\n") || bytes[start] == UInt8(ascii: " ") { start += 1 }
                }
                document.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            }
        }
        document.append(contentsOf: "</\(container)>".utf8)
        return String(decoding: document, as: UTF8.self)
    }

    /// Decodes a `<qkd_links>` document into its links (keys present, none repeated).
    public static func decodeLinks(_ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default) throws(ETSIDecodingError) -> [ETSILink] {
        try ETSINode.decodeListDocument(bytes, limits: limits, container: "qkd_links", list: "qkd_link", key: "qkdl_id") {
            ETSILink.decode($0, id: $1, &$2)
        }
    }

    /// Decodes a `<qkd_applications>` document into its applications.
    public static func decodeApplications(
        _ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default
    ) throws(ETSIDecodingError) -> [ETSIApplication] {
        try ETSINode.decodeListDocument(bytes, limits: limits, container: "qkd_applications", list: "qkd_app", key: "app_id") {
            ETSIApplication.decode($0, id: $1, &$2)
        }
    }
}

extension ETSINode {
    /// The entries of a list keyed by a UUID, in a document whose root is the list's container.
    static func decodeListDocument<Entry>(
        _ bytes: some Collection<UInt8>, limits: XMLParseLimits, container: StaticString, list: StaticString, key: StaticString,
        _ decode: (ElementReader, ETSIUUID, inout DecodingReport) -> Entry
    ) throws(ETSIDecodingError) -> [Entry] {
        let root = try ETSIDocument.root(bytes, limits: limits, name: container.description, namespace: ETSINamespace.node)
        var report = DecodingReport()
        let reader = ElementReader(root: root, path: "/\(ETSINamespace.nodeModule):qkd_node/\(container)")
        let entries = decodeList(reader.all(list, &report), key: key, within: reader, &report, decode)
        reader.finish(&report)
        guard report.issues.isEmpty else { throw ETSIDecodingError(issues: report.issues) }
        return entries
    }

    /// One entry of a list keyed by a UUID, as a document of its own.
    static func decodeEntryDocument<Entry>(
        _ bytes: some Collection<UInt8>, limits: XMLParseLimits, container: String, list: StaticString, key: StaticString,
        _ decode: (ElementReader, ETSIUUID, inout DecodingReport) -> Entry
    ) throws(ETSIDecodingError) -> Entry {
        let root = try ETSIDocument.root(bytes, limits: limits, name: list.description, namespace: ETSINamespace.node)
        var report = DecodingReport()
        // The entry's parent is not in the document: a reader at the root stands in for it, spelling paths from the parent's.
        let parent = ElementReader(root: root, path: "/\(ETSINamespace.nodeModule):qkd_node/\(container)", namesRoot: false)
        let entries = decodeList([root], key: key, within: parent, &report, decode)
        guard report.issues.isEmpty, let entry = entries.first else { throw ETSIDecodingError(issues: report.issues) }
        return entry
    }
}
