import QonduitCore
import QonduitXML

/// Collects the problems of one decoding, so that a document gets every complaint at once, and
/// which elements the decoding has read (so that the rest can be reported).
struct DecodingReport {
    var issues: [ETSIDecodingError.Issue] = []
    private var taken: [Bool] = []
    /// Decoding reads one document: the names it asks for are looked up in it once.
    var names = XMLNameCache()
    /// The list entries read so far, by their key: paths through them name it.
    private(set) var entries: [Entry] = []

    struct Entry {
        let element: Int32
        let key: StaticString
        let keyElement: Int32
    }

    mutating func report(_ path: DataPath, _ element: XMLNode, _ message: String) {
        issues.append(.init(path: path.spelled(entries: entries), line: element.line, message: message))
    }

    /// `element` is a list entry whose key is leaf `key`, `keyElement`.
    mutating func enter(_ element: XMLNode, key: StaticString, keyElement: XMLNode) {
        entries.append(Entry(element: element.index, key: key, keyElement: keyElement.index))
    }

    mutating func report(_ path: String, _ element: XMLNode, _ message: String) {
        issues.append(.init(path: path, line: element.line, message: message))
    }

    mutating func take(_ element: XMLNode) {
        take(element.index, of: element.tree)
    }

    mutating func take(_ index: Int32, of tree: XMLTree) {
        let index = Int(index)
        if index >= taken.count { taken += repeatElement(false, count: max(index + 1, tree.elementCount) - taken.count) }
        taken[index] = true
    }

    func isTaken(_ element: XMLNode) -> Bool {
        Int(element.index) < taken.count && taken[Int(element.index)]
    }
}

/// The namespaces a decoding compares elements with, as indices into the document's string
/// table: looked up once per document, then compared as integers.
struct DecodingNamespaces {
    /// The namespace of the module whose schema the element being read follows.
    let module: Int32
    /// `etsi-qkd-node-types`, which identityref values must name.
    let types: Int32

    init(_ tree: XMLTree, module uri: String) {
        // -2 matches nothing: a namespace the document never mentions has no element in it.
        module = tree.index(of: uri) ?? -2
        types = tree.index(of: ETSINamespace.types) ?? -2
    }
}

/// Reads the children of one element strictly: each child in the module's namespace must be
/// asked for by name exactly as the schema allows (once for a leaf or container, any number of
/// times for a list or leaf-list); `finish` reports the rest. Children in other namespaces belong
/// to someone else's augmentations and are skipped.
struct ElementReader {
    let element: XMLNode
    let namespaces: DecodingNamespaces
    private let pathRoot: DataPath.Root

    private init(_ element: XMLNode, pathRoot: DataPath.Root, namespaces: DecodingNamespaces) {
        self.element = element
        self.pathRoot = pathRoot
        self.namespaces = namespaces
    }

    var path: DataPath { DataPath(root: pathRoot, element: element.index, child: nil) }

    /// A reader for a document's root element in `namespace`, whose path is `path`; or, when
    /// `path` names the element's parent (a document holding one list entry), the parent's.
    init(root element: XMLNode, path: String, namesRoot: Bool = true, namespace: String = ETSINamespace.node) {
        self.init(
            element, pathRoot: DataPath.Root(element: element, literal: path, namesElement: namesRoot),
            namespaces: DecodingNamespaces(element.tree, module: namespace)
        )
    }

    /// A reader for `child`, a descendant of this element (a list entry).
    func reader(for child: XMLNode) -> ElementReader {
        ElementReader(child, pathRoot: pathRoot, namespaces: namespaces)
    }

    /// The child `name`, reporting a second one.
    func one(_ name: StaticString, _ report: inout DecodingReport) -> XMLNode? {
        let tree = element.tree
        let nameIndex = report.names.index(of: name, in: tree)
        guard nameIndex >= 0 else { return nil }
        var found: Int32 = -1
        element.forEachChild(name: nameIndex, namespace: namespaces.module) { child in
            report.take(child, of: tree)
            if found >= 0 {
                report.report(path.child(name), tree.node(at: child), "appears more than once")
            } else {
                found = child
            }
        }
        return found < 0 ? nil : tree.node(at: found)
    }

    /// Every child `name`, in document order.
    func all(_ name: StaticString, _ report: inout DecodingReport) -> [XMLNode] {
        let tree = element.tree
        let nameIndex = report.names.index(of: name, in: tree)
        guard nameIndex >= 0 else { return [] }
        var found: [XMLNode] = []
        element.forEachChild(name: nameIndex, namespace: namespaces.module) { child in
            report.take(child, of: tree)
            found.append(tree.node(at: child))
        }
        return found
    }

    /// The first child `name`, without taking it.
    func first(_ name: StaticString, _ report: inout DecodingReport) -> XMLNode? {
        let tree = element.tree
        let nameIndex = report.names.index(of: name, in: tree)
        guard nameIndex >= 0 else { return nil }
        var found: Int32 = -1
        element.forEachChild(name: nameIndex, namespace: namespaces.module) { child in
            if found < 0 { found = child }
        }
        return found < 0 ? nil : tree.node(at: found)
    }

    /// Reports children in the module's namespace that the schema does not have here.
    func finish(_ report: inout DecodingReport) {
        for child in element.children where child.namespaceIndex == namespaces.module && !report.isTaken(child) {
            report.report(reader(for: child).path, child, "is not a node of \(ETSINamespace.moduleName(of: child.namespaceURI ?? "")) here")
        }
    }

    // MARK: Leaves

    /// Leaf `name`, reporting a leaf that has element children.
    func leaf(_ name: StaticString, _ report: inout DecodingReport) -> XMLNode? {
        guard let leaf = one(name, &report) else { return nil }
        return isLeaf(leaf, name: name, &report) ? leaf : nil
    }

    /// Whether `leaf` holds no element of the module; reports it when it does.
    func isLeaf(_ leaf: XMLNode, name: StaticString, _ report: inout DecodingReport) -> Bool {
        if leaf.hasChildren && leaf.children.contains(where: { $0.namespaceIndex == namespaces.module }) {
            report.report(path.child(name), leaf, "is a leaf and cannot hold elements")
            return false
        }
        return true
    }

    /// The leaf's text less surrounding white space; `name` makes the path of a complaint.
    func leafText(_ leaf: XMLNode, name: StaticString, _ report: inout DecodingReport) -> String? {
        isLeaf(leaf, name: name, &report) ? leaf.trimmedText : nil
    }

    /// Reads leaf `name` with `parse`, reporting `what` it should have been when `parse` says nil.
    func value<Value>(
        _ name: StaticString, _ report: inout DecodingReport, what: String, _ parse: (UnsafeBufferPointer<UInt8>) -> Value?
    ) -> Value? {
        guard let leaf = leaf(name, &report) else { return nil }
        return value(of: leaf, name: name, &report, what: what, parse)
    }

    func value<Value>(
        of leaf: XMLNode, name: StaticString, _ report: inout DecodingReport, what: String, _ parse: (UnsafeBufferPointer<UInt8>) -> Value?
    ) -> Value? {
        if let value = leaf.withTrimmedText(parse) { return value }
        report.report(path.child(name), leaf, "'\(leaf.trimmedText)' is not \(what)")
        return nil
    }

    func string(_ name: StaticString, _ report: inout DecodingReport) -> String? {
        // Strings keep their white space: only other types ignore it.
        leaf(name, &report).map(\.text)
    }

    func uuid(_ name: StaticString, _ report: inout DecodingReport) -> ETSIUUID? {
        value(name, &report, what: Self.uuidType) { ETSIUUID(utf8: $0) }
    }

    func uuids(_ name: StaticString, _ report: inout DecodingReport) -> [ETSIUUID] {
        all(name, &report).compactMap { leaf in
            guard isLeaf(leaf, name: name, &report) else { return nil }
            return value(of: leaf, name: name, &report, what: Self.uuidType) { ETSIUUID(utf8: $0) }
        }
    }

    private static let uuidType = "a UUID (8-4-4-4-12 hexadecimal digits)"

    func uint32(_ name: StaticString, _ report: inout DecodingReport) -> UInt32? {
        value(name, &report, what: "a uint32 (0 to 4294967295)") { Self.unsigned($0).flatMap { UInt32(exactly: $0) } }
    }

    func uint64(_ name: StaticString, _ report: inout DecodingReport) -> UInt64? {
        value(name, &report, what: "a uint64", Self.unsigned)
    }

    /// Decimal digits only (no sign, no white space inside), within UInt64.
    static func unsigned(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    func bool(_ name: StaticString, _ report: inout DecodingReport) -> Bool? {
        value(name, &report, what: "a boolean (true or false)") { bytes in
            if bytes.elementsEqual("true".utf8) { return true }
            if bytes.elementsEqual("false".utf8) { return false }
            return nil
        }
    }

    func decimal(_ name: StaticString, _ report: inout DecodingReport) -> ETSIDecimal? {
        value(name, &report, what: "a decimal64 with at most 3 fraction digits") { ETSIDecimal(utf8: $0) }
    }

    /// An identityref: `prefix:NAME` with the prefix bound to the types module (or no prefix
    /// where that module is the default namespace).
    func identity<Identity: ETSIIdentity>(_ name: StaticString, _ type: Identity.Type, _ report: inout DecodingReport) -> Identity? {
        guard let leaf = leaf(name, &report) else { return nil }
        guard leaf.textNamespaceIndex == namespaces.types, let value = leaf.withQualifiedTextLocalName(Identity.named) else {
            let boundNamespace = leaf.textNamespaceURI
            let allowed = Identity.allCases.map { "\(ETSINamespace.typesPrefix):\($0.rawValue)" }.joined(separator: ", ")
            let why =
                boundNamespace == nil || boundNamespace == ETSINamespace.types
                ? "" : " (its prefix is bound to \(boundNamespace!), not \(ETSINamespace.types))"
            report.report(
                path.child(name), leaf, "'\(leaf.trimmedText)' is not an identity derived from \(Identity.base)\(why); expected one of \(allowed)")
            return nil
        }
        return value
    }

    func dateAndTime(_ name: StaticString, _ report: inout DecodingReport) -> String? {
        value(name, &report, what: "a date-and-time such as 2026-11-25T12:00:00Z") { bytes in
            Self.isDateAndTime(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
        }
    }

    /// `yang:date-and-time`: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
    static func isDateAndTime(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func digits(_ range: Range<Int>) -> Bool { range.upperBound <= bytes.count && bytes[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        func at(_ index: Int, _ character: Character) -> Bool { index < bytes.count && bytes[index] == character.asciiValue! }
        var valid =
            digits(0..<4) && at(4, "-") && digits(5..<7) && at(7, "-") && digits(8..<10) && at(10, "T")
            && digits(11..<13) && at(13, ":") && digits(14..<16) && at(16, ":") && digits(17..<19)
        var index = 19
        if valid && at(index, ".") {
            index += 1
            let start = index
            while index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 { index += 1 }
            valid = index > start
        }
        guard valid else { return false }
        if at(index, "Z") { return index + 1 == bytes.count }
        return (at(index, "+") || at(index, "-")) && digits((index + 1)..<(index + 3)) && at(index + 3, ":")
            && digits((index + 4)..<(index + 6)) && index + 6 == bytes.count
    }

    /// A string leaf restricted by a pattern the schema gives (wavelengths).
    func pattern(_ name: StaticString, _ report: inout DecodingReport, what: String, _ matches: (String) -> Bool) -> String? {
        value(name, &report, what: what) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            return matches(text) ? text : nil
        }
    }

    /// A nested reader for container `name`, or nil when absent.
    func container(_ name: StaticString, _ report: inout DecodingReport) -> ElementReader? {
        one(name, &report).map(reader(for:))
    }

    /// A leaf that the schema makes mandatory: reports its absence.
    func require<Value>(_ value: Value?, _ name: StaticString, _ report: inout DecodingReport) -> Value? {
        if value == nil && first(name, &report) == nil {
            report.report(path.child(name), element, "is mandatory and missing")
        }
        return value
    }
}
