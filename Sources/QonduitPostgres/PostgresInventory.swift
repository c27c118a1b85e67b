import Foundation
public import Logging
public import PostgresNIO
import QonduitCore
public import QonduitStorage
import Synchronization

/// The controller's inventory kept in PostgreSQL: what several controllers share.
///
/// Reads run in a repeatable-read transaction (one snapshot each). Writes are serialised by a
/// transaction-scoped advisory lock, as SQLite serialises them: admission stays exact, and events
/// are numbered in the order their transactions commit, so a reader following the log misses none.
public final class PostgresInventory: Inventory {
    let client: PostgresClient
    let logger: Logger
    /// The time of day: token and session expiry are read from it.
    public let clock: any WallClock
    private let running: Task<Void, Never>
    /// Follows the other controllers' commits (`LISTEN qonduit_changes`), so that the revision moves
    /// with every committed change, whichever controller made it.
    private let listening = Mutex<Task<Void, Never>?>(nil)
    private let listeningNow = Atomic<Bool>(false)
    private let listeningChanged = RevisionSignal()
    /// The channel every committing write notifies: one per schema (inventories in two schemas of one
    /// database do not wake each other); known once the store has opened.
    private let changesChannel = Mutex<String?>(nil)
    /// What this store's notifications carry, so that it does not count its own commits twice.
    private let instance = StoredTime.randomRecordID()
    /// What write transactions check (`fenceWrites`), and whom to tell when the lease is found lost.
    let fencing = Mutex<(WriteFencing, @Sendable () -> Void)>((.open, {}))
    private let writes = Atomic<Int>(0)
    private let changes = RevisionSignal()
    /// Group commit for agents' reports: a thousand agents reporting at once cost a few transactions.
    let reportQueue = GroupCommitQueue<(QKDUUID, [AgentReport]), AgentReportOutcome>()
    /// Group commit for the audit log.
    let auditQueue = GroupCommitQueue<AuditEntry, Void>()

    /// The advisory lock every write transaction takes: 'qond' in ASCII, and the schema the inventory
    /// lives in (inventories in two schemas of one database do not wait for each other).
    static let writerLock = "pg_advisory_xact_lock(\(0x716f_6e64 as Int32), hashtext(current_schema()))"

    /// Connects with `configuration`, creating or migrating the schema when needed; a server not done
    /// within `connectTimeout` is an error (the pool would otherwise retry for ever). Generous: a
    /// server refusing is found at once by `open(_:password:…)`'s first connection; this bounds a busy one.
    /// `close()` ends the connections.
    public static func open(
        _ configuration: PostgresClient.Configuration, clock: any WallClock = SystemWallClock(), connectTimeout: Duration = .seconds(60),
        logger: Logger
    ) async throws -> PostgresInventory {
        let inventory = PostgresInventory(configuration, clock: clock, logger: logger)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await inventory.migrate() }
                group.addTask {
                    try await Task.sleep(for: connectTimeout)
                    throw PostgresUnreachable(
                        description: "PostgreSQL at \(configuration.host ?? configuration.unixSocketPath ?? "?"):\(configuration.port ?? 5432) "
                            + "did not answer within \(connectTimeout)")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
            let channel = try await inventory.read { session in
                try await session.value("SELECT 'qonduit_changes:' || hashtext(current_schema())", as: String.self)
            }
            inventory.listen(on: channel ?? "qonduit_changes")
        } catch {
            await inventory.close()
            throw error
        }
        return inventory
    }

    /// Connects to the database at `location` as `open(_:clock:connectTimeout:logger:)` does, naming the
    /// connections `applicationName` (which `pg_stat_activity` shows).
    public static func open(
        _ location: PostgresLocation, password: String?, applicationName: String?, schema: String? = nil, maximumConnections: Int = 16,
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) async throws -> PostgresInventory {
        // One connection first, so that a server that refuses (a wrong password, no such database,
        // TLS it will not speak) is an error at once, with the server's reason: the pool would retry.
        let probe = try await PostgresConnection.connect(
            on: PostgresClient.defaultEventLoopGroup.any(), configuration: try location.connectionConfiguration(password: password), id: 0,
            logger: logger
        ).get()
        try? await probe.close()
        var configuration = try location.configuration(password: password)
        configuration.options.maximumConnections = maximumConnections
        if let applicationName { configuration.options.additionalStartupParameters.append(("application_name", applicationName)) }
        if let schema { configuration.options.additionalStartupParameters.append(("search_path", schema)) }
        return try await open(configuration, clock: clock, logger: logger)
    }

    private init(_ configuration: PostgresClient.Configuration, clock: any WallClock, logger: Logger) {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.clock = clock
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Listens for other controllers' commits on a connection of its own, again after any failure;
    /// each notification (and each new connection, which may have missed some) moves the revision.
    private func listen(on channel: String) {
        changesChannel.withLock { $0 = channel }
        let task = Task { [client, logger, instance] in
            var reconnecting = false
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            // Listening again: what was committed meanwhile went unheard.
                            if reconnecting { self.committedElsewhere() }
                            reconnecting = true
                            self.listeningNow.store(true, ordering: .releasing)
                            self.listeningChanged.notify()
                            for try await notification in notifications where notification.payload != instance { self.committedElsewhere() }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("listening for other controllers' changes failed; listening again", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
        listening.withLock { $0 = task }
    }

    /// Returns once this store follows the other controllers' commits (its `LISTEN` is in place).
    public func waitUntilFollowingOthers() async {
        await listeningChanged.wait { self.listeningNow.load(ordering: .acquiring) }
    }

    private func committedElsewhere() {
        writes.add(1, ordering: .releasing)
        changes.notify()
    }

    /// Closes the connections; the inventory cannot be used after.
    public func close() async {
        if let listening = listening.withLock({ $0.take() }) {
            listening.cancel()
            await listening.value
        }
        running.cancel()
        await running.value
    }

    // MARK: Revision

    /// Counts committed writes that changed something, so that derived state knows when it is stale.
    public var revision: Int { writes.load(ordering: .acquiring) }

    public func waitForChange(from seen: Int) async {
        await changes.wait { self.revision != seen }
    }

    // MARK: Transactions

    /// `body` in one transaction begun with `begin`: committed when `body` returns, rolled back when it throws.
    private func inTransaction<T: Sendable>(_ begin: PostgresQuery = "BEGIN", _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let session = PostgresSession(connection, logger: logger)
            try await session.execute(begin)
            do {
                let result = try await body(session)
                try await session.execute("COMMIT")
                return result
            } catch {
                _ = try? await session.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// `body` in one read-only transaction: every statement sees the same snapshot.
    func read<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        try await inTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// One transaction of its own, outside the writers' order and fencing: the lease's.
    @discardableResult
    func transaction<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        try await inTransaction("BEGIN", body)
    }

    /// One write transaction; the revision moves on once it has committed, if it changed any row.
    @discardableResult
    func write<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        try await writeSayingChange { session in (try await body(session), nil) }
    }

    /// One write transaction whose `body` may say whether it changed what watchers of the revision
    /// follow (nil: whether it changed any row), as SQLite's does.
    @discardableResult
    func writeSayingChange<T: Sendable>(_ body: (PostgresSession) async throws -> (T, changed: Bool?)) async throws -> T {
        let (result, changed) = try await inTransaction { session in
            try await session.execute("SELECT \(unescaped: Self.writerLock)")
            try await checkFence(session, first: true)
            let (result, said) = try await body(session)
            let changed = said ?? (session.changes > 0)
            if session.changes > 0 { try await Self.trimEvents(session) }
            // Delivered when (and only if) the transaction commits.
            if changed, let channel = changesChannel.withLock({ $0 }) {
                try await session.execute("SELECT pg_notify(\(channel), \(instance))")
            }
            try await checkFence(session, first: false)
            return (result, changed)
        }
        if changed {
            writes.add(1, ordering: .releasing)
            changes.notify()
        }
        return result
    }

    // MARK: Schema

    private func migrate() async throws {
        try await inTransaction { session in
            // Controllers starting together migrate one after the other.
            try await session.execute("SELECT \(unescaped: Self.writerLock)")
            try await session.execute(
                """
                CREATE TABLE IF NOT EXISTS qonduit_migration (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let applied = Set(try await session.values("SELECT version FROM qonduit_migration", as: Int.self))
            if let newest = applied.max(), newest > PostgresSchema.migrations.count {
                throw StorageError.corrupt(
                    "the database's schema is version \(newest), newer than this controller knows (\(PostgresSchema.migrations.count)): "
                        + "run a controller of the version that wrote it")
            }
            for (index, migration) in PostgresSchema.migrations.enumerated() where !applied.contains(index + 1) {
                for statement in PostgresSchema.statements(of: migration.sql) {
                    try await session.execute(PostgresQuery(unsafeSQL: statement))
                }
                try await session.execute("INSERT INTO qonduit_migration (version, name) VALUES (\(index + 1), \(migration.name))")
            }
        }
    }
}

/// The server could not be reached (or did not answer) when the store opened.
public struct PostgresUnreachable: Error, Sendable, CustomStringConvertible {
    public let description: String
}
