import QonduitCore
import QonduitXML

/// Collects the problems of one decoding, so that a document gets every complaint at once.
struct DecodingReport {
    var issues: [ETSIDecodingError.Issue] = []

    mutating func report(_ path: String, _ element: XMLElement, _ message: String) {
        issues.append(.init(path: path, line: element.line, message: message))
    }
}

/// Reads the children of one element strictly: each child in the module's namespace must be
/// asked for by name exactly as the schema allows (once for a leaf or container, any number of
/// times for a list or leaf-list); `finish` reports the rest. Children in other namespaces belong
/// to someone else's augmentations and are skipped.
struct ElementReader {
    let element: XMLElement
    let path: String
    /// The namespace of the module whose schema this element follows.
    let namespace: String
    private var taken: [Bool]

    init(_ element: XMLElement, path: String, namespace: String = ETSINamespace.node) {
        self.element = element
        self.path = path
        self.namespace = namespace
        taken = Array(repeating: false, count: element.children.count)
    }

    /// The child `name`, reporting a second one.
    mutating func one(_ name: String, _ report: inout DecodingReport) -> XMLElement? {
        var found: Int?
        let children = element.children
        for index in children.indices where children[index].localName == name && children[index].namespaceURI == namespace {
            taken[index] = true
            if found != nil {
                report.report("\(path)/\(name)", children[index], "appears more than once")
            } else {
                found = index
            }
        }
        return found.map { children[$0] }
    }

    /// Every child `name`, in document order.
    mutating func all(_ name: String) -> [XMLElement] {
        var found: [XMLElement] = []
        let children = element.children
        for index in children.indices where children[index].localName == name && children[index].namespaceURI == namespace {
            taken[index] = true
            found.append(children[index])
        }
        return found
    }

    /// Reports children in the module's namespace that the schema does not have here.
    func finish(_ report: inout DecodingReport) {
        for (index, child) in element.children.enumerated() where !taken[index] && child.namespaceURI == namespace {
            report.report("\(path)/\(child.localName)", child, "is not a node of \(ETSINamespace.moduleName(of: namespace)) here")
        }
    }

    // MARK: Leaves

    /// The text of leaf `name`, reporting a leaf that has element children.
    mutating func text(_ name: String, _ report: inout DecodingReport) -> (String, XMLElement)? {
        guard let leaf = one(name, &report) else { return nil }
        return leafText(leaf, name: name, &report).map { ($0, leaf) }
    }

    /// The leaf's text less surrounding white space; `name` makes the path of a complaint.
    func leafText(_ leaf: XMLElement, name: String, _ report: inout DecodingReport) -> String? {
        if !leaf.children.isEmpty && leaf.children.contains(where: { $0.namespaceURI == namespace }) {
            report.report("\(path)/\(name)", leaf, "is a leaf and cannot hold elements")
            return nil
        }
        return leaf.trimmedText
    }

    mutating func string(_ name: String, _ report: inout DecodingReport) -> String? {
        guard let leaf = one(name, &report) else { return nil }
        // Strings keep their white space: only other types ignore it.
        return leafText(leaf, name: name, &report).map { _ in leaf.text }
    }

    mutating func uuid(_ name: String, _ report: inout DecodingReport) -> ETSIUUID? {
        guard let (text, leaf) = text(name, &report) else { return nil }
        return uuid(text, leaf, name: name, &report)
    }

    mutating func uuids(_ name: String, _ report: inout DecodingReport) -> [ETSIUUID] {
        all(name).compactMap { leaf in
            leafText(leaf, name: name, &report).flatMap { uuid($0, leaf, name: name, &report) }
        }
    }

    func uuid(_ text: String, _ leaf: XMLElement, name: String, _ report: inout DecodingReport) -> ETSIUUID? {
        guard let uuid = ETSIUUID(text) else {
            report.report("\(path)/\(name)", leaf, "'\(text)' is not a UUID (8-4-4-4-12 hexadecimal digits)")
            return nil
        }
        return uuid
    }

    mutating func uint32(_ name: String, _ report: inout DecodingReport) -> UInt32? {
        guard let (text, leaf) = text(name, &report) else { return nil }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = UInt32(text) else {
            report.report("\(path)/\(name)", leaf, "'\(text)' is not a uint32 (0 to 4294967295)")
            return nil
        }
        return value
    }

    mutating func bool(_ name: String, _ report: inout DecodingReport) -> Bool? {
        guard let (text, leaf) = text(name, &report) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            report.report("\(path)/\(name)", leaf, "'\(text)' is not a boolean (true or false)")
            return nil
        }
    }

    mutating func decimal(_ name: String, _ report: inout DecodingReport) -> ETSIDecimal? {
        guard let (text, leaf) = text(name, &report) else { return nil }
        guard let value = ETSIDecimal(text: text[...]) else {
            report.report("\(path)/\(name)", leaf, "'\(text)' is not a decimal64 with at most 3 fraction digits")
            return nil
        }
        return value
    }

    /// An identityref: `prefix:NAME` with the prefix bound to the types module (or no prefix
    /// where that module is the default namespace).
    mutating func identity<Identity: ETSIIdentity>(_ name: String, _ type: Identity.Type, _ report: inout DecodingReport) -> Identity? {
        guard let leaf = one(name, &report), leafText(leaf, name: name, &report) != nil else { return nil }
        guard leaf.textNamespaceURI == ETSINamespace.types, let value = Identity(rawValue: String(leaf.qualifiedText.localName)) else {
            let allowed = Identity.allCases.map { "\(ETSINamespace.typesPrefix):\($0.rawValue)" }.joined(separator: ", ")
            let why = leaf.textNamespaceURI == nil || leaf.textNamespaceURI == ETSINamespace.types
                ? "" : " (its prefix is bound to \(leaf.textNamespaceURI!), not \(ETSINamespace.types))"
            report.report("\(path)/\(name)", leaf, "'\(leaf.trimmedText)' is not an identity derived from \(Identity.base)\(why); expected one of \(allowed)")
            return nil
        }
        return value
    }

    mutating func dateAndTime(_ name: String, _ report: inout DecodingReport) -> String? {
        guard let (text, leaf) = text(name, &report) else { return nil }
        return Self.dateAndTime(text, leaf, path: path, name: name, &report)
    }

    /// `yang:date-and-time`: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
    static func dateAndTime(_ text: String, _ leaf: XMLElement, path: String, name: String, _ report: inout DecodingReport) -> String? {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool { range.upperBound <= bytes.count && bytes[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        func at(_ index: Int, _ character: Character) -> Bool { index < bytes.count && bytes[index] == character.asciiValue! }
        var valid = digits(0..<4) && at(4, "-") && digits(5..<7) && at(7, "-") && digits(8..<10) && at(10, "T")
            && digits(11..<13) && at(13, ":") && digits(14..<16) && at(16, ":") && digits(17..<19)
        var index = 19
        if valid && at(index, ".") {
            index += 1
            let start = index
            while index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 { index += 1 }
            valid = index > start
        }
        if valid {
            if at(index, "Z") {
                valid = index + 1 == bytes.count
            } else {
                valid = (at(index, "+") || at(index, "-")) && digits((index + 1)..<(index + 3)) && at(index + 3, ":")
                    && digits((index + 4)..<(index + 6)) && index + 6 == bytes.count
            }
        }
        guard valid else {
            report.report("\(path)/\(name)", leaf, "'\(text)' is not a date-and-time such as 2026-11-25T12:00:00Z")
            return nil
        }
        return text
    }

    /// A string leaf restricted by a pattern the schema gives (wavelengths).
    mutating func pattern(_ name: String, _ report: inout DecodingReport, what: String, _ matches: (String) -> Bool) -> String? {
        guard let (text, leaf) = text(name, &report) else { return nil }
        guard matches(text) else {
            report.report("\(path)/\(name)", leaf, "'\(text)' is not \(what)")
            return nil
        }
        return text
    }

    /// A nested reader for container `name`, or nil when absent.
    mutating func container(_ name: String, _ report: inout DecodingReport) -> ElementReader? {
        one(name, &report).map { ElementReader($0, path: "\(path)/\(name)", namespace: namespace) }
    }

    /// A leaf that the schema makes mandatory: reports its absence.
    func require<Value>(_ value: Value?, _ name: String, _ report: inout DecodingReport) -> Value? {
        if value == nil && element.firstChild(named: name, namespace: namespace) == nil {
            report.report("\(path)/\(name)", element, "is mandatory and missing")
        }
        return value
    }

    mutating func uint64(_ name: String, _ report: inout DecodingReport) -> UInt64? {
        guard let (text, leaf) = text(name, &report) else { return nil }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = UInt64(text) else {
            report.report("\(path)/\(name)", leaf, "'\(text)' is not a uint64")
            return nil
        }
        return value
    }
}
