/// Namespaces of the native format: RFC 8345 plus the `qonduit-qkd-topology` module in `Models/`.
public enum NativeTopologyNamespace {
    public static let network = "urn:ietf:params:xml:ns:yang:ietf-network"
    public static let topology = "urn:ietf:params:xml:ns:yang:ietf-network-topology"
    public static let qkd = "urn:qonduit:params:xml:ns:yang:qonduit-qkd-topology"
}

public enum GraphMLNamespace {
    public static let uri = "http://graphml.graphdrawing.org/xmlns"
}

public enum SNDlibNamespace {
    public static let uri = "http://sndlib.zib.de/network"
}
