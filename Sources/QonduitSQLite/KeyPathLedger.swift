import Foundation
import GRDB
public import QonduitCore
public import QonduitStorage

/// SQLite's ledger: its reads and writes run in the transaction `withKeyPathLedger` (or
/// `withKeyPathChanges`) holds open, on the writer's thread; admission runs on the reservation book,
/// in the caller's task.
public final class SQLiteKeyPathLedger: KeyPathLedger {
    /// Empty for `withKeyPathChanges`, whose body sees only `KeyPathChanges`: nothing there reads it.
    public var book: ReservationBook
    private let transaction: HeldTransaction
    /// The change to each link's stored sum, written once when the transaction's body returns.
    fileprivate var sums = ReservedSums()
    /// Taken once, not per statement.
    private let now = SQLiteInventory.now()

    fileprivate init(book: ReservationBook, transaction: HeldTransaction) {
        self.book = book
        self.transaction = transaction
    }

    public func keyPaths(_ ids: [QKDUUID]) async throws -> [QKDUUID: QKDKeyPath] {
        try await transaction.run { db in try SQLiteInventory.keyPaths(ids.map(\.text), db) }
    }

    public func storedKeyPaths(_ ids: [QKDUUID]) async throws -> [QKDUUID: Stored<QKDKeyPath>] {
        try await transaction.run { db in
            var stored: [QKDUUID: Stored<QKDKeyPath>] = [:]
            for path in try SQLiteInventory.storedKeyPaths(ids.map(\.text), db).values { stored[path.value.id] = path }
            return stored
        }
    }

    // MARK: Writing

    public func insert(_ paths: [QKDKeyPath]) async throws -> [Result<Void, any Error>] {
        let now = now
        let results = try await transaction.run { db in paths.map { path in Result { try Self.insert(path, at: now, db) } } }
        for (path, result) in zip(paths, results) {
            if case .success = result { sums.add(path.reservedBps) }
        }
        return results
    }

    /// One path, in a savepoint of its own: a path that cannot be written leaves nothing behind.
    private static func insert(_ path: QKDKeyPath, at now: Date, _ db: Database) throws {
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
            try SQLiteInventory.logEvent(
                .keyPathCreated, subject: path.id.text,
                data: [
                    ("key_path", JSONText.string(path.id.text)), ("state", JSONText.string(path.state.rawValue)),
                    ("source", JSONText.string(path.source.rawValue)), ("destination", JSONText.string(path.destination.rawValue)),
                    ("rate_bps", String(path.rateBps)),
                ], db)
            return .commit
        }
    }

    public func replaceRoutes(of replaced: [QKDKeyPath], with rerouted: [QKDKeyPath]) async throws {
        guard !rerouted.isEmpty || !replaced.isEmpty else { return }
        try await transaction.run { db in
            try SQLiteInventory.releaseRoutes(of: replaced, db)
            try RouteRows(paths: rerouted).write(db)
        }
        for path in replaced { sums.remove(path.reservedBps) }
        for path in rerouted { sums.add(path.reservedBps) }
    }

    public func setStates(of ids: [QKDUUID], to state: KeyPathState, reason: String?, from: [KeyPathState]?) async throws {
        guard !ids.isEmpty else { return }
        let now = now
        try await transaction.run { db in
            try SQLiteInventory.setStates(of: JSONText.array(ids.map(\.text)), state, reason: reason, at: now.databaseValue, from: from, db)
        }
    }

    public func logReroutes(_ reroutes: [Reroute]) async throws {
        guard !reroutes.isEmpty else { return }
        try await transaction.run { db in
            func nodes(_ routes: [KeyPathRoute]) -> String {
                "[" + routes.map { JSONText.array($0.nodes.map(\.rawValue)) }.joined(separator: ",") + "]"
            }
            var logged = BatchedInsert(
                "INSERT INTO event (time, kind, subject, data)", row: "(\(nowSQL), '\(EventKind.keyPathRerouted.rawValue)', ?, ?)", bound: 2)
            for reroute in reroutes {
                let data = JSONText.object([
                    ("key_path", JSONText.string(reroute.new.id.text)), ("reason", JSONText.string(reroute.reason)),
                    ("from", nodes(reroute.old.routes)), ("to", nodes(reroute.new.routes)),
                ])
                try logged.add(reroute.new.id.text.databaseValue, data.databaseValue, db: db)
            }
            try logged.flush(db)
        }
    }

    public func release(_ paths: [QKDKeyPath]) async throws {
        guard !paths.isEmpty else { return }
        try await transaction.run { db in
            try SQLiteInventory.forgetRetiringRoutes(of: JSONText.array(paths.map(\.id.text)), db)
            try SQLiteInventory.releaseRoutes(of: paths, db)
        }
        for path in paths {
            sums.remove(path.reservedBps)
            book.release(path.reservedBps)
        }
    }

    public func remove(_ paths: [QKDKeyPath]) async throws {
        try await release(paths)
        try await transaction.run { db in
            for path in paths {
                try db.execute(sql: "DELETE FROM key_path WHERE id = ?", arguments: [path.id.text])
                try SQLiteInventory.logEvent(
                    .keyPathDeleted, subject: path.id.text,
                    data: [("key_path", JSONText.string(path.id.text)), ("state", JSONText.string(path.state.rawValue))], db)
            }
        }
    }

    public func appendAudit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await transaction.run { db in try SQLiteInventory.insertAudit(entries, db) }
    }

    public func holdRetiring(_ routes: [RetiringRoute]) async throws {
        guard !routes.isEmpty else { return }
        try await transaction.run { db in try SQLiteInventory.insertRetiring(routes, db) }
    }

    public func dropRetiring(of paths: [QKDUUID]) async throws {
        guard !paths.isEmpty else { return }
        try await transaction.run { db in try SQLiteInventory.forgetRetiringRoutes(of: JSONText.array(paths.map(\.text)), db) }
    }

    /// The change to the links' reserved sums, written as the body's last statement.
    fileprivate func writeSums() async throws {
        let sums = sums
        try await transaction.run { db in try sums.write(db) }
    }
}

extension SQLiteInventory {
    public func withKeyPathLedger<T: Sendable>(_ body: @Sendable (any KeyPathLedger) async throws -> T) async throws -> T {
        try await inHeldTransaction(readingBook: true) { try await body($0) }
    }

    public func withKeyPathChanges<T: Sendable>(_ body: @Sendable (any KeyPathChanges) async throws -> T) async throws -> T {
        try await inHeldTransaction(readingBook: false) { try await body($0) }
    }

    /// Runs `body` with a ledger in a `HeldTransaction`; its book is read first when `readingBook`.
    private func inHeldTransaction<T: Sendable>(
        readingBook: Bool, _ body: @Sendable (SQLiteKeyPathLedger) async throws -> T
    ) async throws -> T {
        let held = HeldTransaction()
        let transaction = Task {
            do {
                try await write { db in try held.serve(db) }
            } catch {
                held.abandon(error)
                throw error
            }
        }
        do {
            // The body runs on the writer's thread, its statements there in turn, once the writer is ours.
            let result = try await held.running {
                let book =
                    readingBook
                    ? try await held.run { db in
                        ReservationBook(
                            network: Topology(nodes: try NodeRecord.fetchAll(db).map(\.node), links: try LinkRecord.fetchAll(db).map(\.link)),
                            reservedBps: try SQLiteInventory.reservedBps(db))
                    } : ReservationBook(network: Topology(nodes: [], links: []), reservedBps: [:])
                let ledger = SQLiteKeyPathLedger(book: book, transaction: held)
                let result = try await body(ledger)
                try await ledger.writeSums()
                return result
            }
            held.finish(commit: true)
            try await transaction.value
            return result
        } catch {
            held.finish(commit: false)
            _ = try? await transaction.value
            throw error
        }
    }
}
