/// Taking a standard GS QKD 015 device under management by its address: the controller finds its
/// RESTCONF root, reads its `qkd_node` and records it for the node. Implemented by the southbound;
/// the API and the topology import ask for it.
public protocol DeviceOnboarding: Sendable {
    /// Onboards the device, or throws `DeviceOnboardingFailure` saying what failed (nothing is
    /// stored then), or an inventory refusal (no such node, the node has an agent, the device's
    /// `qkdn_id` belongs to another node).
    func onboard(_ request: DeviceOnboardingRequest) async throws
}

extension DeviceOnboarding {
    /// Onboards many devices, `concurrency` at a time (a fleet from a topology file, say: devices that
    /// do not answer take their timeout each). Returns why each that failed did, by node.
    public func onboardAll(_ requests: [DeviceOnboardingRequest], concurrency: Int = 32) async -> [(node: NodeID, reason: String)] {
        await withTaskGroup(of: (NodeID, String)?.self) { group in
            var failures: [(node: NodeID, reason: String)] = []
            var running = 0
            for request in requests {
                if running == concurrency, let failure = await group.next() {
                    running -= 1
                    if let failure { failures.append(failure) }
                }
                group.addTask {
                    do {
                        try await self.onboard(request)
                        return nil
                    } catch {
                        return (request.node, "\(error)")
                    }
                }
                running += 1
            }
            for await failure in group { if let failure { failures.append(failure) } }
            return failures.sorted { $0.node < $1.node }
        }
    }
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
    /// Without a credential of its own, whether the device takes the one the controller is configured
    /// with for devices (`serve --device-bearer-file`): so do devices a topology file names.
    public var usesDefaultCredential: Bool
    /// The CA (PEM) the device's certificate is verified with, when not the controller's (`serve --tls-ca`).
    public var tlsCA: String?
    public var pollIntervalMs: Int

    public static let defaultPollIntervalMs = 5_000
    public static let pollIntervalRange = 100...3_600_000

    public init(
        node: NodeID, url: String, encoding: Encoding = .auto, credential: DeviceCredential? = nil, usesDefaultCredential: Bool = false,
        tlsCA: String? = nil, pollIntervalMs: Int = defaultPollIntervalMs
    ) {
        self.tlsCA = tlsCA
        self.node = node
        self.url = url
        self.encoding = encoding
        self.credential = credential
        self.usesDefaultCredential = usesDefaultCredential
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
