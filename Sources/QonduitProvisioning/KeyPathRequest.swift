public import QonduitCore

/// What an operator asks for: a key rate between two nodes, under routing constraints.
public struct KeyPathRequest: Sendable, Hashable {
    public var source: NodeID
    public var destination: NodeID
    /// End-to-end secret key rate, bit/s; at most `UInt32.max`, the most GS QKD 015's `virt_bandwidth` holds.
    public var rateBps: Double
    public var metric: PathMetric
    public var maxHops: Int?
    public var excludeNodes: Set<NodeID>
    public var excludeLinks: Set<LinkID>
    public var protection: KeyPathProtection
    /// Routes to split the rate over (`multipath` only; 2 to 16).
    public var paths: Int
    public var clientAppID: String?
    public var serverAppID: String?

    public init(
        source: NodeID, destination: NodeID, rateBps: Double, metric: PathMetric = .hops, maxHops: Int? = nil,
        excludeNodes: Set<NodeID> = [], excludeLinks: Set<LinkID> = [], protection: KeyPathProtection = .none, paths: Int? = nil,
        clientAppID: String? = nil, serverAppID: String? = nil
    ) {
        self.source = source
        self.destination = destination
        self.rateBps = rateBps
        self.metric = metric
        self.maxHops = maxHops
        self.excludeNodes = excludeNodes
        self.excludeLinks = excludeLinks
        self.protection = protection
        self.paths = paths ?? (protection == .multipath ? 2 : 1)
        self.clientAppID = clientAppID
        self.serverAppID = serverAppID
    }
}

extension KeyPathRequest {
    /// The request a stored path was provisioned with: what repair and re-optimisation plan it by again.
    init(provisioned path: QKDKeyPath) {
        self.init(
            source: path.source, destination: path.destination, rateBps: path.rateBps, metric: path.metric,
            maxHops: path.maxHops, excludeNodes: Set(path.excludeNodes), excludeLinks: Set(path.excludeLinks), protection: path.protection,
            paths: path.pathCount, clientAppID: path.clientAppID, serverAppID: path.serverAppID
        )
    }
}

/// A rule of key-path requests that a request breaks: the field, as the API names it (a JSON pointer
/// without its leading slash), and why.
public struct KeyPathRequestViolation: Sendable, Equatable {
    public var field: String
    public var message: String
}

extension KeyPathRequest {
    /// Every rule this request breaks, in field order. The rules are written here once: the API
    /// reports them all (problem details with pointers), provisioning refuses a request that breaks any.
    public var violations: [KeyPathRequestViolation] {
        var found: [KeyPathRequestViolation] = []
        func refuse(_ field: String, _ message: String) { found.append(KeyPathRequestViolation(field: field, message: message)) }
        // GS QKD 015's virt_bandwidth, which carries the rate to the nodes, is a uint32.
        if !(rateBps.isFinite && rateBps > 0 && rateBps <= Double(UInt32.max)) {
            refuse("rate_bps", "must be more than 0 and at most \(UInt32.max) bit/s")
        }
        if source == destination { refuse("destination", "must differ from the source") }
        if let maxHops, !(1...1_000).contains(maxHops) { refuse("max_hops", "must be from 1 to 1000") }
        if maxHops != nil && protection != .none {
            refuse("max_hops", "a hop limit cannot be combined with disjoint routes (protection \(protection.rawValue))")
        }
        if protection == .multipath ? !(2...16).contains(paths) : paths != 1 {
            refuse("paths", protection == .multipath ? "must be from 2 to 16" : "only protection multipath splits the rate over paths (got \(paths))")
        }
        for (field, value) in [("application/client_app_id", clientAppID), ("application/server_app_id", serverAppID)] {
            if let value, value.isEmpty || value.utf8.count > 256 { refuse(field, "must be 1 to 256 characters") }
        }
        return found
    }

    /// Throws the first rule this request breaks.
    func validate() throws(ProvisioningError) {
        if let first = violations.first { throw .invalidRequest(field: first.field, message: first.message) }
    }
}
