public import QonduitCore

/// Why the agent store refused what an agent or an operator asked.
public enum AgentError: Error, Sendable, Equatable {
    /// An agent registered for a node the store does not have, and auto-onboarding is off.
    case unknownAgentNode(QKDUUID)
    /// The node has an agent already (`kind` registered or onboarded): remove it first.
    case agentExists(NodeID, kind: AgentKind)
    /// The node has no agent.
    case agentNotFound(String)
    /// A report came from a node whose agent has not registered.
    case agentNotRegistered(QKDUUID)
    /// An agent reported a link that is not one of its node's.
    case unknownReportedLink(QKDUUID, node: NodeID)
}
