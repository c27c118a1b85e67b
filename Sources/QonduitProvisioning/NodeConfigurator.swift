public import QonduitCore
public import QonduitETSI

/// How provisioning configures a node: the southbound implements it over RESTCONF; tests can
/// stand in for the agents. Entries are GS QKD 015 list entries (`qkd_link`, `qkd_app`).
public protocol NodeConfigurator: Sendable {
    /// Puts the entries on the node's agent, each replacing any entry with its key. Throws why the
    /// node could not take them (no agent, unreachable, refused).
    func configure(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) async throws

    /// Gets entries ready for the node's agent and returns what puts them there, as `configure`
    /// does: the work that needs no I/O (encoding) is done here, so that a re-route pass can do it
    /// while its transaction writes. Nothing is sent until the push is called.
    func prepare(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) -> NodeConfigurationPush

    /// Removes the entries from the node's agent; entries it does not have are not an error.
    func unconfigure(_ node: NodeID, links: [QKDUUID], applications: [QKDUUID]) async throws
}

/// Entries made ready for a node by `NodeConfigurator.prepare`: calling it puts them on the node.
public typealias NodeConfigurationPush = @Sendable () async throws -> Void

extension NodeConfigurator {
    /// Nothing is done ahead: the push configures the node.
    public func prepare(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) -> NodeConfigurationPush {
        { try await configure(node, links: links, applications: applications) }
    }
}
