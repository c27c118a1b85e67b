public import QonduitCore

/// The network and the rate reserved on each link, as one write transaction sees them, and the
/// admission rule every store enforces: a path is held only if no link would end up with more
/// reserved than its key rate and every link it reserves on is up.
public struct ReservationBook: Sendable {
    public let network: Topology
    /// Rate reserved on each link, bit/s, with what was held and given back so far.
    public private(set) var reservedBps: [LinkID: Double]
    private let links: [LinkID: QKDLink]

    public init(network: Topology, reservedBps: [LinkID: Double]) {
        self.network = network
        self.reservedBps = reservedBps
        links = Dictionary(network.links.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Admits and holds a new path: `plan` is given the rate reserved on each link and returns the
    /// path with its routes. Throws what `plan` throws, or `overReservation` or `linkNotUp`, holding nothing then.
    public mutating func admit(plan: ([LinkID: Double]) throws -> QKDKeyPath) throws -> QKDKeyPath {
        try hold(requireUp: true, plan: plan)
    }

    /// Admits and holds new routes for `old`: its own reservations are given back for `plan` (so that
    /// a new route may reuse the healthy links of the old), and the path `plan` returns is checked
    /// and held instead. When `plan` or admission throws, `old` keeps what it held.
    /// `requireUp: false` checks the rate alone (a re-route's old routes put back: links that went down are why).
    public mutating func readmit(_ old: QKDKeyPath, requireUp: Bool = true, plan: ([LinkID: Double]) throws -> QKDKeyPath) throws -> QKDKeyPath {
        let held = old.reservedBps
        release(held)
        do {
            return try hold(requireUp: requireUp, plan: plan)
        } catch {
            reserve(held)
            throw error
        }
    }

    private mutating func reserve(_ path: [LinkID: Double]) {
        for (link, bps) in path { reservedBps[link, default: 0] += bps }
    }

    /// Gives back what a path reserved (`QKDKeyPath.reservedBps`): it is failed or deleted.
    public mutating func release(_ path: [LinkID: Double]) {
        for (link, bps) in path { reservedBps[link] = max(0, (reservedBps[link] ?? 0) - bps) }
    }

    /// The path `plan` returns, held after checking every link it reserves on.
    private mutating func hold(requireUp: Bool, plan: ([LinkID: Double]) throws -> QKDKeyPath) throws -> QKDKeyPath {
        let path = try plan(reservedBps)
        let asked = path.reservedBps
        try Self.checkAdmission(asked, links: links, reserved: reservedBps, requireUp: requireUp)
        reserve(asked)
        return path
    }

    /// The last word on admission: no link may end up with more reserved than its key rate, and
    /// every link must be up (`requireUp: false` checks the rate alone). A plan that breaks this is a
    /// bug in the planner, or a race, refused here. `path` is what a path reserves on each link.
    public static func checkAdmission(
        _ path: [LinkID: Double], links: [LinkID: QKDLink], reserved: [LinkID: Double], requireUp: Bool = true
    ) throws {
        for (id, adding) in path {
            guard let link = links[id] else { throw NetworkError.linkNotFound(id.rawValue) }
            let current = link.current
            if requireUp, current.status != .up { throw KeyPathError.linkNotUp(id, status: current.status) }
            // A relative tolerance absorbs rounding when a rate is split over several routes.
            guard (reserved[id] ?? 0) + adding <= current.keyRateBps * (1 + 1e-9) else {
                throw KeyPathError.overReservation(link: id, keyRateBps: current.keyRateBps, reservedBps: reserved[id] ?? 0, askedBps: adding)
            }
        }
    }
}
