/// A provisioned key-relay service between two nodes: the rate asked for, the constraints it was
/// routed under, the routes chosen and the rate reserved on each of their links.
public struct QKDKeyPath: Sendable, Equatable {
    public var id: QKDUUID
    public var source: NodeID
    public var destination: NodeID
    /// Secret key rate the service delivers end to end, bit/s.
    public var rateBps: Double
    /// The path metric it was routed by, and by which re-optimisation ranks its routes.
    public var metric: PathMetric
    public var maxHops: Int?
    public var excludeNodes: [NodeID]
    public var excludeLinks: [LinkID]
    public var protection: KeyPathProtection
    /// Routes the rate is split over (`multipath`); 1 otherwise.
    public var pathCount: Int
    /// The applications at the two ends, as GS QKD 015 `qkd_app` entries name them.
    public var clientAppID: String?
    public var serverAppID: String?
    /// The `app_id` of the `qkd_app` entries configured at both ends.
    public var appID: QKDUUID
    public var state: KeyPathState
    /// Why the path is `failed` or `degraded`: the node or link and what went wrong.
    public var reason: String?
    public var routes: [KeyPathRoute]

    public init(
        id: QKDUUID, source: NodeID, destination: NodeID, rateBps: Double, metric: PathMetric, maxHops: Int? = nil,
        excludeNodes: [NodeID] = [], excludeLinks: [LinkID] = [], protection: KeyPathProtection = .none, pathCount: Int = 1,
        clientAppID: String? = nil, serverAppID: String? = nil, appID: QKDUUID, state: KeyPathState = .pending,
        reason: String? = nil, routes: [KeyPathRoute] = []
    ) {
        self.id = id
        self.source = source
        self.destination = destination
        self.rateBps = rateBps
        self.metric = metric
        self.maxHops = maxHops
        self.excludeNodes = excludeNodes
        self.excludeLinks = excludeLinks
        self.protection = protection
        self.pathCount = pathCount
        self.clientAppID = clientAppID
        self.serverAppID = serverAppID
        self.appID = appID
        self.state = state
        self.reason = reason
        self.routes = routes
    }

    /// Whether the applications at the ends are configured (`qkd_app` entries) for this path.
    public var hasApplication: Bool { clientAppID != nil || serverAppID != nil }

    /// Rate reserved on each link over all routes, bit/s.
    public var reservedBps: [LinkID: Double] {
        routes.reduce(into: [:]) { total, route in
            for link in route.links { total[link, default: 0] += route.rateBps }
        }
    }
}

/// One route of a key path: the trusted relays it crosses, in order, and the rate it carries.
public struct KeyPathRoute: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        /// Carries the key (the only route, or one of several that share the rate).
        case primary
        /// Reserved and configured, node-disjoint from the primary, used when it fails.
        case backup
    }

    public var role: Role
    public var nodes: [NodeID]
    public var links: [LinkID]
    /// Rate reserved on every link of this route, bit/s.
    public var rateBps: Double
    /// The GS QKD 015 virtual link (`qkdl_type` VIRT) that realises the route on its nodes.
    public var qkdlID: QKDUUID

    public init(role: Role, nodes: [NodeID], links: [LinkID], rateBps: Double, qkdlID: QKDUUID) {
        self.role = role
        self.nodes = nodes
        self.links = links
        self.rateBps = rateBps
        self.qkdlID = qkdlID
    }
}

public enum KeyPathProtection: String, Sendable, CaseIterable {
    case none
    /// A node-disjoint backup route with the full rate reserved too.
    case disjointBackup = "disjoint_backup"
    /// The rate split evenly over `pathCount` node-disjoint routes, so no relay holds the whole key.
    case multipath
}

/// `pending` until every node has confirmed its configuration, then `active`; `failed` (with the
/// reason) when it could not be routed or configured.
public enum KeyPathState: String, Sendable, CaseIterable {
    case pending, active, failed, degraded
}

extension KeyPathState {
    /// Whether a path in this state becomes `active` once every node has confirmed its configuration:
    /// a `pending` one, and an `active` one that kept its primary while its other routes were
    /// configured. One failed or degraded meanwhile (by an operator, or a repair pass) stays so.
    public var activatesOnConfirmation: Bool {
        switch self {
        case .pending, .active: true
        case .failed, .degraded: false
        }
    }
}
