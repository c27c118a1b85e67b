internal import CQonduitXMLTree

#if canImport(Glibc)
    import Glibc
#endif

/// A parsed document as flat arrays: one record per element, every text in one byte buffer, each
/// name and namespace URI stored once. Reading it allocates nothing and counts no references per
/// element, which is what lets a decoder keep up with libxml2 itself.
///
/// Immutable once built; `XMLNode` values point into it.
// @unchecked: the records and text are memory this tree alone owns (handed over by the parser, freed
// in deinit) and never writes after init, so reading them from any thread is safe.
public final class XMLTree: @unchecked Sendable {
    @usableFromInline struct Record: Sendable {
        @usableFromInline var name: Int32
        /// Index into `names`, or -1 for no namespace.
        @usableFromInline var namespace: Int32
        @usableFromInline var firstChild: Int32 = -1
        var lastChild: Int32 = -1
        @usableFromInline var nextSibling: Int32 = -1
        var line: Int32
        /// The element's own text (non-blank runs, concatenated) is `text[textStart..<textEnd]`.
        @usableFromInline var textStart: Int32 = 0
        @usableFromInline var textEnd: Int32 = 0
        /// When the text of a childless element reads as a QName: its prefix's namespace (index), else -1.
        var textNamespace: Int32 = -1
        var firstAttribute: Int32 = 0
        var attributeCount: Int32 = 0
    }

    struct Attribute: Sendable {
        var name: Int32
        var namespace: Int32
        var valueStart: Int32
        var valueEnd: Int32
    }

    /// Allocated with malloc, freed by this tree.
    @usableFromInline let records: UnsafeBufferPointer<Record>
    let attributes: [Attribute]
    /// Allocated with malloc (or nil when empty), freed by this tree.
    @usableFromInline let text: UnsafeBufferPointer<UInt8>
    /// Element and attribute names and namespace URIs, each once.
    let names: XMLNameTable
    /// The parser's number for this set of names: trees with the same number give a name the same index.
    let namesEpoch: UInt64

    /// Takes ownership of `records` and `text`, which must come from malloc.
    init(records: UnsafeBufferPointer<Record>, attributes: [Attribute], text: UnsafeBufferPointer<UInt8>, names: XMLNameTable, namesEpoch: UInt64) {
        self.records = records
        self.attributes = attributes
        self.text = text
        self.names = names
        self.namesEpoch = namesEpoch
    }

    deinit {
        free(UnsafeMutableRawPointer(mutating: records.baseAddress))
        free(UnsafeMutableRawPointer(mutating: text.baseAddress))
    }

    /// The document element.
    public var root: XMLNode { XMLNode(tree: self, index: 0) }

    /// The element at `index` (document order), as `XMLNode.index` and `forEachChild` give it.
    @inlinable public func node(at index: Int32) -> XMLNode {
        precondition(index >= 0 && Int(index) < records.count, "no element \(index) in this document")
        return XMLNode(tree: self, index: index)
    }

    /// Number of elements in the document.
    public var elementCount: Int { records.count }

    /// The bytes `range` of the text buffer (an element's text, an attribute's value) as a string.
    func string(_ range: Range<Int32>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: text[Int(range.lowerBound)..<Int(range.upperBound)]), as: UTF8.self)
    }

    /// The index `string` (an element or attribute name, or a namespace URI) has in this document's
    /// string table; nil when the table lacks it. Names compare as these indices. The table may also
    /// hold names of documents parsed before on the same thread: no element of this one has those.
    public func index(of string: String) -> Int32? {
        names.index(of: string)
    }
}

/// One element of an `XMLTree`.
public struct XMLNode: Sendable {
    public let tree: XMLTree
    /// The element's position in document order (0 is the root): unique within its tree.
    public let index: Int32

    @inlinable init(tree: XMLTree, index: Int32) {
        self.tree = tree
        self.index = index
    }

    @inlinable var record: XMLTree.Record { tree.records[Int(index)] }

    public var localName: String { tree.names.string(record.name) }

    public var namespaceURI: String? { tree.names.optionalString(record.namespace) }

    /// The namespace's index in the tree's string table (-1: none); compare with `XMLTree.index(of:)`.
    public var namespaceIndex: Int32 { record.namespace }

    /// The 1-based line where the element starts.
    public var line: Int { Int(record.line) }

    public var hasChildren: Bool { record.firstChild >= 0 }

    public var children: Children { Children(tree: tree, first: record.firstChild) }

    /// Calls `body` with the index (see `XMLTree.node(at:)`) of each child whose name and namespace
    /// have these string-table indices, in document order: a scan that makes no `XMLNode` and counts
    /// no references, for decoders that ask for many children by name.
    @inlinable
    public func forEachChild(name: Int32, namespace: Int32, _ body: (Int32) throws -> Void) rethrows {
        let records = tree.records
        var child = records[Int(index)].firstChild
        while child >= 0 {
            let next = records[Int(child)].nextSibling
            if records[Int(child)].name == name && records[Int(child)].namespace == namespace { try body(child) }
            child = next
        }
    }

    /// The children whose name and namespace have these string-table indices (see `XMLTree.index(of:)`).
    @inlinable
    public func children(name: Int32, namespace: Int32) -> MatchingChildren {
        MatchingChildren(tree: tree, first: record.firstChild, name: name, namespace: namespace)
    }

    /// The element's own text, as `XMLElement.text`.
    public var text: String {
        let record = record
        return tree.string(record.textStart..<record.textEnd)
    }

    /// The text less surrounding XML white space, as bytes handed to `body`.
    @inlinable
    public func withTrimmedText<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        let record = record
        let buffer = tree.text
        var start = Int(record.textStart)
        var end = Int(record.textEnd)
        while start < end && QualifiedName.isSpace(buffer[start]) { start += 1 }
        while end > start && QualifiedName.isSpace(buffer[end - 1]) { end -= 1 }
        return try body(UnsafeBufferPointer(rebasing: buffer[start..<end]))
    }

    public var trimmedText: String { withTrimmedText { String(decoding: $0, as: UTF8.self) } }

    /// `textNamespaceURI`'s index in the tree's name table (-1: none).
    public var textNamespaceIndex: Int32 { record.textNamespace }

    /// As `XMLElement.textNamespaceURI`.
    public var textNamespaceURI: String? { tree.names.optionalString(record.textNamespace) }

    /// The local part of the trimmed text read as a QName (all of it when it has no prefix), as bytes handed to `body`.
    public func withQualifiedTextLocalName<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withTrimmedText { bytes in
            let colon = bytes.firstIndex(of: UInt8(ascii: ":")).map { $0 + 1 } ?? 0
            return try body(UnsafeBufferPointer(rebasing: bytes[colon...]))
        }
    }

    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        attributes.first { $0.localName == name && $0.namespaceURI == namespace }?.value
    }

    /// The element's attributes, as the parser read them.
    public var attributes: [XMLAttribute] {
        let record = record
        return tree.attributes[Int(record.firstAttribute)..<Int(record.firstAttribute + record.attributeCount)].map { attribute in
            XMLAttribute(
                tree.names.string(attribute.name), namespace: tree.names.optionalString(attribute.namespace),
                value: tree.string(attribute.valueStart..<attribute.valueEnd)
            )
        }
    }

    /// This element and its descendants as `XMLElement` values.
    public var element: XMLElement {
        var element = XMLElement(localName, namespace: namespaceURI, attributes: attributes, line: line, textNamespaceURI: textNamespaceURI)
        element.text = text
        element.children = children.map(\.element)
        return element
    }

    /// Some of an element's children, in document order, found by comparing indices only.
    public struct MatchingChildren: Sequence, Sendable {
        @usableFromInline let tree: XMLTree
        @usableFromInline let first: Int32
        @usableFromInline let name: Int32
        @usableFromInline let namespace: Int32

        @inlinable init(tree: XMLTree, first: Int32, name: Int32, namespace: Int32) {
            self.tree = tree
            self.first = first
            self.name = name
            self.namespace = namespace
        }

        @inlinable public func makeIterator() -> Iterator { Iterator(tree: tree, upcoming: first, name: name, namespace: namespace) }

        public struct Iterator: IteratorProtocol {
            @usableFromInline let tree: XMLTree
            @usableFromInline var upcoming: Int32
            @usableFromInline let name: Int32
            @usableFromInline let namespace: Int32

            @inlinable init(tree: XMLTree, upcoming: Int32, name: Int32, namespace: Int32) {
                self.tree = tree
                self.upcoming = upcoming
                self.name = name
                self.namespace = namespace
            }

            @inlinable public mutating func next() -> XMLNode? {
                let records = tree.records
                while upcoming >= 0 {
                    let index = upcoming
                    let record = records[Int(index)]
                    upcoming = record.nextSibling
                    if record.name == name && record.namespace == namespace { return XMLNode(tree: tree, index: index) }
                }
                return nil
            }
        }
    }

    /// An element's children in document order.
    public struct Children: Sequence, Sendable {
        let tree: XMLTree
        let first: Int32

        public func makeIterator() -> Iterator { Iterator(tree: tree, upcoming: first) }

        public struct Iterator: IteratorProtocol {
            let tree: XMLTree
            var upcoming: Int32

            public mutating func next() -> XMLNode? {
                guard upcoming >= 0 else { return nil }
                let node = XMLNode(tree: tree, index: upcoming)
                upcoming = tree.records[Int(upcoming)].nextSibling
                return node
            }
        }
    }
}

/// Remembers which index (see `XMLTree.index(of:)`) each name a decoder asks for has in a tree.
/// Keyed by the address of the name's literal, so a repeated question costs no hashing of text.
///
/// What it learns of a tree parsed on this thread is kept with the thread's parser, for the trees
/// that follow with the same names (a stream of similar documents asks each question once); of any
/// other tree, for this cache's life. Not Sendable: it belongs to the thread that made it.
public struct XMLNameCache {
    private let thread = pthread_self()
    private let builder = qx_builder_for_this_thread()
    /// For trees whose names the thread's parser no longer has.
    private var local: PointerIndexTable?

    public init() {}

    /// The index of `name` in `tree`, or -1 when the tree has no such name.
    public mutating func index(of name: StaticString, in tree: XMLTree) -> Int32 {
        let key = UnsafeRawPointer(name.utf8Start)
        let count = Int32(tree.names.count)
        if let builder, pthread_equal(thread, pthread_self()) != 0, qx_names_epoch(builder) == tree.namesEpoch {
            var index: Int32 = 0
            if qx_memo_get(builder, tree.namesEpoch, count, key, &index) != 0 { return index }
            index = name.withUTF8Buffer { tree.names.index(of: $0) } ?? -1
            qx_memo_put(builder, tree.namesEpoch, count, key, index)
            return index
        }
        if local == nil { local = PointerIndexTable(capacity: 128) }
        if let index = local![key] { return index }
        let index = name.withUTF8Buffer { tree.names.index(of: $0) } ?? -1
        local![key] = index
        return index
    }
}
