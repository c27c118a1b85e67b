public import QonduitCore

/// A `qkd_link`: a physical QKD link, or a virtual link that relays key over trusted nodes.
public struct ETSILink: Sendable, Equatable {
    public var id: ETSIUUID
    public var status: ETSILinkStatus?
    public var enabled: Bool?
    public var local: Endpoint
    public var remote: Endpoint
    public var type: ETSILinkType?
    public var applications: [ETSIUUID]
    /// Virtual links only: the node the relayed key comes from, and where it goes on to.
    public var virtualPreviousHop: ETSIUUID?
    public var virtualNextHops: [ETSIUUID]
    /// Virtual links only: key rate reserved, bit/s.
    public var virtualBandwidthBps: UInt32?
    /// Physical links only.
    public var physicalChannelAttenuationDB: ETSIDecimal?
    public var physicalWavelength: String?
    public var physicalRole: ETSIRole?
    /// State data (`config false`).
    public var performance: Performance

    public struct Endpoint: Sendable, Equatable {
        public var nodeID: ETSIUUID?
        public var interfaceID: UInt32?

        public init(nodeID: ETSIUUID? = nil, interfaceID: UInt32? = nil) {
            self.nodeID = nodeID
            self.interfaceID = interfaceID
        }
    }

    public struct Performance: Sendable, Equatable {
        public var expectedConsumptionBps: UInt32?
        public var secretKeyRateBps: UInt32?
        public var effectiveSecretKeyRateBps: UInt32?
        /// Physical links only: QBER, SNR.
        public var physical: [PhysicalMeasure]

        public init(
            expectedConsumptionBps: UInt32? = nil, secretKeyRateBps: UInt32? = nil, effectiveSecretKeyRateBps: UInt32? = nil,
            physical: [PhysicalMeasure] = []
        ) {
            self.expectedConsumptionBps = expectedConsumptionBps
            self.secretKeyRateBps = secretKeyRateBps
            self.effectiveSecretKeyRateBps = effectiveSecretKeyRateBps
            self.physical = physical
        }

        var isEmpty: Bool {
            expectedConsumptionBps == nil && secretKeyRateBps == nil && effectiveSecretKeyRateBps == nil && physical.isEmpty
        }
    }

    public struct PhysicalMeasure: Sendable, Equatable {
        public var type: ETSIPerformanceType
        public var value: ETSIDecimal?

        public init(type: ETSIPerformanceType, value: ETSIDecimal? = nil) {
            self.type = type
            self.value = value
        }
    }

    public init(
        id: ETSIUUID, status: ETSILinkStatus? = nil, enabled: Bool? = nil, local: Endpoint = .init(), remote: Endpoint = .init(),
        type: ETSILinkType? = nil, applications: [ETSIUUID] = [], virtualPreviousHop: ETSIUUID? = nil,
        virtualNextHops: [ETSIUUID] = [], virtualBandwidthBps: UInt32? = nil, physicalChannelAttenuationDB: ETSIDecimal? = nil,
        physicalWavelength: String? = nil, physicalRole: ETSIRole? = nil, performance: Performance = .init()
    ) {
        self.id = id
        self.status = status
        self.enabled = enabled
        self.local = local
        self.remote = remote
        self.type = type
        self.applications = applications
        self.virtualPreviousHop = virtualPreviousHop
        self.virtualNextHops = virtualNextHops
        self.virtualBandwidthBps = virtualBandwidthBps
        self.physicalChannelAttenuationDB = physicalChannelAttenuationDB
        self.physicalWavelength = physicalWavelength
        self.physicalRole = physicalRole
        self.performance = performance
    }
}
