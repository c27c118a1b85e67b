import GRDB
public import QonduitCore

/// Key paths and the key rate reserved on links, as one write transaction sees and changes them.
/// Provisioning decides (which paths, which routes, in what order); the ledger stores what it
/// decides, and enforces admission: a path is held only if no link would end up with more reserved
/// than its key rate and every link is up. Valid only inside `Inventory.withKeyPathLedger`.
public final class KeyPathLedger {
    /// Every node and link as the transaction sees them.
    public let network: Topology
    /// Rate reserved on each link, bit/s, with what this transaction held and gave back so far.
    public private(set) var reservedBps: [LinkID: Double]
    private let links: [LinkID: QKDLink]
    private let db: Database
    /// The change to each link's stored sum, written once when the transaction's body returns.
    fileprivate var sums = ReservedSums()
    /// Formatted once, not per statement.
    private let now = Inventory.now().databaseValue

    fileprivate init(_ db: Database) throws {
        self.db = db
        network = Topology(nodes: try NodeRecord.fetchAll(db).map(\.node), links: try LinkRecord.fetchAll(db).map(\.link))
        links = Dictionary(network.links.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        reservedBps = try Inventory.reservedBps(db)
    }

    // MARK: Admission

    /// Admits and holds a new path: `plan` is given the rate reserved on each link and returns the
    /// path with its routes. Throws what `plan` throws, or `overReservation`, holding nothing then.
    public func admit(plan: ([LinkID: Double]) throws -> QKDKeyPath) throws -> QKDKeyPath {
        try hold(requireUp: true, plan: plan)
    }

    /// Admits and holds new routes for `old`: its own reservations are given back for `plan` (so that
    /// a new route may reuse the healthy links of the old), and the path `plan` returns is checked
    /// and held instead. When `plan` or admission throws, `old` keeps what it held.
    /// `requireUp: false` checks the rate alone (see `Inventory.restoreRoutes`).
    public func readmit(_ old: QKDKeyPath, requireUp: Bool = true, plan: ([LinkID: Double]) throws -> QKDKeyPath) throws -> QKDKeyPath {
        let held = old.reservedBps
        for (link, bps) in held { reservedBps[link] = max(0, (reservedBps[link] ?? 0) - bps) }
        do {
            return try hold(requireUp: requireUp, plan: plan)
        } catch {
            for (link, bps) in held { reservedBps[link, default: 0] += bps }
            throw error
        }
    }

    /// The path `plan` returns, held after checking every link it reserves on.
    private func hold(requireUp: Bool, plan: ([LinkID: Double]) throws -> QKDKeyPath) throws -> QKDKeyPath {
        let path = try plan(reservedBps)
        let asked = path.reservedBps
        try Inventory.checkAdmission(asked, links: links, reserved: reservedBps, requireUp: requireUp)
        for (link, bps) in asked { reservedBps[link, default: 0] += bps }
        return path
    }

    // MARK: Reading

    /// Key paths by id, with their routes; ids not found are left out.
    public func keyPaths(_ ids: [QKDUUID]) throws -> [QKDUUID: QKDKeyPath] {
        try Inventory.keyPaths(ids.map(\.text), db)
    }

    // MARK: Writing

    /// Stores an admitted path, with its routes and reservations. A path that cannot be written
    /// leaves nothing behind (its own savepoint); the rest of the transaction stands.
    public func insert(_ path: QKDKeyPath) throws {
        try db.inSavepoint {
            try db.cachedStatement(
                sql: """
                    INSERT INTO key_path (id, source, destination, rate_bps, metric, max_hops, exclude_nodes, exclude_links, protection,
                        path_count, client_app_id, server_app_id, app_id, state, reason, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                path.id.text, path.source.rawValue, path.destination.rawValue, path.rateBps, path.metric.rawValue, path.maxHops,
                JSONText.array(path.excludeNodes.map(\.rawValue)), JSONText.array(path.excludeLinks.map(\.rawValue)),
                path.protection.rawValue, path.pathCount, path.clientAppID, path.serverAppID, path.appID.text, path.state.rawValue,
                path.reason, now, now,
            ])
            try RouteRows(paths: [path]).write(db)
            try Inventory.logEvent(
                .keyPathCreated, subject: path.id.text,
                data: [
                    ("key_path", JSONText.string(path.id.text)), ("state", JSONText.string(path.state.rawValue)),
                    ("source", JSONText.string(path.source.rawValue)), ("destination", JSONText.string(path.destination.rawValue)),
                    ("rate_bps", String(path.rateBps)),
                ], db)
            return .commit
        }
        sums.add(path.reservedBps)
    }

    /// Replaces the routes and reservations of re-routed paths: `replaced` as stored, `rerouted` with
    /// their new routes (states are `setStates`').
    public func replaceRoutes(of replaced: [QKDKeyPath], with rerouted: [QKDKeyPath]) throws {
        guard !rerouted.isEmpty || !replaced.isEmpty else { return }
        try Inventory.releaseRoutes(of: replaced, db)
        try RouteRows(paths: rerouted).write(db)
        for path in replaced { sums.remove(path.reservedBps) }
        for path in rerouted { sums.add(path.reservedBps) }
    }

    /// Sets the state and reason of paths (with `from`, only of those in one of these states), and logs
    /// a `key_path.state` event for each whose state changes.
    public func setStates(of ids: [QKDUUID], to state: KeyPathState, reason: String?, from: [KeyPathState]? = nil) throws {
        guard !ids.isEmpty else { return }
        try Inventory.setStates(of: JSONText.array(ids.map(\.text)), state, reason: reason, at: now, from: from, db)
    }

    /// Logs a `key_path.rerouted` event for each re-route (the path, why, and its routes' nodes before
    /// and after), in order.
    public func logReroutes(_ reroutes: [(old: QKDKeyPath, new: QKDKeyPath, reason: String)]) throws {
        func nodes(_ routes: [KeyPathRoute]) -> String { "[" + routes.map { JSONText.array($0.nodes.map(\.rawValue)) }.joined(separator: ",") + "]" }
        var logged = BatchedInsert(
            "INSERT INTO event (time, kind, subject, data)", row: "(\(nowSQL), '\(EventKind.keyPathRerouted.rawValue)', ?, ?)", bound: 2)
        for (old, new, reason) in reroutes {
            let data = JSONText.object([
                ("key_path", JSONText.string(new.id.text)), ("reason", JSONText.string(reason)), ("from", nodes(old.routes)),
                ("to", nodes(new.routes)),
            ])
            try logged.add(new.id.text.databaseValue, data.databaseValue, db: db)
        }
        try logged.flush(db)
    }

    /// Records routes that are being replaced but still carry key (see `RetiringRoute`).
    public func retire(_ routes: [RetiringRoute]) throws {
        try Inventory.insertRetiring(routes, db)
    }

    /// The retiring routes of `paths` are retired (see `Inventory.forgetRetiringRoutes`).
    func forgetRetiringRoutes(of paths: [QKDUUID]) throws {
        try Inventory.forgetRetiringRoutes(of: JSONText.array(paths.map(\.text)), db)
    }
}

/// A route a re-route replaced that still carries key: its virtual links stay on its nodes, and the
/// reconciler leaves them alone, until the path is active on its new routes (make before break).
public struct RetiringRoute: Sendable {
    public var keyPath: QKDUUID
    public var route: KeyPathRoute

    public init(keyPath: QKDUUID, route: KeyPathRoute) {
        self.keyPath = keyPath
        self.route = route
    }
}

extension Inventory {
    /// Runs `body` in one write transaction over the key paths and reservations (see `KeyPathLedger`),
    /// and commits what it stored when it returns; nothing when it throws. Writers are serialised, so
    /// admission is exact however many requests arrive at once.
    public func withKeyPathLedger<T: Sendable>(_ body: @Sendable (KeyPathLedger) throws -> T) async throws -> T {
        try await write { db in
            let ledger = try KeyPathLedger(db)
            let result = try body(ledger)
            try ledger.sums.write(db)
            return result
        }
    }

    /// The last word on admission: no link may end up with more reserved than its key rate, and
    /// every link must be up (`requireUp: false` checks the rate alone). A plan that breaks this is a
    /// bug in the planner, or a race, refused here. `path` is what a path reserves on each link.
    static func checkAdmission(
        _ path: [LinkID: Double], links: [LinkID: QKDLink], reserved: [LinkID: Double], requireUp: Bool = true
    ) throws {
        for (id, adding) in path {
            guard let link = links[id] else { throw InventoryError.linkNotFound(id.rawValue) }
            let total = (reserved[id] ?? 0) + adding
            let current = link.current
            // A relative tolerance absorbs rounding when a rate is split over several routes.
            guard !requireUp || current.status == .up, total <= current.keyRateBps * (1 + 1e-9) else {
                throw InventoryError.overReservation(link: id, keyRateBps: current.keyRateBps, reservedBps: reserved[id] ?? 0, askedBps: adding)
            }
        }
    }
}
