/// An element of a parsed or to-be-written XML document, as plain Swift values.
///
/// Only what Qonduit's formats use is kept: element and attribute names with their
/// namespace URIs, the element's own text, children in order, and the source line.
public struct XMLElement: Sendable, Equatable {
    public var localName: String
    public var namespaceURI: String?
    public var attributes: [XMLAttribute]
    public var children: [XMLElement]
    /// The concatenated text and CDATA directly inside this element (not its descendants'),
    /// less text nodes that are only white space.
    public var text: String
    /// The 1-based line where the element starts in its source; 0 for built elements.
    public var line: Int
    /// When `text` reads as a qualified name (`prefix:name`, or `name` alone), the namespace that
    /// prefix (or the default namespace) is bound to at this element: how YANG identityref
    /// values are resolved. Nil for built elements, other text, or an unbound prefix.
    public var textNamespaceURI: String?

    public init(
        _ localName: String, namespace: String? = nil, attributes: [XMLAttribute] = [],
        children: [XMLElement] = [], text: String = "", line: Int = 0, textNamespaceURI: String? = nil
    ) {
        self.textNamespaceURI = textNamespaceURI
        self.localName = localName
        self.namespaceURI = namespace
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    /// A leaf element holding `text`.
    public static func leaf(_ localName: String, namespace: String? = nil, _ text: String) -> XMLElement {
        XMLElement(localName, namespace: namespace, text: text)
    }

    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        attributes.first { $0.localName == name && $0.namespaceURI == namespace }?.value
    }

    public func children(named name: String, namespace: String?) -> [XMLElement] {
        children.filter { $0.localName == name && $0.namespaceURI == namespace }
    }

    public func firstChild(named name: String, namespace: String?) -> XMLElement? {
        children.first { $0.localName == name && $0.namespaceURI == namespace }
    }

    /// `text` split as a qualified name: the prefix (nil when there is none) and the local name.
    public var qualifiedText: (prefix: Substring?, localName: Substring) {
        let value = trimmedText[...]
        guard let colon = value.utf8.firstIndex(of: UInt8(ascii: ":")) else { return (nil, value) }
        return (value[..<colon], value[value.utf8.index(after: colon)...])
    }

    /// Text with surrounding XML white space removed, as leaf values are compared.
    public var trimmedText: String {
        let utf8 = text.utf8
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        if first == utf8.startIndex, let last = utf8.last, !isSpace(last) { return text }  // the common case: nothing to trim
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        return String(text[first...last])
    }
}

public struct XMLAttribute: Sendable, Equatable {
    public var localName: String
    public var namespaceURI: String?
    public var value: String

    public init(_ localName: String, namespace: String? = nil, value: String) {
        self.localName = localName
        self.namespaceURI = namespace
        self.value = value
    }
}
