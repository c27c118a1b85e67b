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
        try parseTree(bytes, limits: limits).root.element
    }

    public static func parse(_ text: String, limits: XMLParseLimits = .default) throws(XMLParseError) -> XMLElement {
        try parse(Array(text.utf8), limits: limits)
    }

    /// Parses `bytes` into a flat tree: the fast way to read a document once.
    public static func parseTree(
        _ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default
    ) throws(XMLParseError) -> XMLTree {
        if bytes.isEmpty { throw XMLParseError(kind: .empty, message: "the document is empty") }
        if bytes.count > limits.maxBytes {
            throw XMLParseError(
                kind: .tooLarge(limitBytes: limits.maxBytes),
                message: "the document is \(bytes.count) bytes, over the limit of \(limits.maxBytes) bytes"
            )
        }
        LibXML2.initializeOnce()
        let result: Result<XMLTree, XMLParseError> =
            if let contiguous = bytes.withContiguousStorageIfAvailable({ parseBuffer($0, limits: limits) }) {
                contiguous
            } else {
                Array(bytes).withUnsafeBufferPointer { parseBuffer($0, limits: limits) }
            }
        return try result.get()
    }

    private static func parseBuffer(
        _ buffer: UnsafeBufferPointer<UInt8>, limits: XMLParseLimits
    ) -> Result<XMLTree, XMLParseError> {
        let context = buffer.withMemoryRebound(to: CChar.self) { xmlCreateMemoryParserCtxt($0.baseAddress, Int32($0.count)) }
        guard let context else {
            return .failure(XMLParseError(kind: .malformed, message: "libxml2 could not allocate a parser"))
        }
        defer { xmlFreeParserCtxt(context) }
        let builder = UnsafeMutablePointer<XMLTreeBuilder>.allocate(capacity: 1)
        builder.initialize(to: XMLTreeBuilder(limits: limits))
        defer { builder.deinitialize(count: 1).deallocate() }
        // The context owns its SAX handler: these events replace libxml2's tree building for this parse only.
        context.pointee.sax.pointee = treeBuildingEvents()
        context.pointee._private = UnsafeMutableRawPointer(builder)
        context.pointee.userData = UnsafeMutableRawPointer(context)
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue
        )
        _ = xmlCtxtUseOptions(context, options)
        _ = xmlParseDocument(context)

        if let refusal = builder.pointee.refusal { return .failure(refusal) }
        guard context.pointee.wellFormed != 0, let tree = builder.pointee.tree() else {
            return .failure(lastError(of: context, limits: limits))
        }
        return .success(tree)
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

/// The SAX2 events Qonduit listens to; everything else (entities, DTD declarations) stays unset.
private func treeBuildingEvents() -> xmlSAXHandler {
    var events = xmlSAXHandler()
    events.initialized = XML_SAX2_MAGIC
    events.startElementNs = { context, localName, _, uri, namespaceCount, namespaces, attributeCount, _, attributes in
        guard let (parser, builder) = unpack(context), let localName else { return }
        let line = Int(parser.pointee.input?.pointee.line ?? 0)
        if !builder.pointee.startElement(
            localName: localName, uri: uri, line: line, namespaces: namespaces, namespaceCount: Int(namespaceCount),
            attributes: attributes, attributeCount: Int(attributeCount)
        ) {
            xmlStopParser(parser)
        }
    }
    events.endElementNs = { context, _, _, _ in unpack(context)?.builder.pointee.endElement() }
    let characters: charactersSAXFunc = { context, bytes, count in
        guard let bytes, count > 0 else { return }
        unpack(context)?.builder.pointee.characters(UnsafeBufferPointer(start: bytes, count: Int(count)))
    }
    events.characters = characters
    events.ignorableWhitespace = characters
    events.cdataBlock = characters
    events.comment = { context, _ in unpack(context)?.builder.pointee.flushRun() }
    events.processingInstruction = { context, _, _ in unpack(context)?.builder.pointee.flushRun() }
    // Any DOCTYPE stops the parser, so no DTD, external entity or entity expansion is ever processed.
    events.internalSubset = { context, _, _, _ in
        guard let (parser, builder) = unpack(context) else { return }
        builder.pointee.refuse(XMLParseError(
            kind: .doctypeRefused,
            message: "DOCTYPE declarations are not accepted (DTDs and entities are refused for safety)",
            line: Int(parser.pointee.input?.pointee.line ?? 0)
        ))
        xmlStopParser(parser)
    }
    return events
}

private func unpack(_ context: UnsafeMutableRawPointer?) -> (parser: xmlParserCtxtPtr, builder: UnsafeMutablePointer<XMLTreeBuilder>)? {
    guard let parser = context?.assumingMemoryBound(to: xmlParserCtxt.self), let builder = parser.pointee._private else { return nil }
    return (parser, builder.assumingMemoryBound(to: XMLTreeBuilder.self))
}

/// The XML Namespaces rules for names, on UTF-8 (ASCII letters only: YANG identities are ASCII).
@usableFromInline enum QualifiedName {
    static func isNCName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F }
    }

    @inlinable static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
}
