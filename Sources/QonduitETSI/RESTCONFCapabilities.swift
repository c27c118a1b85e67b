import QonduitXML

/// A RESTCONF server's `ietf-restconf-monitoring:restconf-state/capabilities` (RFC 8040 §9.1): what
/// it supports beyond the protocol's core, such as RFC 8072 YANG Patch.
public struct RESTCONFCapabilities: Sendable, Equatable {
    public static let yangPatch = "urn:ietf:params:restconf:capability:yang-patch:1.0"
    public static let defaults = "urn:ietf:params:restconf:capability:defaults:1.0?basic-mode=explicit"

    public var capabilities: [String]

    public init(_ capabilities: [String]) {
        self.capabilities = capabilities
    }

    /// What Qonduit's simulated agents support.
    public static let agent = RESTCONFCapabilities([defaults, yangPatch])

    public var supportsYANGPatch: Bool { capabilities.contains(Self.yangPatch) }

    var element: XMLElement {
        let ns = ETSINamespace.restconfMonitoring
        return XMLElement("capabilities", namespace: ns, children: capabilities.map { .leaf("capability", namespace: ns, $0) })
    }

    public func encoded(_ encoding: ETSIEncoding) -> String {
        switch encoding {
        case .xml: XMLDocumentWriter.serialize(element, namespaces: [.init(prefix: nil, uri: ETSINamespace.restconfMonitoring)])
        case .json: ETSIJSONWriter.document(element)
        }
    }

    /// Reads a `capabilities` document; nil when `bytes` is not one.
    public static func decode(_ bytes: some Collection<UInt8>, encoding: ETSIEncoding) -> RESTCONFCapabilities? {
        let ns = ETSINamespace.restconfMonitoring
        let root: XMLElement?
        switch encoding {
        case .xml: root = try? XMLDocumentParser.parse(bytes)
        case .json: root = try? ETSIJSONReader.root(bytes, limits: .default, name: "capabilities", namespace: ns)
        }
        guard let root, root.localName == "capabilities", root.namespaceURI == ns else { return nil }
        return RESTCONFCapabilities(root.children(named: "capability", namespace: ns).map(\.trimmedText))
    }
}
