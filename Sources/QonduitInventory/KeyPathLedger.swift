import Foundation
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
        links = Inventory.byID(network.links)
        reservedBps = try Inventory.reservedBps(db)
    }

    // MARK: Admission

    /// Admits and holds a new path: `plan` is given the rate reserved on each link and returns the
    /// path with its routes. Throws what `plan` throws, or `overReservation`, holding nothing then.
    public func admit(plan: ([LinkID: Double]) throws -> QKDKeyPath) throws -> QKDKeyPath {
        let path = try plan(reservedBps)
        try hold(path.reservedBps)
        return path
    }

    /// Admits and holds new routes for `old`: its own reservations are given back for `plan` (so that
    /// a new route may reuse the healthy links of the old), and the path `plan` returns is checked
    /// and held instead. When `plan` or admission throws, `old` keeps what it held.
    public func readmit(_ old: QKDKeyPath, plan: ([LinkID: Double]) throws -> QKDKeyPath) throws -> QKDKeyPath {
        let held = old.reservedBps
        for (link, bps) in held { reservedBps[link] = max(0, (reservedBps[link] ?? 0) - bps) }
        do {
            return try admit(plan: plan)
        } catch {
            for (link, bps) in held { reservedBps[link, default: 0] += bps }
            throw error
        }
    }

    /// Holds `asked` (what a path reserves on each link) after checking every link.
    private func hold(_ asked: [LinkID: Double]) throws {
        try Inventory.checkAdmission(asked, links: links, reserved: reservedBps)
        for (link, bps) in asked { reservedBps[link, default: 0] += bps }
    }

    // MARK: Reading

    /// Key paths by id, with their routes; ids not found are left out.
    public func keyPaths(_ ids: [QKDUUID]) throws -> [QKDUUID: QKDKeyPath] {
        var paths: [QKDUUID: QKDKeyPath] = [:]
        for path in try Inventory.keyPaths(ids.map(\.text), db).values { paths[path.id] = path }
        return paths
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
        var logged = BatchedInsert("INSERT INTO event (time, kind, subject, data)", row: "(\(nowSQL), 'key_path.rerouted', ?, ?)", bound: 2)
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

    static func byID(_ links: [QKDLink]) -> [LinkID: QKDLink] {
        Dictionary(links.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func reservedBps(_ db: Database) throws -> [LinkID: Double] {
        var reserved: [LinkID: Double] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, reserved_bps FROM link WHERE reserved_bps > 0") {
            if let id = try? LinkID(row["id"] as String) { reserved[id] = row["reserved_bps"] }
        }
        return reserved
    }

    /// Sets the state and reason of paths (`ids`, a JSON array; with `from`, only of those in one of
    /// these states), and logs a `key_path.state` event for each whose state changes: two statements
    /// however many paths. Every state change goes through here (since v14 no trigger logs them).
    static func setStates(
        of ids: String, _ state: KeyPathState, reason: String?, at time: DatabaseValue, from: [KeyPathState]? = nil, _ db: Database
    ) throws {
        let arguments: StatementArguments = [state.rawValue, reason, ids, from.map { JSONText.array($0.map(\.rawValue)) }]
        let chosen = "id IN (SELECT value FROM json_each(?3)) AND (?4 IS NULL OR state IN (SELECT value FROM json_each(?4)))"
        try db.cachedStatement(
            sql: """
                INSERT INTO event (time, kind, subject, data)
                SELECT \(nowSQL), 'key_path.state', id, json_object('key_path', id, 'from', state, 'to', ?1, 'reason', ?2)
                FROM key_path WHERE \(chosen) AND state IS NOT ?1
                """
        ).execute(arguments: arguments)
        try db.cachedStatement(sql: "UPDATE key_path SET state = ?1, reason = ?2, updated_at = ?5 WHERE \(chosen)")
            .execute(arguments: arguments + [time])
    }

    /// Records retiring routes with one statement however many.
    static func insertRetiring(_ routes: [RetiringRoute], _ db: Database) throws {
        guard !routes.isEmpty else { return }
        let rows =
            "["
            + routes.map { "[\"\($0.keyPath.text)\",\"\($0.route.qkdlID.text)\",\(JSONText.array($0.route.nodes.map(\.rawValue)))]" }
            .joined(separator: ",") + "]"
        // A path re-routed again before it was active still retires its first routes.
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO retiring_route (key_path_id, qkdl_id, nodes) SELECT value ->> 0, value ->> 1, value -> 2 FROM json_each(?)
                """
        ).execute(arguments: [rows])
    }

    /// The retiring routes of paths (`ids`, a JSON array) are retired: from then on no key path asks
    /// for their virtual links, and the reconciler removes them.
    static func forgetRetiringRoutes(of ids: String, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM retiring_route WHERE key_path_id IN (SELECT value FROM json_each(?))").execute(arguments: [ids])
    }

    /// Drops a path's routes (and so its reservations, taken off the links' sums, and the
    /// configuration it asked of its nodes), retiring ones included.
    static func release(_ path: QKDKeyPath, _ db: Database) throws {
        try forgetRetiringRoutes(of: JSONText.array([path.id.text]), db)
        try releaseRoutes(of: [path], db)
        var sums = ReservedSums()
        sums.remove(path.reservedBps)
        try sums.write(db)
    }

    /// Drops the routes of paths (as stored) and their reservations, with a statement per link they
    /// hold rate on and one for the routes, however many paths (the links' sums are the caller's:
    /// `ReservedSums`).
    static func releaseRoutes(of paths: [QKDKeyPath], _ db: Database) throws {
        guard !paths.isEmpty else { return }
        // Reservations are keyed by link: each link's are dropped by key.
        var holders: [LinkID: [String]] = [:]
        for path in paths {
            for link in path.reservedBps.keys { holders[link, default: []].append(path.id.text) }
        }
        let dropReservations = try db.cachedStatement(
            sql: """
                DELETE FROM reservation WHERE link_id = ? AND key_path_id IN (SELECT value FROM json_each(?))
                """)
        for (link, ids) in holders { try dropReservations.execute(arguments: [link.rawValue, JSONText.array(ids)]) }
        try db.cachedStatement(sql: "DELETE FROM key_path_route WHERE key_path_id IN (SELECT value FROM json_each(?))")
            .execute(arguments: [JSONText.array(paths.map(\.id.text))])
    }
}

/// The routes and reservations of paths, written a few dozen rows per statement and in the order
/// of each table's key: rows that arrive in key order land on neighbouring pages, which made
/// writing a re-route pass's tens of thousands three to four times faster than in the paths' order.
struct RouteRows {
    var paths: [QKDKeyPath]

    func write(_ db: Database) throws {
        // SQLite orders text by its bytes.
        let byID = paths.map { (id: $0.id.text, path: $0) }.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        var routes = BatchedInsert("INSERT INTO key_path_route (key_path_id, position, role, rate_bps, nodes, links, qkdl_id)", bound: 7)
        var held: [(link: String, keyPath: String)] = []
        for (id, path) in byID {
            for (position, route) in path.routes.enumerated() {
                try routes.add(
                    id.databaseValue, position.databaseValue, route.role.rawValue.databaseValue, route.rateBps.databaseValue,
                    JSONText.array(route.nodes.map(\.rawValue)).databaseValue, JSONText.array(route.links.map(\.rawValue)).databaseValue,
                    route.qkdlID.text.databaseValue, db: db
                )
            }
            for link in path.reservedBps.keys { held.append((link.rawValue, id)) }
        }
        try routes.flush(db)
        held.sort {
            $0.link == $1.link ? $0.keyPath.utf8.lexicographicallyPrecedes($1.keyPath.utf8) : $0.link.utf8.lexicographicallyPrecedes($1.link.utf8)
        }
        var reservations = BatchedInsert("INSERT INTO reservation (link_id, key_path_id)", bound: 2)
        for (link, keyPath) in held { try reservations.add(link.databaseValue, keyPath.databaseValue, db: db) }
        try reservations.flush(db)
    }
}

/// How a transaction changes the reservation sums kept with links, written once at its end with
/// one statement per link however many paths it changed.
struct ReservedSums {
    private var delta: [LinkID: Double] = [:]

    /// `path` is what a path reserves on each link (`QKDKeyPath.reservedBps`).
    mutating func add(_ path: [LinkID: Double]) {
        for (link, bps) in path { delta[link, default: 0] += bps }
    }

    mutating func remove(_ path: [LinkID: Double]) {
        for (link, bps) in path { delta[link, default: 0] -= bps }
    }

    func write(_ db: Database) throws {
        // The last reservation gone leaves exactly 0, not a rounding residue.
        let statement = try db.cachedStatement(
            sql: """
                UPDATE link SET reserved_bps = CASE WHEN EXISTS (SELECT 1 FROM reservation WHERE link_id = ?1)
                    THEN max(0, reserved_bps + ?2) ELSE 0 END
                WHERE id = ?1
                """)
        for (link, bps) in delta { try statement.execute(arguments: [link.rawValue, bps]) }
    }
}
