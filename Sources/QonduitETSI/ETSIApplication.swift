public import QonduitCore

/// A `qkd_app`: an application that gets keys through the node.
public struct ETSIApplication: Sendable, Equatable {
    public var id: ETSIUUID
    /// State data (`config false`).
    public var status: ETSIApplicationStatus?
    public var type: ETSIApplicationType?
    public var serverAppID: String?
    public var clientAppIDs: [String]
    public var priority: UInt32?
    /// State data (`config false`).
    public var creationTime: String?
    public var expirationTime: String?
    /// State data (`config false`).
    public var statistics: [Statistic]
    public var qos: QualityOfService
    public var backingLinkIDs: [ETSIUUID]
    public var localNodeID: ETSIUUID?
    public var remoteNodeID: ETSIUUID?

    public struct Statistic: Sendable, Equatable {
        public var endTime: String
        public var startTime: String?
        public var consumedBits: UInt32?

        public init(endTime: String, startTime: String? = nil, consumedBits: UInt32? = nil) {
            self.endTime = endTime
            self.startTime = startTime
            self.consumedBits = consumedBits
        }
    }

    public struct QualityOfService: Sendable, Equatable {
        public var maxBandwidthBps: UInt32?
        public var minBandwidthBps: UInt32?
        public var jitter: UInt32?
        public var ttl: UInt32?
        public var clientsSharedPathEnable: Bool?
        public var clientsSharedKeysRequired: Bool?

        public init(
            maxBandwidthBps: UInt32? = nil, minBandwidthBps: UInt32? = nil, jitter: UInt32? = nil, ttl: UInt32? = nil,
            clientsSharedPathEnable: Bool? = nil, clientsSharedKeysRequired: Bool? = nil
        ) {
            self.maxBandwidthBps = maxBandwidthBps
            self.minBandwidthBps = minBandwidthBps
            self.jitter = jitter
            self.ttl = ttl
            self.clientsSharedPathEnable = clientsSharedPathEnable
            self.clientsSharedKeysRequired = clientsSharedKeysRequired
        }
    }

    public init(
        id: ETSIUUID, status: ETSIApplicationStatus? = nil, type: ETSIApplicationType? = nil, serverAppID: String? = nil,
        clientAppIDs: [String] = [], priority: UInt32? = nil, creationTime: String? = nil, expirationTime: String? = nil,
        statistics: [Statistic] = [], qos: QualityOfService = .init(), backingLinkIDs: [ETSIUUID] = [],
        localNodeID: ETSIUUID? = nil, remoteNodeID: ETSIUUID? = nil
    ) {
        self.id = id
        self.status = status
        self.type = type
        self.serverAppID = serverAppID
        self.clientAppIDs = clientAppIDs
        self.priority = priority
        self.creationTime = creationTime
        self.expirationTime = expirationTime
        self.statistics = statistics
        self.qos = qos
        self.backingLinkIDs = backingLinkIDs
        self.localNodeID = localNodeID
        self.remoteNodeID = remoteNodeID
    }
}
