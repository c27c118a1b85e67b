import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// One connection as a transaction (or a read) uses it: statements with bound parameters, rows read
/// by column name, and a count of the rows its statements changed, so that a write that changed
/// nothing need not wake what watches the store.
final class PostgresSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    private let changed = Atomic<Int>(0)

    init(_ connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Rows inserted, updated or deleted so far.
    var changes: Int { changed.load(ordering: .relaxed) }

    /// Runs `query` and returns its rows; what it changed is counted.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        let result = try await run(query)
        return result.rows.map { $0.makeRandomAccess() }
    }

    /// Runs `query`; returns how many rows it inserted, updated or deleted.
    @discardableResult
    func execute(_ query: PostgresQuery) async throws -> Int {
        try await run(query).metadata.rows ?? 0
    }

    func row(_ query: PostgresQuery) async throws -> PostgresRandomAccessRow? {
        try await rows(query).first
    }

    /// The first column of the first row; nil when there is no row (or the value is NULL).
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
        guard let row = try await row(query), row[0].bytes != nil else { return nil }
        return try row[0].decode(T.self)
    }

    /// The first column of every row.
    func values<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> [T] {
        try await rows(query).map { try $0[0].decode(T.self) }
    }

    /// Runs `body` in a savepoint: when it throws, what it did is undone and the transaction goes on
    /// (PostgreSQL would otherwise refuse every later statement of the transaction).
    func inSavepoint<T>(_ body: () async throws -> T) async throws -> T {
        try await execute("SAVEPOINT qonduit")
        do {
            let result = try await body()
            try await execute("RELEASE SAVEPOINT qonduit")
            return result
        } catch {
            try await execute("ROLLBACK TO SAVEPOINT qonduit")
            try await execute("RELEASE SAVEPOINT qonduit")
            throw error
        }
    }

    private func run(_ query: PostgresQuery) async throws -> PostgresQueryResult {
        let future: EventLoopFuture<PostgresQueryResult> = connection.query(query, logger: logger)
        let result = try await future.get()
        if let rows = result.metadata.rows, ["INSERT", "UPDATE", "DELETE"].contains(result.metadata.command) {
            changed.add(rows, ordering: .relaxed)
        }
        return result
    }
}

extension PostgresRandomAccessRow {
    /// The value of `column`; a NULL reads as nil when `T` is optional.
    func get<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}
