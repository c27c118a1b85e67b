public import QonduitCore
public import QonduitTopology

/// Why the network store refused a change; the API and CLI word each case their own way.
public enum NetworkError: Error, Sendable, Equatable {
    /// No node has the id the caller gave (as given: it need not be a valid id).
    case nodeNotFound(String)
    case linkNotFound(String)
    case nodeExists(NodeID)
    case linkExists(LinkID)
    /// A link names a node the store does not have; `field` is `node_a` or `node_b`.
    case unknownNode(field: String, id: NodeID)
    /// Deleting the node would orphan these links; pass cascade to delete them too.
    case nodeHasLinks(NodeID, links: [LinkID])
    case invalid(ValidationFailure)
    /// Another node or link (`holder`) already has this GS QKD 015 identity.
    case identityInUse(QKDUUID, holder: String)
    /// A topology document that cannot be imported as it is.
    case topology(TopologyFileError)
    /// Key paths have rate reserved on the link (or on links of the node), or start or end at the
    /// node: release them first.
    case reservedByKeyPaths(String, keyPaths: [String])
}
