internal import CLibXML2

/// Builds an `XMLTree` straight from libxml2's SAX2 events: no libxml2 tree is made, walked or
/// freed, and no Swift value is made per element beyond its flat record.
///
/// One builder serves one parse on one thread; libxml2 calls it back through a pointer in the
/// parser context's `_private`. A struct reached through a pointer, not a class: class properties
/// pay a dynamic exclusivity check on every access, which was most of the cost of a parse.
struct XMLTreeBuilder {
    let limits: XMLParseLimits
    private var records: [XMLTree.Record] = []
    private var attributes: [XMLTree.Attribute] = []
    private var text: [UInt8] = []
    private var names = XMLNameTable()
    private var interning = PointerIndexTable()
    private var lastNamespace: (pointer: UnsafePointer<xmlChar>?, index: Int32) = (nil, -1)

    /// Records of the elements open at this point, outermost first.
    private var open: [Int32] = []
    /// Where each open element's namespace declarations start in `bindings`.
    private var bindingMarks: [Int32] = []
    /// Namespace declarations in scope: libxml2's interned prefix (nil: the default namespace) and
    /// the URI's string index (-1: undeclared by xmlns="").
    private var bindings: [(prefix: UnsafePointer<xmlChar>?, uri: Int32)] = []
    /// The text run being read, when it has content, starts at `text[runStart]`; libxml2 may
    /// deliver one run in several calls. White space read before any content waits in `pendingBlank`.
    private var runStart = 0
    private var runHasContent = false
    private var pendingBlank: [UInt8] = []
    private var pendingBlankCount = 0

    /// Keeps blank `bytes` after those already held, reusing the buffer (clearing it is setting the count).
    private mutating func holdBlank(_ bytes: UnsafeBufferPointer<UInt8>) {
        let end = pendingBlankCount + bytes.count
        if pendingBlank.count < end { pendingBlank.append(contentsOf: repeatElement(0, count: end - pendingBlank.count)) }
        pendingBlank.withUnsafeMutableBufferPointer { held in
            _ = UnsafeMutableBufferPointer(rebasing: held[pendingBlankCount..<end]).initialize(fromContentsOf: bytes)
        }
        pendingBlankCount = end
    }

    /// Set when the parse was stopped on purpose (a DOCTYPE, too deep).
    private(set) var refusal: XMLParseError?

    init(limits: XMLParseLimits) {
        self.limits = limits
        records.reserveCapacity(128)
        text.reserveCapacity(1024)
    }

    /// The tree, once the document element has closed.
    func tree() -> XMLTree? {
        guard !records.isEmpty, open.isEmpty else { return nil }
        return XMLTree(records: records, attributes: attributes, text: text, names: names)
    }

    /// The name-table index of an interned libxml2 name: the parser's dictionary gives each
    /// distinct name a single address, so the address identifies it.
    private mutating func intern(_ pointer: UnsafePointer<xmlChar>) -> Int32 {
        if let known = interning[UnsafeRawPointer(pointer)] { return known }
        // By text: a name is stored once even if libxml2 ever hands out two addresses for it.
        let index = names.insert(UnsafeBufferPointer(start: pointer, count: Int(xmlStrlen(pointer))))
        interning[UnsafeRawPointer(pointer)] = index
        return index
    }

    /// Nearly every element is in the namespace of the one before it.
    private mutating func internNamespace(_ pointer: UnsafePointer<xmlChar>) -> Int32 {
        if pointer == lastNamespace.pointer { return lastNamespace.index }
        let index = intern(pointer)
        lastNamespace = (pointer, index)
        return index
    }

    mutating func refuse(_ error: XMLParseError) {
        if refusal == nil { refusal = error }
    }

    // MARK: SAX2 events

    mutating func startElement(
        localName: UnsafePointer<xmlChar>, uri: UnsafePointer<xmlChar>?, line: Int,
        namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, namespaceCount: Int,
        attributes attributeValues: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int
    ) -> Bool {
        if open.count + 1 > limits.maxDepth {
            refuse(XMLParseError(
                kind: .tooDeep(limit: limits.maxDepth), message: "elements nest deeper than the limit of \(limits.maxDepth)", line: line
            ))
            return false
        }
        guard records.count < Int32.max, text.count < Int32.max / 2 else {
            refuse(XMLParseError(kind: .tooLarge(limitBytes: limits.maxBytes), message: "the document has too many elements", line: line))
            return false
        }
        flushRun()
        bindingMarks.append(Int32(bindings.count))
        if let namespaces {
            for index in 0..<namespaceCount {
                let href = namespaces[2 * index + 1]
                // xmlns="" undeclares the default namespace.
                let uri = href.map { $0.pointee == 0 ? -1 : intern($0) } ?? -1
                bindings.append((namespaces[2 * index], uri))
            }
        }
        var record = XMLTree.Record(name: intern(localName), namespace: uri.map { internNamespace($0) } ?? -1, line: Int32(clamping: line))
        if let attributeValues, attributeCount > 0 {
            record.firstAttribute = Int32(attributes.count)
            record.attributeCount = Int32(attributeCount)
            for index in 0..<attributeCount {
                // localname, prefix, URI, value start, value end
                let base = 5 * index
                guard let name = attributeValues[base], let start = attributeValues[base + 3], let end = attributeValues[base + 4] else {
                    record.attributeCount -= 1
                    continue
                }
                let valueStart = Int32(text.count)
                appendAttributeValue(UnsafeBufferPointer(start: start, count: end - start))
                attributes.append(XMLTree.Attribute(
                    name: intern(name), namespace: attributeValues[base + 2].map { intern($0) } ?? -1,
                    valueStart: valueStart, valueEnd: Int32(text.count)
                ))
            }
        }
        let index = Int32(records.count)
        if let parent = open.last {
            if records[Int(parent)].lastChild >= 0 {
                records[Int(records[Int(parent)].lastChild)].nextSibling = index
            } else {
                records[Int(parent)].firstChild = index
            }
            records[Int(parent)].lastChild = index
        }
        records.append(record)
        open.append(index)
        return true
    }

    /// SAX2 hands attribute values over with entities replaced, except that each `&` (from `&amp;`
    /// or `&#38;`) is written `&#38;`, for a tree builder to expand later; here it is expanded.
    private mutating func appendAttributeValue(_ value: UnsafeBufferPointer<UInt8>) {
        guard value.contains(UInt8(ascii: "&")) else {
            text.append(contentsOf: value)
            return
        }
        var index = 0
        while index < value.count {
            text.append(value[index])
            index += value[index] == UInt8(ascii: "&") ? 5 : 1
        }
    }

    mutating func endElement() {
        flushRun()
        guard let index = open.popLast(), let mark = bindingMarks.popLast() else { return }
        let record = records[Int(index)]
        if record.firstChild < 0 && record.textEnd > record.textStart {
            records[Int(index)].textNamespace = qualifiedNameNamespace(start: Int(record.textStart), end: Int(record.textEnd))
        }
        if bindings.count > Int(mark) { bindings.removeLast(bindings.count - Int(mark)) }
    }

    mutating func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !open.isEmpty else { return }
        if !runHasContent {
            // Indentation between elements is most of a document's text and means nothing: it is
            // held aside, and written only if the run turns out to have content.
            guard bytes.contains(where: { !QualifiedName.isSpace($0) }) else {
                holdBlank(bytes)
                return
            }
            runHasContent = true
            runStart = text.count
            if pendingBlankCount > 0 {
                text.append(contentsOf: pendingBlank[..<pendingBlankCount])
                pendingBlankCount = 0
            }
        }
        text.append(contentsOf: bytes)
    }

    /// Ends the current text run: comments, processing instructions and elements separate runs,
    /// and a run that is only white space (indentation) means nothing.
    mutating func flushRun() {
        pendingBlankCount = 0
        guard runHasContent else { return }
        runHasContent = false
        guard let index = open.last.map(Int.init) else { return }
        let record = records[index]
        if record.textEnd == record.textStart {
            records[index].textStart = Int32(runStart)
        } else if Int(record.textEnd) != runStart {
            // Mixed content (text, an element, more text): the element's earlier text moves after the run's start.
            let run = Array(text[runStart...])
            text.removeLast(text.count - runStart)
            let earlier = Array(text[Int(record.textStart)..<Int(record.textEnd)])
            records[index].textStart = Int32(text.count)
            text.append(contentsOf: earlier)
            text.append(contentsOf: run)
        }
        records[index].textEnd = Int32(text.count)
    }

    // MARK: QName-shaped text

    /// The namespace a QName-shaped text's prefix is bound to here, or -1 for other text.
    private func qualifiedNameNamespace(start: Int, end: Int) -> Int32 {
        text.withUnsafeBufferPointer { bytes in
            var start = start, end = end
            while start < end && QualifiedName.isSpace(bytes[start]) { start += 1 }
            while end > start && QualifiedName.isSpace(bytes[end - 1]) { end -= 1 }
            var colon = start
            while colon < end && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            let hasPrefix = colon < end
            let local = UnsafeBufferPointer(rebasing: bytes[(hasPrefix ? colon + 1 : start)..<end])
            let prefix = hasPrefix ? UnsafeBufferPointer(rebasing: bytes[start..<colon]) : nil
            guard QualifiedName.isNCName(local), prefix.map(QualifiedName.isNCName) ?? true else { return -1 }
            // The innermost declaration of the prefix wins.
            for binding in bindings.reversed() where Self.matches(binding.prefix, prefix) {
                return binding.uri
            }
            return -1
        }
    }

    private static func matches(_ declared: UnsafePointer<xmlChar>?, _ prefix: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let prefix else { return declared == nil }
        guard let declared else { return false }
        for index in 0..<prefix.count where declared[index] != prefix[index] { return false }
        return declared[prefix.count] == 0
    }
}

/// A small open-addressing table from addresses to indices: interning a parse's few dozen names
/// without hashing their text.
struct PointerIndexTable: Sendable {
    private var keys = [UInt](repeating: 0, count: 64)
    private var values = [Int32](repeating: 0, count: 64)
    private var count = 0

    subscript(pointer: UnsafeRawPointer) -> Int32? {
        get {
            let key = UInt(bitPattern: pointer)
            var slot = Self.slot(key, keys.count)
            while keys[slot] != 0 {
                if keys[slot] == key { return values[slot] }
                slot = (slot + 1) & (keys.count - 1)
            }
            return nil
        }
        set {
            guard let newValue else { return }
            if (count + 1) * 2 > keys.count { grow() }
            insert(UInt(bitPattern: pointer), newValue)
        }
    }

    private mutating func insert(_ key: UInt, _ value: Int32) {
        var slot = Self.slot(key, keys.count)
        while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & (keys.count - 1) }
        if keys[slot] == 0 { count += 1 }
        keys[slot] = key
        values[slot] = value
    }

    private mutating func grow() {
        let old = zip(keys, values).filter { $0.0 != 0 }
        keys = [UInt](repeating: 0, count: keys.count * 2)
        values = [Int32](repeating: 0, count: keys.count)
        count = 0
        for (key, value) in old { insert(key, value) }
    }

    private static func slot(_ key: UInt, _ capacity: Int) -> Int {
        // Fibonacci hashing of the address; its low bits are alignment and carry no information.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & (capacity - 1)
    }
}
