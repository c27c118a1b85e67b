public import QonduitCore

/// The `qkd_node` tree of `etsi-qkd-sdn-node`: what a node's agent serves and the controller configures.
public struct ETSINode: Sendable, Equatable {
    public var id: ETSIUUID
    /// State data (`config false`).
    public var status: ETSINodeStatus?
    public var version: String?
    public var locationID: String?
    public var capabilities: Capabilities
    public var applications: [ETSIApplication]
    public var interfaces: [ETSIInterface]
    public var links: [ETSILink]

    public struct Capabilities: Sendable, Equatable {
        public var linkStatsSupport: Bool?
        public var applicationStatsSupport: Bool?
        public var keyRelayModeEnable: Bool?

        public init(linkStatsSupport: Bool? = nil, applicationStatsSupport: Bool? = nil, keyRelayModeEnable: Bool? = nil) {
            self.linkStatsSupport = linkStatsSupport
            self.applicationStatsSupport = applicationStatsSupport
            self.keyRelayModeEnable = keyRelayModeEnable
        }
    }

    public init(
        id: ETSIUUID, status: ETSINodeStatus? = nil, version: String? = nil, locationID: String? = nil,
        capabilities: Capabilities = .init(), applications: [ETSIApplication] = [], interfaces: [ETSIInterface] = [],
        links: [ETSILink] = []
    ) {
        self.id = id
        self.status = status
        self.version = version
        self.locationID = locationID
        self.capabilities = capabilities
        self.applications = applications
        self.interfaces = interfaces
        self.links = links
    }
}
