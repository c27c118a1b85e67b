public import QonduitXML

// The documents of the node module in either encoding. JSON is read by ETSIJSONReader into the XML
// tree the XML decoder types, and written by ETSIJSONWriter from the tree the XML encoder builds.

extension ETSINode {
    public static func decode(
        _ bytes: some Collection<UInt8>, encoding: ETSIEncoding, limits: XMLParseLimits = .default
    ) throws(ETSIDecodingError) -> ETSINode {
        switch encoding {
        case .xml: return try decode(bytes, limits: limits)
        case .json:
            return try ETSIJSONReader.decode(bytes, limits: limits, name: "qkd_node", namespace: ETSINamespace.node) {
                (document) throws(ETSIDecodingError) in try decode(document, limits: limits)
            }
        }
    }

    public func encoded(_ content: ETSIContent = .all, encoding: ETSIEncoding) -> String {
        encoding == .xml ? encoded(content) : encodedJSON(content)
    }
}

extension ETSILink {
    /// Decodes one `qkd_link` entry: `<qkd_link>` in XML, `{"etsi-qkd-sdn-node:qkd_link": [{…}]}` in JSON.
    public static func decodeEntry(
        _ bytes: some Collection<UInt8>, encoding: ETSIEncoding, limits: XMLParseLimits = .default
    ) throws(ETSIDecodingError) -> ETSILink {
        switch encoding {
        case .xml: return try decodeEntry(bytes, limits: limits)
        case .json:
            return try ETSIJSONReader.decode(bytes, limits: limits, name: "qkd_link", namespace: ETSINamespace.node) {
                (document) throws(ETSIDecodingError) in try decodeEntry(document, limits: limits)
            }
        }
    }

    public func encodedEntry(_ content: ETSIContent = .configuration, encoding: ETSIEncoding) -> String {
        encoding == .xml ? encodedEntry(content) : ETSIJSONWriter.document(element(content), entry: true)
    }
}

extension ETSIApplication {
    public static func decodeEntry(
        _ bytes: some Collection<UInt8>, encoding: ETSIEncoding, limits: XMLParseLimits = .default
    ) throws(ETSIDecodingError) -> ETSIApplication {
        switch encoding {
        case .xml: return try decodeEntry(bytes, limits: limits)
        case .json:
            return try ETSIJSONReader.decode(bytes, limits: limits, name: "qkd_app", namespace: ETSINamespace.node) {
                (document) throws(ETSIDecodingError) in try decodeEntry(document, limits: limits)
            }
        }
    }

    public func encodedEntry(_ content: ETSIContent = .configuration, encoding: ETSIEncoding) -> String {
        encoding == .xml ? encodedEntry(content) : ETSIJSONWriter.document(element(content), entry: true)
    }
}

extension ETSIEntryList {
    /// The list's container holding `links`, in `encoding`, as a plain `PATCH` of the container merges them.
    public static func document(links: [ETSILink], encoding: ETSIEncoding) -> String {
        switch encoding {
        case .xml: return ETSIEntryList.links.document(of: links.map { $0.encodedEntry() })
        case .json:
            return ETSIJSONWriter.document(XMLElement("qkd_links", namespace: ETSINamespace.node, children: links.map { $0.element(.configuration) }))
        }
    }

    public static func document(applications: [ETSIApplication], encoding: ETSIEncoding) -> String {
        switch encoding {
        case .xml: return ETSIEntryList.applications.document(of: applications.map { $0.encodedEntry() })
        case .json:
            return ETSIJSONWriter.document(
                XMLElement("qkd_applications", namespace: ETSINamespace.node, children: applications.map { $0.element(.configuration) }))
        }
    }

    public static func decodeLinks(
        _ bytes: some Collection<UInt8>, encoding: ETSIEncoding, limits: XMLParseLimits = .default
    ) throws(ETSIDecodingError) -> [ETSILink] {
        switch encoding {
        case .xml: return try decodeLinks(bytes, limits: limits)
        case .json:
            return try ETSIJSONReader.decode(bytes, limits: limits, name: "qkd_links", namespace: ETSINamespace.node) {
                (document) throws(ETSIDecodingError) in try decodeLinks(document, limits: limits)
            }
        }
    }

    public static func decodeApplications(
        _ bytes: some Collection<UInt8>, encoding: ETSIEncoding, limits: XMLParseLimits = .default
    ) throws(ETSIDecodingError) -> [ETSIApplication] {
        switch encoding {
        case .xml: return try decodeApplications(bytes, limits: limits)
        case .json:
            return try ETSIJSONReader.decode(bytes, limits: limits, name: "qkd_applications", namespace: ETSINamespace.node) {
                (document) throws(ETSIDecodingError) in try decodeApplications(document, limits: limits)
            }
        }
    }
}

extension RESTCONFErrors {
    /// The document in `encoding`: `{"ietf-restconf:errors": {"error": [...]}}` in JSON.
    public func encoded(_ encoding: ETSIEncoding) -> String {
        encoding == .xml ? encoded() : ETSIJSONWriter.document(element)
    }

    /// Reads an `errors` document in either encoding; nil when `bytes` is not one.
    public static func decode(_ bytes: some Collection<UInt8>, encoding: ETSIEncoding) -> RESTCONFErrors? {
        switch encoding {
        case .xml: return decode(bytes)
        case .json:
            guard let root = try? ETSIJSONReader.root(bytes, limits: .default, name: "errors", namespace: namespace) else { return nil }
            return decode(ETSIJSONReader.xmlDocument(root))
        }
    }
}

extension ETSINode {
    /// One of the node's top-level containers (`qkd_links`, `qkd_applications`, `qkd_interfaces`,
    /// `qkdn_capabilities`) as a document of its own, as RESTCONF serves `…/qkd_node/qkd_links`:
    /// empty when the tree has nothing in it, as a client listing the entries expects.
    public func encodedContainer(_ name: String, _ content: ETSIContent = .all, encoding: ETSIEncoding) -> String {
        let container =
            element(content).firstChild(named: name, namespace: ETSINamespace.node) ?? XMLElement(name, namespace: ETSINamespace.node)
        switch encoding {
        case .xml: return XMLDocumentWriter.serialize(container, namespaces: ETSIXML.namespaces)
        case .json: return ETSIJSONWriter.document(container)
        }
    }
}

extension AgentNotification {
    /// The notification in `encoding`: RFC 5277's `<notification>` in XML, RFC 8040 §6.4's
    /// `{"ietf-restconf:notification": {"eventTime": …, "etsi-qkd-sdn-node:…": {…}}}` in JSON.
    public func encoded(_ encoding: ETSIEncoding) -> String {
        guard encoding == .json else { return encoded() }
        var writer = ETSIJSONWriter()
        writer.raw("{")
        writer.string("ietf-restconf:notification")
        writer.raw(":")
        writer.object(envelope)
        writer.raw("}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    public static func decode(
        _ bytes: some Collection<UInt8>, encoding: ETSIEncoding, limits: XMLParseLimits = .default
    ) throws(ETSIDecodingError) -> AgentNotification {
        guard encoding == .json else { return try decode(bytes, limits: limits) }
        let root = try ETSIJSONReader.notification(bytes, limits: limits)
        do {
            return try decode(Array(XMLDocumentWriter.serialize(root, namespaces: namespaces).utf8), limits: limits)
        } catch {
            throw ETSIDecodingError(issues: error.issues.map { .init(path: $0.path, line: 0, message: $0.message) })
        }
    }
}
