import QonduitXML

/// An RFC 8040 `errors` document (`application/yang-data+xml`): how a RESTCONF server, the
/// controller's southbound included, says what was wrong with a request.
public struct RESTCONFErrors: Sendable, Equatable {
    public static let namespace = "urn:ietf:params:xml:ns:yang:ietf-restconf"

    public struct Entry: Sendable, Equatable {
        /// `protocol` or `application`.
        public var type: String
        /// RFC 8040 §7: `invalid-value`, `malformed-message`, `data-missing`, `data-exists`, `operation-failed`…
        public var tag: String
        public var path: String?
        public var message: String

        public init(type: String = "application", tag: String, path: String? = nil, message: String) {
            self.type = type
            self.tag = tag
            self.path = path
            self.message = message
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    /// One entry per decoding issue, with the issue's path and line.
    public init(_ error: ETSIDecodingError, tag: String = "invalid-value") {
        entries = error.issues.map { issue in
            Entry(tag: tag, path: issue.path, message: issue.line > 0 ? "line \(issue.line): \(issue.message)" : issue.message)
        }
    }

    public func encoded() -> String {
        XMLDocumentWriter.serialize(element, namespaces: [.init(prefix: nil, uri: Self.namespace)])
    }

    var element: XMLElement {
        let ns = Self.namespace
        let errors = entries.map { entry in
            var children: [XMLElement] = [.leaf("error-type", namespace: ns, entry.type), .leaf("error-tag", namespace: ns, entry.tag)]
            if let path = entry.path { children.append(.leaf("error-path", namespace: ns, path)) }
            children.append(.leaf("error-message", namespace: ns, entry.message))
            return XMLElement("error", namespace: ns, children: children)
        }
        return XMLElement("errors", namespace: ns, children: errors)
    }

    /// Reads an `errors` document back (agents' and clients' side); nil when `bytes` is not one.
    public static func decode(_ bytes: some Collection<UInt8>) -> RESTCONFErrors? {
        guard let root = try? XMLDocumentParser.parse(bytes), root.localName == "errors", root.namespaceURI == namespace else { return nil }
        return RESTCONFErrors(
            root.children(named: "error", namespace: namespace).map { error in
                func text(_ name: String) -> String? { error.firstChild(named: name, namespace: namespace)?.trimmedText }
                return Entry(
                    type: text("error-type") ?? "application", tag: text("error-tag") ?? "", path: text("error-path"),
                    message: text("error-message") ?? "")
            })
    }
}
