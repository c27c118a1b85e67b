public import QonduitCore

/// A standard GS QKD 015 device the controller was given the address of, as stored.
public struct OnboardedAgent: Sendable, Equatable {
    public var nodeID: NodeID
    public var qkdnID: QKDUUID
    public var restconfURL: String
    /// The encoding the device answered in when it was onboarded.
    public var encoding: AgentEncoding
    public var pollIntervalMs: Int
    /// The device's credential, sealed (`CredentialSealer`); nil when it takes none.
    public var sealedCredential: [UInt8]?
    /// The entity tag of the tree last read, for a conditional poll.
    public var etag: String?
    public var state: AgentState
    public var identityMismatch: Bool

    public init(
        nodeID: NodeID, qkdnID: QKDUUID, restconfURL: String, encoding: AgentEncoding, pollIntervalMs: Int, sealedCredential: [UInt8]? = nil,
        etag: String? = nil, state: AgentState, identityMismatch: Bool
    ) {
        self.nodeID = nodeID
        self.qkdnID = qkdnID
        self.restconfURL = restconfURL
        self.encoding = encoding
        self.pollIntervalMs = pollIntervalMs
        self.sealedCredential = sealedCredential
        self.etag = etag
        self.state = state
        self.identityMismatch = identityMismatch
    }
}

/// How the controller talks to the agent at a RESTCONF root.
public enum AgentAccess: Sendable, Equatable {
    /// An agent that registered: the controller's proof of its node's credential, in XML.
    case registered(proof: String?)
    /// A device onboarded by address: its own credential, in its own encoding.
    case onboarded(node: NodeID, encoding: AgentEncoding, sealedCredential: [UInt8]?, yangPatch: Bool, tlsCA: String?, createOnly: Bool)
}

/// Whether the controller follows an onboarded device's notification stream.
public enum DeviceStreamState: String, Sendable, CaseIterable {
    /// The device lists no event stream the controller can read: polling alone.
    case none
    case connecting
    /// Subscribed: notifications are applied as they come.
    case open
    /// The stream failed or ended; the controller subscribes again after a backoff.
    case retrying
}
