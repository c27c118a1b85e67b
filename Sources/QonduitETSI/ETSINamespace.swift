import QonduitCore

/// The XML namespaces of the GS QKD 015 modules, and the prefix Qonduit writes identities with.
public enum ETSINamespace {
    /// Module `etsi-qkd-sdn-node`.
    public static let node = "urn:etsi:qkd:yang:etsi-qkd-node"
    /// Module `etsi-qkd-node-types`, home of every identity.
    public static let types = "urn:etsi:qkd:yang:etsi-qkd-node-types"
    /// The prefix the module itself uses for the types module.
    public static let typesPrefix = "etsi-qkdn-types"
    /// The types module's name: what qualifies an identity in RFC 7951 JSON.
    public static let typesModule = "etsi-qkd-node-types"
    /// RESTCONF's module-qualified name of the node tree.
    public static let nodeModule = "etsi-qkd-sdn-node"
    /// Module `qonduit-qkd-agent`: heartbeats, node state, key pools, registration answers.
    public static let agent = "urn:qonduit:params:xml:ns:yang:qonduit-qkd-agent"
    public static let agentModule = "qonduit-qkd-agent"
    /// RFC 5277's notification envelope.
    public static let netconfNotification = "urn:ietf:params:xml:ns:netconf:notification:1.0"

    /// RFC 8040's `ietf-restconf-monitoring`: a server's capabilities and event streams.
    public static let restconfMonitoring = "urn:ietf:params:xml:ns:yang:ietf-restconf-monitoring"
    public static let restconfMonitoringModule = "ietf-restconf-monitoring"

    static func moduleName(of namespace: String) -> String {
        switch namespace {
        case node: nodeModule
        case agent: agentModule
        case types: "etsi-qkd-node-types"
        case "urn:ietf:params:xml:ns:yang:ietf-restconf": "ietf-restconf"
        case restconfMonitoring: restconfMonitoringModule
        default: namespace
        }
    }
}
