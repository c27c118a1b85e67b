/// The XML namespaces of the GS QKD 015 modules, and the prefix Qonduit writes identities with.
public enum ETSINamespace {
    /// Module `etsi-qkd-sdn-node`.
    public static let node = "urn:etsi:qkd:yang:etsi-qkd-node"
    /// Module `etsi-qkd-node-types`, home of every identity.
    public static let types = "urn:etsi:qkd:yang:etsi-qkd-node-types"
    /// The prefix the module itself uses for the types module.
    public static let typesPrefix = "etsi-qkdn-types"
    /// RESTCONF's module-qualified name of the node tree.
    public static let nodeModule = "etsi-qkd-sdn-node"
}
