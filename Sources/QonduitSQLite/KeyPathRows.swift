import GRDB
import QonduitCore
import QonduitStorage

/// The statements that write key paths' rows, their routes and reservations, and the links' sums:
/// shared by `SQLiteKeyPathLedger` and the inventory's single-path operations.
extension SQLiteInventory {
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
                SELECT \(nowSQL), '\(EventKind.keyPathState.rawValue)', id, json_object('key_path', id, 'from', state, 'to', ?1, 'reason', ?2)
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
