public import QonduitCore
public import QonduitETSI

/// How provisioning configures a node: the southbound implements it over RESTCONF; tests can
/// stand in for the agents. Entries are GS QKD 015 list entries (`qkd_link`, `qkd_app`).
public protocol NodeConfigurator: Sendable {
    /// Puts the entries on the node's agent, each replacing any entry with its key. Throws why the
    /// node could not take them (no agent, unreachable, refused).
    func configure(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) async throws

    /// Removes the entries from the node's agent; entries it does not have are not an error.
    func unconfigure(_ node: NodeID, links: [QKDUUID], applications: [QKDUUID]) async throws
}
