/// Taking a standard GS QKD 015 device under management by its address: the controller finds its
/// RESTCONF root, reads its `qkd_node` and records it for the node. Implemented by the southbound;
/// the API and the topology import ask for it.
public protocol DeviceOnboarding: Sendable {
    /// Onboards the device, or throws `DeviceOnboardingFailure` saying what failed (nothing is
    /// stored then), or an inventory refusal (no such node, the node has an agent, the device's
    /// `qkdn_id` belongs to another node).
    func onboard(_ request: DeviceOnboardingRequest) async throws
}

public struct DeviceOnboardingRequest: Sendable, Equatable {
    /// What the controller speaks to the device: XML, JSON, or `auto` (asks for both, speaks what the device answers).
    public enum Encoding: String, Sendable, CaseIterable {
        case auto, xml, json
    }

    public var node: NodeID
    /// The device's address: its RESTCONF root when it has a path, else where host-meta says the root is.
    public var url: String
    public var encoding: Encoding
    public var credential: DeviceCredential?
    public var pollIntervalMs: Int

    public static let defaultPollIntervalMs = 5_000
    public static let pollIntervalRange = 100...3_600_000

    public init(
        node: NodeID, url: String, encoding: Encoding = .auto, credential: DeviceCredential? = nil, pollIntervalMs: Int = defaultPollIntervalMs
    ) {
        self.node = node
        self.url = url
        self.encoding = encoding
        self.credential = credential
        self.pollIntervalMs = pollIntervalMs
    }
}

/// Why a device could not be onboarded, in words for the operator.
public struct DeviceOnboardingFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
