import QonduitCore
import QonduitTopology

/// Why the inventory refused a request; the API and CLI turn each case into their own message.
public enum InventoryError: Error, Sendable, Equatable {
    case nodeNotFound(String)
    case linkNotFound(String)
    case nodeExists(NodeID)
    case linkExists(LinkID)
    /// A link names a node the inventory does not have; `field` is `node_a` or `node_b`.
    case unknownNode(field: String, id: NodeID)
    /// Deleting the node would orphan these links; pass cascade to delete them too.
    case nodeHasLinks(NodeID, links: [LinkID])
    case invalid(ValidationFailure)
    /// Another node or link (`holder`) already has this GS QKD 015 identity.
    case identityInUse(QKDUUID, holder: String)
    case topology(TopologyFileError)
}
