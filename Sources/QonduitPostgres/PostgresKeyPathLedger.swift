import Foundation
import PostgresNIO
public import QonduitCore
public import QonduitStorage

/// PostgreSQL's ledger: its statements run in the write transaction `withKeyPathLedger` (or
/// `withKeyPathChanges`) holds open; admission runs on the reservation book, in the caller's task.
public final class PostgresKeyPathLedger: KeyPathLedger {
    /// Empty for `withKeyPathChanges`, whose body sees only `KeyPathChanges`: nothing there reads it.
    public var book: ReservationBook
    private let session: PostgresSession
    /// The change to each link's stored sum, written once when the transaction's body returns.
    private var sums: [LinkID: Double] = [:]
    /// Taken once, not per statement.
    private let now = StoredTime.now()

    fileprivate init(book: ReservationBook, session: PostgresSession) {
        self.book = book
        self.session = session
    }

    public func keyPaths(_ ids: [QKDUUID]) async throws -> [QKDUUID: QKDKeyPath] {
        var paths: [QKDUUID: QKDKeyPath] = [:]
        for path in try await PostgresInventory.storedKeyPaths(ids.map(\.text), session).values { paths[path.value.id] = path.value }
        return paths
    }

    public func storedKeyPaths(_ ids: [QKDUUID]) async throws -> [QKDUUID: Stored<QKDKeyPath>] {
        var paths: [QKDUUID: Stored<QKDKeyPath>] = [:]
        for path in try await PostgresInventory.storedKeyPaths(ids.map(\.text), session).values { paths[path.value.id] = path }
        return paths
    }

    // MARK: Writing

    public func insert(_ paths: [QKDKeyPath]) async throws -> [Result<Void, any Error>] {
        var results: [Result<Void, any Error>] = []
        for path in paths {
            do {
                // A path that cannot be written leaves nothing behind.
                try await session.inSavepoint { try await insert(path) }
                add(path.reservedBps, sign: 1)
                results.append(.success(()))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    private func insert(_ path: QKDKeyPath) async throws {
        try await session.execute(
            """
            INSERT INTO key_path (id, source, destination, rate_bps, metric, max_hops, exclude_nodes, exclude_links, protection,
                path_count, client_app_id, server_app_id, app_id, state, reason, created_at, updated_at)
            VALUES (\(path.id.text), \(path.source.rawValue), \(path.destination.rawValue), \(path.rateBps), \(path.metric.rawValue),
                \(path.maxHops), \(path.excludeNodes.map(\.rawValue)), \(path.excludeLinks.map(\.rawValue)), \(path.protection.rawValue),
                \(path.pathCount), \(path.clientAppID), \(path.serverAppID), \(path.appID.text), \(path.state.rawValue), \(path.reason),
                \(now), \(now))
            """)
        try await Self.writeRoutes(of: [path], session)
        try await PostgresInventory.logEvent(
            .keyPathCreated, subject: path.id.text,
            data: [
                ("key_path", JSONText.string(path.id.text)), ("state", JSONText.string(path.state.rawValue)),
                ("source", JSONText.string(path.source.rawValue)), ("destination", JSONText.string(path.destination.rawValue)),
                ("rate_bps", String(path.rateBps)),
            ], session)
    }

    public func replaceRoutes(of replaced: [QKDKeyPath], with rerouted: [QKDKeyPath]) async throws {
        guard !rerouted.isEmpty || !replaced.isEmpty else { return }
        try await Self.releaseRoutes(of: replaced, session)
        try await Self.writeRoutes(of: rerouted, session)
        for path in replaced { add(path.reservedBps, sign: -1) }
        for path in rerouted { add(path.reservedBps, sign: 1) }
    }

    public func setStates(of ids: [QKDUUID], to state: KeyPathState, reason: String?, from: [KeyPathState]?) async throws {
        guard !ids.isEmpty else { return }
        let from = from?.map(\.rawValue)
        let changed = try await session.rows(
            """
            SELECT id, state FROM key_path WHERE id = ANY(\(ids.map(\.text))) AND (\(from)::text[] IS NULL OR state = ANY(\(from)))
                AND state <> \(state.rawValue)
            ORDER BY id
            """)
        let events = try changed.map { row in
            let id: String = try row.get("id")
            let old: String = try row.get("state")
            return (
                subject: id,
                data: JSONText.object([
                    ("key_path", JSONText.string(id)), ("from", JSONText.string(old)), ("to", JSONText.string(state.rawValue)),
                    ("reason", reason.map(JSONText.string) ?? "null"),
                ])
            )
        }
        try await PostgresInventory.logEvents(.keyPathState, events, session)
        try await session.execute(
            """
            UPDATE key_path SET state = \(state.rawValue), reason = \(reason), updated_at = \(now)
            WHERE id = ANY(\(ids.map(\.text))) AND (\(from)::text[] IS NULL OR state = ANY(\(from)))
            """)
    }

    public func logReroutes(_ reroutes: [Reroute]) async throws {
        func nodes(_ routes: [KeyPathRoute]) -> String {
            "[" + routes.map { JSONText.array($0.nodes.map(\.rawValue)) }.joined(separator: ",") + "]"
        }
        try await PostgresInventory.logEvents(
            .keyPathRerouted,
            reroutes.map { reroute in
                (
                    subject: reroute.new.id.text,
                    data: JSONText.object([
                        ("key_path", JSONText.string(reroute.new.id.text)), ("reason", JSONText.string(reroute.reason)),
                        ("from", nodes(reroute.old.routes)), ("to", nodes(reroute.new.routes)),
                    ])
                )
            }, session)
    }

    public func release(_ paths: [QKDKeyPath]) async throws {
        guard !paths.isEmpty else { return }
        try await dropRetiring(of: paths.map(\.id))
        try await Self.releaseRoutes(of: paths, session)
        for path in paths {
            add(path.reservedBps, sign: -1)
            book.release(path.reservedBps)
        }
    }

    public func remove(_ paths: [QKDKeyPath]) async throws {
        guard !paths.isEmpty else { return }
        try await release(paths)
        try await session.execute("DELETE FROM key_path WHERE id = ANY(\(paths.map(\.id.text)))")
        try await PostgresInventory.logEvents(
            .keyPathDeleted,
            paths.map { path in
                (
                    subject: path.id.text,
                    data: JSONText.object([("key_path", JSONText.string(path.id.text)), ("state", JSONText.string(path.state.rawValue))])
                )
            }, session)
    }

    public func appendAudit(_ entries: [AuditEntry]) async throws {
        try await PostgresInventory.insertAudit(entries, session)
    }

    public func holdRetiring(_ routes: [RetiringRoute]) async throws {
        // A path re-routed again before it was active still retires its first routes.
        for retiring in routes {
            try await session.execute(
                """
                INSERT INTO retiring_route (key_path_id, qkdl_id, nodes)
                VALUES (\(retiring.keyPath.text), \(retiring.route.qkdlID.text), \(retiring.route.nodes.map(\.rawValue)))
                ON CONFLICT DO NOTHING
                """)
        }
    }

    public func dropRetiring(of paths: [QKDUUID]) async throws {
        guard !paths.isEmpty else { return }
        try await session.execute("DELETE FROM retiring_route WHERE key_path_id = ANY(\(paths.map(\.text)))")
    }

    private func add(_ reserved: [LinkID: Double], sign: Double) {
        for (link, bps) in reserved { sums[link, default: 0] += sign * bps }
    }

    /// The change to the links' reserved sums, in one statement; the last reservation gone leaves
    /// exactly 0, not a rounding residue.
    fileprivate func writeSums() async throws {
        guard !sums.isEmpty else { return }
        let links = Array(sums.keys)
        try await session.execute(
            """
            UPDATE link SET reserved_bps = CASE WHEN EXISTS (SELECT 1 FROM reservation r WHERE r.link_id = link.id)
                THEN greatest(0, reserved_bps + d.delta) ELSE 0 END
            FROM unnest(\(links.map(\.rawValue))::text[], \(links.map { sums[$0]! })::float8[]) AS d(id, delta)
            WHERE link.id = d.id
            """)
    }

    /// The routes and reservations of paths, in two statements however many.
    static func writeRoutes(of paths: [QKDKeyPath], _ session: PostgresSession) async throws {
        var ids: [String] = []
        var positions: [Int] = []
        var roles: [String] = []
        var rates: [Double] = []
        var nodes: [String] = []
        var links: [String] = []
        var qkdlIDs: [String] = []
        var heldLinks: [String] = []
        var holders: [String] = []
        for path in paths {
            for (position, route) in path.routes.enumerated() {
                ids.append(path.id.text)
                positions.append(position)
                roles.append(route.role.rawValue)
                rates.append(route.rateBps)
                nodes.append(JSONText.array(route.nodes.map(\.rawValue)))
                links.append(JSONText.array(route.links.map(\.rawValue)))
                qkdlIDs.append(route.qkdlID.text)
            }
            for link in path.reservedBps.keys {
                heldLinks.append(link.rawValue)
                holders.append(path.id.text)
            }
        }
        guard !ids.isEmpty else { return }
        try await session.execute(
            """
            INSERT INTO key_path_route (key_path_id, position, role, rate_bps, nodes, links, qkdl_id)
            SELECT r.id, r.position, r.role, r.rate, ARRAY(SELECT json_array_elements_text(r.nodes::json)),
                ARRAY(SELECT json_array_elements_text(r.links::json)), r.qkdl_id
            FROM unnest(\(ids)::text[], \(positions)::int8[], \(roles)::text[], \(rates)::float8[], \(nodes)::text[], \(links)::text[],
                \(qkdlIDs)::text[]) AS r(id, position, role, rate, nodes, links, qkdl_id)
            """)
        try await session.execute(
            "INSERT INTO reservation (link_id, key_path_id) SELECT * FROM unnest(\(heldLinks)::text[], \(holders)::text[])")
    }

    /// Drops the routes of paths (as stored) and their reservations (the links' sums are the ledger's).
    static func releaseRoutes(of paths: [QKDKeyPath], _ session: PostgresSession) async throws {
        guard !paths.isEmpty else { return }
        var heldLinks: [String] = []
        var holders: [String] = []
        for path in paths {
            for link in path.reservedBps.keys {
                heldLinks.append(link.rawValue)
                holders.append(path.id.text)
            }
        }
        try await session.execute(
            """
            DELETE FROM reservation WHERE (link_id, key_path_id) IN (SELECT * FROM unnest(\(heldLinks)::text[], \(holders)::text[]))
            """)
        try await session.execute("DELETE FROM key_path_route WHERE key_path_id = ANY(\(paths.map(\.id.text)))")
    }
}

extension PostgresInventory {
    public func withKeyPathLedger<T: Sendable>(_ body: @Sendable (any KeyPathLedger) async throws -> T) async throws -> T {
        try await inLedger(readingBook: true) { try await body($0) }
    }

    public func withKeyPathChanges<T: Sendable>(_ body: @Sendable (any KeyPathChanges) async throws -> T) async throws -> T {
        try await inLedger(readingBook: false) { try await body($0) }
    }

    /// Runs `body` with a ledger in one write transaction; its book is read first when `readingBook`.
    private func inLedger<T: Sendable>(readingBook: Bool, _ body: (PostgresKeyPathLedger) async throws -> T) async throws -> T {
        try await write { session in
            let book: ReservationBook
            if readingBook {
                let (nodes, links) = try await Self.topology(session)
                book = ReservationBook(
                    network: Topology(nodes: nodes.map(\.value), links: links.map(\.value)), reservedBps: try await Self.reservedBps(session))
            } else {
                book = ReservationBook(network: Topology(nodes: [], links: []), reservedBps: [:])
            }
            let ledger = PostgresKeyPathLedger(book: book, session: session)
            let result = try await body(ledger)
            try await ledger.writeSums()
            return result
        }
    }
}
