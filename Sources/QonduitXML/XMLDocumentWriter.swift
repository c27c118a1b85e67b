internal import CLibXML2

/// Serialises `XMLElement` values to indented UTF-8 XML with libxml2, which escapes text and attributes.
public enum XMLDocumentWriter {
    public struct Namespace: Sendable, Equatable {
        public var prefix: String?
        public var uri: String
        public init(prefix: String?, uri: String) {
            self.prefix = prefix
            self.uri = uri
        }
    }

    /// Writes `root` as a whole document. Every namespace used must be listed in `namespaces`;
    /// they are declared on the root element. `comment` is placed before the root.
    public static func serialize(_ root: XMLElement, namespaces: [Namespace], comment: String? = nil) -> String {
        LibXML2.initializeOnce()
        let document = xmlNewDoc("1.0")!
        defer { xmlFreeDoc(document) }
        // Declared UTF-8 on the document, not asked of the save context: text is UTF-8 already, and
        // a context given an encoding looks up its converter for every document (a fifth of the time).
        document.pointee.encoding = UnsafePointer(xmlStrdup("UTF-8"))
        let rootNode = LibXML2.withXMLString(root.localName) { xmlNewDocNode(document, nil, $0, nil) }!
        xmlDocSetRootElement(document, rootNode)
        var declared: [(uri: String, ns: xmlNsPtr)] = []
        for namespace in namespaces {
            let ns = LibXML2.withXMLString(namespace.uri) { uri in
                if let prefix = namespace.prefix {
                    return LibXML2.withXMLString(prefix) { xmlNewNs(rootNode, uri, $0) }
                }
                return xmlNewNs(rootNode, uri, nil)
            }
            declared.append((namespace.uri, ns!))
        }
        if let comment {
            // "--" may not appear inside an XML comment.
            let safe = comment.replacingDoubleHyphens()
            if let node = LibXML2.withXMLString(safe, { xmlNewDocComment(document, $0) }) {
                xmlAddPrevSibling(rootNode, node)
            }
        }
        fill(rootNode, from: root, namespaces: declared)
        let buffer = xmlBufferCreate()!
        defer { xmlBufferFree(buffer) }
        let context = xmlSaveToBuffer(buffer, nil, Int32(XML_SAVE_FORMAT.rawValue))
        xmlSaveDoc(context, document)
        xmlSaveClose(context)
        return LibXML2.string(xmlBufferContent(buffer))
    }

    /// `namespaces` are a document's few declarations: searched in order, which beats hashing each URI.
    private static func fill(_ node: xmlNodePtr, from element: XMLElement, namespaces: [(uri: String, ns: xmlNsPtr)]) {
        func declared(_ uri: String) -> xmlNsPtr? { namespaces.first { $0.uri == uri }?.ns }
        if let uri = element.namespaceURI {
            guard let ns = declared(uri) else { preconditionFailure("namespace \(uri) used but not declared") }
            xmlSetNs(node, ns)
        }
        for attribute in element.attributes {
            LibXML2.withXMLString(attribute.localName) { name in
                LibXML2.withXMLString(attribute.value) { value in
                    if let uri = attribute.namespaceURI, let ns = declared(uri) {
                        _ = xmlNewNsProp(node, ns, name, value)
                    } else {
                        _ = xmlNewProp(node, name, value)
                    }
                }
            }
        }
        if !element.text.isEmpty {
            LibXML2.withXMLString(element.text) { text in
                let length = Int32(element.text.utf8.count)
                if let textNode = xmlNewTextLen(text, length) { xmlAddChild(node, textNode) }
            }
        }
        for child in element.children {
            let childNode = LibXML2.withXMLString(child.localName) { xmlNewChild(node, nil, $0, nil) }!
            fill(childNode, from: child, namespaces: namespaces)
        }
    }
}

extension String {
    fileprivate func replacingDoubleHyphens() -> String {
        var result = ""
        var previous: Character?
        for character in self {
            if character == "-" && previous == "-" { result.append(" ") }
            result.append(character)
            previous = character
        }
        if result.last == "-" { result.append(" ") }
        return result
    }
}
