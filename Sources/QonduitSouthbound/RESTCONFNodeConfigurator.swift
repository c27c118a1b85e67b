public import QonduitCore
public import QonduitETSI
public import QonduitProvisioning
public import QonduitStorage

/// Configures nodes for provisioning through their agents' RESTCONF interfaces.
public struct RESTCONFNodeConfigurator: NodeConfigurator {
    let inventory: any Inventory
    let restconf: AgentRESTCONFClient

    public init(inventory: any Inventory, restconf: AgentRESTCONFClient = AgentRESTCONFClient()) {
        self.inventory = inventory
        self.restconf = restconf
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public func configure(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) async throws {
        try await prepare(node, links: links, applications: applications)()
    }

    /// Encodes the entries now; the push looks the agent up and sends them.
    public func prepare(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) -> NodeConfigurationPush {
        // Several entries go in one request (a PATCH merging them into their list), so that a node is configured in one or two.
        let links = AgentRESTCONFClient.EncodedEntries(links: links)
        let applications = AgentRESTCONFClient.EncodedEntries(applications: applications)
        return { [self] in
            let url = try await address(of: node)
            // Links first: an application names the virtual links that back it.
            if let links { try await restconf.put(links, at: url) }
            if let applications { try await restconf.put(applications, at: url) }
        }
    }

    public func unconfigure(_ node: NodeID, links: [QKDUUID], applications: [QKDUUID]) async throws {
        let url = try await address(of: node)
        // Applications first: they name the virtual links that back them.
        try await restconf.remove(applications.map(YANGPatch.Target.application) + links.map(YANGPatch.Target.link), at: url)
    }

    private func address(of node: NodeID) async throws -> String {
        guard let agent = try await inventory.agentAddress(of: node) else {
            throw Unavailable(description: "no agent has registered for node '\(node)'")
        }
        guard agent.state == .reachable else { throw Unavailable(description: "the agent of node '\(node)' is unreachable") }
        return agent.restconfURL
    }
}
