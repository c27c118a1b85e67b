internal import CQonduitXMLTree

#if canImport(Glibc)
    import Glibc
#endif

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
        // This thread's builder: the tree is copied out of it before this function returns.
        guard let builder = qx_builder_for_this_thread() else {
            return .failure(XMLParseError(kind: .malformed, message: "out of memory before parsing"))
        }
        defer { qx_builder_trim(builder) }
        let status = qx_parse(builder, buffer.baseAddress, Int32(buffer.count), Int32(clamping: limits.maxDepth))
        let line = qx_error_line(builder) > 0 ? Int(qx_error_line(builder)) : nil
        switch status {
        case QX_OK:
            return .success(tree(of: builder))
        case QX_DOCTYPE_REFUSED:
            return .failure(
                XMLParseError(
                    kind: .doctypeRefused, message: "DOCTYPE declarations are not accepted (DTDs and entities are refused for safety)", line: line
                ))
        case QX_TOO_DEEP:
            return .failure(tooDeep(limits, line: line))
        case QX_TOO_LARGE:
            return .failure(
                XMLParseError(
                    kind: .tooLarge(limitBytes: limits.maxBytes), message: "the document has more elements or text than the parser holds", line: line
                ))
        case QX_OUT_OF_MEMORY:
            return .failure(XMLParseError(kind: .malformed, message: "out of memory while parsing", line: line))
        default:
            var message = qx_error_message(builder).map { String(cString: $0) } ?? "the document is not well-formed XML"
            while message.last == "\n" || message.last == " " { message.removeLast() }
            // libxml2's own depth limit (256) stops a document the builder's limit let through.
            if message.hasPrefix("Excessive depth") { return .failure(tooDeep(limits, line: line)) }
            return .failure(XMLParseError(kind: .malformed, message: "not well-formed XML: \(message)", line: line))
        }
    }

    private static func tooDeep(_ limits: XMLParseLimits, line: Int?) -> XMLParseError {
        XMLParseError(kind: .tooDeep(limit: limits.maxDepth), message: "elements nest deeper than the limit of \(limits.maxDepth)", line: line)
    }

    /// Whether `XMLTree.Record` lays its fields out as C's `qx_record` does (Swift keeps a struct's
    /// stored properties in declaration order today, but does not promise it): then the tree takes
    /// the builder's records as they are, otherwise it copies them field by field.
    static let recordLayoutsMatch: Bool = {
        typealias Record = XMLTree.Record
        let fields: [(PartialKeyPath<Record>, Int)] = [
            (\Record.name, 0), (\Record.namespace, 4), (\Record.firstChild, 8), (\Record.lastChild, 12), (\Record.nextSibling, 16),
            (\Record.line, 20), (\Record.textStart, 24), (\Record.textEnd, 28), (\Record.textNamespace, 32),
            (\Record.firstAttribute, 36), (\Record.attributeCount, 40),
        ]
        return MemoryLayout<Record>.stride == MemoryLayout<qx_record>.stride && MemoryLayout<qx_record>.stride == 44
            && fields.allSatisfy { MemoryLayout<Record>.offset(of: $0.0) == $0.1 }
    }()

    /// Takes the builder's records and text, and copies the rest (attributes and names, a few small copies).
    private static func tree(of builder: OpaquePointer) -> XMLTree {
        var builtRecords: UnsafeMutablePointer<qx_record>?
        var builtText: UnsafeMutablePointer<UInt8>?
        var recordCount: Int32 = 0
        var textCount: Int32 = 0
        var count: Int32 = 0
        qx_take_result(builder, &builtRecords, &recordCount, &builtText, &textCount)
        let records: UnsafeBufferPointer<XMLTree.Record>
        if recordLayoutsMatch, let builtRecords {
            records = UnsafeBufferPointer(
                start: UnsafeMutableRawPointer(builtRecords).bindMemory(to: XMLTree.Record.self, capacity: Int(recordCount)), count: Int(recordCount)
            )
        } else {
            let copy = UnsafeMutableBufferPointer(
                start: malloc(max(1, Int(recordCount)) * MemoryLayout<XMLTree.Record>.stride)!.bindMemory(
                    to: XMLTree.Record.self, capacity: Int(recordCount)),
                count: Int(recordCount)
            )
            for index in 0..<Int(recordCount) {
                let record = builtRecords![index]
                copy.initializeElement(
                    at: index,
                    to: XMLTree.Record(
                        name: record.name, namespace: record.ns, firstChild: record.first_child, lastChild: record.last_child,
                        nextSibling: record.next_sibling, line: record.line, textStart: record.text_start, textEnd: record.text_end,
                        textNamespace: record.text_namespace, firstAttribute: record.first_attribute, attributeCount: record.attribute_count
                    ))
            }
            free(builtRecords)
            records = UnsafeBufferPointer(copy)
        }
        let text = UnsafeBufferPointer(start: builtText, count: Int(textCount))
        let attributes = UnsafeBufferPointer(start: qx_attributes(builder, &count), count: Int(count)).map { attribute in
            XMLTree.Attribute(name: attribute.name, namespace: attribute.ns, valueStart: attribute.value_start, valueEnd: attribute.value_end)
        }
        var byteCount: Int32 = 0
        var nameCount: Int32 = 0
        var slotCount: Int32 = 0
        let nameBytes = qx_name_bytes(builder, &byteCount)
        let starts = qx_name_starts(builder, &nameCount)
        let slots = qx_name_slots(builder, &slotCount)
        // The builder's table is copied as it is, hash slots included: no name is hashed again.
        let names = XMLNameTable(
            bytes: UnsafeBufferPointer(start: nameBytes, count: Int(byteCount)),
            starts: UnsafeBufferPointer(start: starts, count: Int(nameCount) + 1),
            slots: UnsafeBufferPointer(start: slots, count: Int(slotCount))
        )
        return XMLTree(records: records, attributes: attributes, text: text, names: names, namesEpoch: qx_names_epoch(builder))
    }
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
