internal import CLibXML2

/// Parses untrusted XML with libxml2 into `XMLElement` values.
///
/// Safe by construction: any DOCTYPE stops the parser (so no DTD, external entity or entity
/// expansion is ever processed), the network is never used, and size and depth are bounded.
public enum XMLDocumentParser {
    /// Parses `bytes` and returns the root element.
    public static func parse(
        _ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default
    ) throws(XMLParseError) -> XMLElement {
        if bytes.isEmpty { throw XMLParseError(kind: .empty, message: "the document is empty") }
        if bytes.count > limits.maxBytes {
            throw XMLParseError(
                kind: .tooLarge(limitBytes: limits.maxBytes),
                message: "the document is \(bytes.count) bytes, over the limit of \(limits.maxBytes) bytes"
            )
        }
        LibXML2.initializeOnce()
        let result: Result<XMLElement, XMLParseError> =
            if let contiguous = bytes.withContiguousStorageIfAvailable({ parseBuffer($0, limits: limits) }) {
                contiguous
            } else {
                Array(bytes).withUnsafeBufferPointer { parseBuffer($0, limits: limits) }
            }
        return try result.get()
    }

    public static func parse(_ text: String, limits: XMLParseLimits = .default) throws(XMLParseError) -> XMLElement {
        try parse(Array(text.utf8), limits: limits)
    }

    private static func parseBuffer(
        _ buffer: UnsafeBufferPointer<UInt8>, limits: XMLParseLimits
    ) -> Result<XMLElement, XMLParseError> {
        guard let context = xmlNewParserCtxt() else {
            return .failure(XMLParseError(kind: .malformed, message: "libxml2 could not allocate a parser"))
        }
        defer { xmlFreeParserCtxt(context) }
        // The context owns a private copy of the SAX handler, so this hook affects this parse only.
        context.pointee.sax.pointee.internalSubset = { userData, _, _, _ in
            guard let parser = userData?.assumingMemoryBound(to: xmlParserCtxt.self) else { return }
            parser.pointee._private = LibXML2.doctypeMarker
            xmlStopParser(parser)
        }
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue
        )
        let document = buffer.withMemoryRebound(to: CChar.self) { chars in
            xmlCtxtReadMemory(context, chars.baseAddress, Int32(chars.count), "document.xml", nil, options)
        }
        defer { if let document { xmlFreeDoc(document) } }

        if context.pointee._private == LibXML2.doctypeMarker {
            return .failure(XMLParseError(
                kind: .doctypeRefused,
                message: "DOCTYPE declarations are not accepted (DTDs and entities are refused for safety)",
                line: Int(context.pointee.input?.pointee.line ?? 0)
            ))
        }
        guard let document, context.pointee.wellFormed != 0, let root = xmlDocGetRootElement(document) else {
            return .failure(lastError(of: context, limits: limits))
        }
        do throws(XMLParseError) {
            var converter = TreeConverter(limits: limits)
            return .success(try converter.convert(root, depth: 1))
        } catch {
            return .failure(error)
        }
    }

    private static func lastError(of context: xmlParserCtxtPtr, limits: XMLParseLimits) -> XMLParseError {
        let error = context.pointee.lastError
        let line = error.line > 0 ? Int(error.line) : nil
        var message = error.message.map { String(cString: $0) } ?? "the document is not well-formed XML"
        while message.last == "\n" || message.last == " " { message.removeLast() }
        if message.hasPrefix("Excessive depth") {
            return XMLParseError(
                kind: .tooDeep(limit: limits.maxDepth),
                message: "elements nest deeper than the limit of \(limits.maxDepth)", line: line
            )
        }
        return XMLParseError(kind: .malformed, message: "not well-formed XML: \(message)", line: line)
    }
}

/// Copies libxml2's tree into `XMLElement` values.
private struct TreeConverter {
    let limits: XMLParseLimits
    /// Namespace URIs by declaration: a document declares a few and uses them on every element.
    private var namespaces: [UnsafeMutablePointer<xmlNs>: String] = [:]

    init(limits: XMLParseLimits) {
        self.limits = limits
    }

    /// Element names by libxml2's interned pointer: a document repeats a few dozen names many times.
    private var names: [UnsafePointer<xmlChar>: String] = [:]

    private mutating func name(_ pointer: UnsafePointer<xmlChar>) -> String {
        if let known = names[pointer] { return known }
        let name = LibXML2.string(pointer)
        names[pointer] = name
        return name
    }

    private mutating func namespaceURI(_ ns: UnsafeMutablePointer<xmlNs>?) -> String? {
        guard let ns, let href = ns.pointee.href else { return nil }
        if let known = namespaces[ns] { return known }
        let uri = LibXML2.string(href)
        namespaces[ns] = uri
        return uri
    }

    mutating func convert(_ node: xmlNodePtr, depth: Int) throws(XMLParseError) -> XMLElement {
        let line = Int(xmlGetLineNo(node))
        if depth > limits.maxDepth {
            throw XMLParseError(
                kind: .tooDeep(limit: limits.maxDepth),
                message: "elements nest deeper than the limit of \(limits.maxDepth)", line: line
            )
        }
        var element = XMLElement(name(node.pointee.name), namespace: namespaceURI(node.pointee.ns), line: line)
        var attribute = node.pointee.properties
        while let current = attribute {
            let value: String
            if let content = xmlNodeGetContent(UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self)) {
                value = LibXML2.string(content)
                LibXML2.free(content)
            } else {
                value = ""
            }
            element.attributes.append(XMLAttribute(
                LibXML2.string(current.pointee.name), namespace: namespaceURI(current.pointee.ns), value: value
            ))
            attribute = current.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(try convert(current, depth: depth + 1))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                // Indentation between elements is most of a document's text nodes and means nothing.
                if xmlIsBlankNode(current) == 0, let content = current.pointee.content {
                    element.text += LibXML2.string(content)
                }
            default:
                break  // comments and processing instructions carry no data
            }
            child = current.pointee.next
        }
        if element.children.isEmpty, !element.text.isEmpty {
            element.textNamespaceURI = qualifiedNameNamespace(of: element.text, at: node)
        }
        return element
    }

    /// The namespace a QName-shaped text's prefix is bound to at `node`, or nil for other text.
    private mutating func qualifiedNameNamespace(of text: String, at node: xmlNodePtr) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            // Trim XML white space, then split at the first colon.
            var start = 0, end = bytes.count
            while start < end && QualifiedName.isSpace(bytes[start]) { start += 1 }
            while end > start && QualifiedName.isSpace(bytes[end - 1]) { end -= 1 }
            var colon = start
            while colon < end && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            let hasPrefix = colon < end
            let local = UnsafeBufferPointer(rebasing: bytes[(hasPrefix ? colon + 1 : start)..<end])
            let prefix = hasPrefix ? UnsafeBufferPointer(rebasing: bytes[start..<colon]) : nil
            guard QualifiedName.isNCName(local), prefix.map(QualifiedName.isNCName) ?? true else { return nil }
            return namespaceURI(Self.namespace(boundTo: prefix, at: node))
        }
    }

    /// The namespace declaration in scope at `node` for `prefix` (nil: the default namespace),
    /// as xmlSearchNs finds it, without making a C string of the prefix first.
    private static func namespace(boundTo prefix: UnsafeBufferPointer<UInt8>?, at node: xmlNodePtr) -> UnsafeMutablePointer<xmlNs>? {
        var current: xmlNodePtr? = node
        while let element = current, element.pointee.type == XML_ELEMENT_NODE {
            var declaration = element.pointee.nsDef
            while let ns = declaration {
                if Self.matches(ns.pointee.prefix, prefix) {
                    // xmlns="" undeclares the default namespace.
                    if let href = ns.pointee.href, href.pointee != 0 { return ns }
                    return nil
                }
                declaration = ns.pointee.next
            }
            current = element.pointee.parent
        }
        return nil
    }

    private static func matches(_ declared: UnsafePointer<xmlChar>?, _ prefix: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let prefix else { return declared == nil }
        guard let declared else { return false }
        for index in 0..<prefix.count where declared[index] != prefix[index] { return false }
        return declared[prefix.count] == 0
    }
}

/// The XML Namespaces rules for names, on UTF-8 (ASCII letters only: YANG identities are ASCII).
enum QualifiedName {
    static func isNCName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
}
