public import QonduitCore
public import QonduitTopology

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
    /// An agent registered for a node the inventory does not have, and auto-onboarding is off.
    case unknownAgentNode(QKDUUID)
    /// The node has an agent already (`kind` registered or onboarded): remove it first.
    case agentExists(NodeID, kind: AgentKind)
    /// The node has no agent.
    case agentNotFound(String)
    /// A report came from a node whose agent has not registered.
    case agentNotRegistered(QKDUUID)
    /// An agent reported a link that is not one of its node's.
    case unknownReportedLink(QKDUUID, node: NodeID)
    case topology(TopologyFileError)
    case keyPathNotFound(String)
    /// Key paths have rate reserved on the link (or on links of the node): release them first.
    case reservedByKeyPaths(String, keyPaths: [String])
    /// A plan would put more on a link than its key rate allows (or use a link that is not up).
    case overReservation(link: LinkID, keyRateBps: Double, reservedBps: Double, askedBps: Double)
    case tokenNotFound(String)
    case credentialNotFound(String)
    /// A stored row does not read back: the database was changed outside the controller.
    case corrupt(String)
}
