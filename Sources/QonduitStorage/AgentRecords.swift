public import Foundation
public import QonduitCore

/// Whether the controller hears from a node's agent.
public enum AgentState: String, Sendable, CaseIterable {
    case reachable, unreachable
}

/// How the controller came to manage a node's agent.
public enum AgentKind: String, Sendable, CaseIterable {
    /// It announced itself (`POST /southbound/v1/agents`).
    case registered
    /// The controller was given its address and polls it.
    case onboarded
}

/// What the controller speaks to an agent.
public enum AgentEncoding: String, Sendable, CaseIterable {
    case xml, json
}

/// How the controller writes configuration to a device.
public enum DeviceWriteMethod: String, Sendable, CaseIterable {
    /// RFC 8040 replace, and merge by PATCH.
    case put
    /// RFC 8040 create of the list container, for a device that refused both with 405 or 501.
    case post
}

/// A node agent as the inventory knows it.
public struct AgentInfo: Sendable, Equatable {
    public var nodeID: NodeID
    public var qkdnID: QKDUUID
    /// The agent's RESTCONF root, e.g. `http://10.0.0.5:8443/restconf`.
    public var restconfURL: String
    public var state: AgentState
    public var heartbeatIntervalMs: Int
    public var registeredAt: Date
    public var lastSeenAt: Date
    public var keyPools: [KeyPoolLevel]
    /// The reconciler's last pass over this agent: when, how many entries it corrected, and why it failed.
    public var reconciledAt: Date?
    public var drift: Int
    public var reconcileError: String?
    /// The credential the agent last used, which the controller proves itself with.
    public var credentialID: String?
    /// The node has a newer credential than the one the agent uses: a rotation the agent has not taken up yet.
    public var credentialRotationPending: Bool
    public var kind: AgentKind = .registered
    public var encoding: AgentEncoding = .xml
    /// An onboarded device's last poll, and why it failed.
    public var polledAt: Date?
    public var pollError: String?
    /// The device reported another `qkdn_id` than its node's: it is not configured until that is resolved.
    public var identityMismatch = false
    /// An onboarded device's notification stream and its last error; nil for registered agents and
    /// before the controller first looked.
    public var streamState: DeviceStreamState?
    public var streamError: String?
    /// How the controller configures it; `post` until the controller restarts or the device is onboarded again.
    public var writeMethod: DeviceWriteMethod = .put

    public init(
        nodeID: NodeID, qkdnID: QKDUUID, restconfURL: String, state: AgentState, heartbeatIntervalMs: Int, registeredAt: Date, lastSeenAt: Date,
        keyPools: [KeyPoolLevel], reconciledAt: Date? = nil, drift: Int, reconcileError: String? = nil, credentialID: String? = nil,
        credentialRotationPending: Bool, kind: AgentKind = .registered, encoding: AgentEncoding = .xml, polledAt: Date? = nil,
        pollError: String? = nil, identityMismatch: Bool = false, streamState: DeviceStreamState? = nil, streamError: String? = nil,
        writeMethod: DeviceWriteMethod = .put
    ) {
        self.nodeID = nodeID
        self.qkdnID = qkdnID
        self.restconfURL = restconfURL
        self.state = state
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.registeredAt = registeredAt
        self.lastSeenAt = lastSeenAt
        self.keyPools = keyPools
        self.reconciledAt = reconciledAt
        self.drift = drift
        self.reconcileError = reconcileError
        self.credentialID = credentialID
        self.credentialRotationPending = credentialRotationPending
        self.kind = kind
        self.encoding = encoding
        self.polledAt = polledAt
        self.pollError = pollError
        self.identityMismatch = identityMismatch
        self.streamState = streamState
        self.streamError = streamError
        self.writeMethod = writeMethod
    }
}

/// Key held in a link's pool at one end, as that end's agent reported it.
public struct KeyPoolLevel: Sendable, Equatable {
    public var linkID: LinkID
    public var bits: Int64
    public var reportedAt: Date

    public init(linkID: LinkID, bits: Int64, reportedAt: Date) {
        self.linkID = linkID
        self.bits = bits
        self.reportedAt = reportedAt
    }
}

/// What an agent says about its node when it registers.
public struct AgentRegistration: Sendable {
    public var qkdnID: QKDUUID
    public var restconfURL: String
    /// The agent's `qkd_node` document, kept as sent.
    public var tree: String
    /// What the tree says of the node; nil when it states nothing (`qkdn_status` is optional).
    public var nodeStatus: NodeStatus?
    /// A name for the node if it has to be created (auto-onboarding).
    public var name: String?
    public var links: [ReportedLink]
    /// The credential the agent registered with; nil when the controller read the tree itself.
    public var credentialID: String?

    public init(qkdnID: QKDUUID, restconfURL: String, tree: String, nodeStatus: NodeStatus?, name: String? = nil, links: [ReportedLink]) {
        self.qkdnID = qkdnID
        self.restconfURL = restconfURL
        self.tree = tree
        self.nodeStatus = nodeStatus
        self.name = name
        self.links = links
    }
}

/// A physical link as an agent reports it.
public struct ReportedLink: Sendable, Equatable {
    public var qkdlID: QKDUUID
    public var status: LinkStatus?
    public var keyRateBps: Double?
    public var qber: Double?

    public init(qkdlID: QKDUUID, status: LinkStatus? = nil, keyRateBps: Double? = nil, qber: Double? = nil) {
        self.qkdlID = qkdlID
        self.status = status
        self.keyRateBps = keyRateBps
        self.qber = qber
    }
}

/// The outcome of a registration.
public struct AgentRegistrationResult: Sendable, Equatable {
    public var nodeID: NodeID
    /// The node was created for this agent (auto-onboarding).
    public var createdNode: Bool
    /// Links the agent reported that the inventory does not have (or that are not the node's).
    public var unknownLinks: [QKDUUID]

    public init(nodeID: NodeID, createdNode: Bool, unknownLinks: [QKDUUID]) {
        self.nodeID = nodeID
        self.createdNode = createdNode
        self.unknownLinks = unknownLinks
    }
}

/// What applying an agent's reports found.
public struct AgentReportOutcome: Sendable, Equatable {
    public var nodeID: NodeID
    /// The agent had been unreachable: whatever changed meanwhile is unknown, so its tree should be read again.
    public var returned: Bool
    /// Where to read it.
    public var restconfURL: String

    public init(nodeID: NodeID, returned: Bool, restconfURL: String) {
        self.nodeID = nodeID
        self.returned = returned
        self.restconfURL = restconfURL
    }
}

/// One change an agent reports after registering.
public enum AgentReport: Sendable, Equatable {
    /// The credential the reports came with: the controller proves itself with the one the agent last used.
    case usedCredential(String)
    case nodeStatus(NodeStatus)
    case link(ReportedLink)
    case keyPool(link: QKDUUID, bits: Int64)
    /// Logged for operators (`agent.alarm` or `agent.event`); any status change it carries comes as its own report.
    case alarm(AgentAlarm)
    /// Only that the agent is alive.
    case heartbeat
}
