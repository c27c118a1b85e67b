public import QonduitXML

/// The topology file formats Qonduit reads.
public enum TopologyFormat: String, Sendable, CaseIterable {
    /// RFC 8345 `ietf-network` instance data with the `qonduit-qkd-topology` augmentation.
    case qonduit
    /// GraphML as written by yEd, networkx and the Internet Topology Zoo.
    case graphml
    /// SNDlib's native XML network format.
    case sndlib

    /// The format a document is in, judged by its root element, or nil when none fits.
    public static func detect(root: XMLElement) -> TopologyFormat? {
        switch (root.localName, root.namespaceURI) {
        case ("networks", NativeTopologyNamespace.network): .qonduit
        case ("graphml", GraphMLNamespace.uri), ("graphml", nil): .graphml
        case ("network", SNDlibNamespace.uri), ("network", nil): .sndlib
        default: nil
        }
    }

    /// The root element each format expects, for error messages.
    var expectedRoot: String {
        switch self {
        case .qonduit: "<networks xmlns=\"\(NativeTopologyNamespace.network)\">"
        case .graphml: "<graphml xmlns=\"\(GraphMLNamespace.uri)\">"
        case .sndlib: "<network xmlns=\"\(SNDlibNamespace.uri)\">"
        }
    }
}

/// The formats Qonduit writes.
public enum TopologyExportFormat: String, Sendable, CaseIterable {
    case qonduit, graphml

    public var mediaType: String {
        switch self {
        case .qonduit: "application/yang-data+xml"
        case .graphml: "application/graphml+xml"
        }
    }
}
