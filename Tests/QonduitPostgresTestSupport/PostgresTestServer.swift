import Foundation
import Logging
import PostgresNIO
public import QonduitPostgres
public import QonduitStorage
import Synchronization
public import Testing

/// The PostgreSQL server `scripts/test` starts for the tests: `QONDUIT_TEST_POSTGRES_URL` (a
/// superuser on its maintenance database) and `QONDUIT_TEST_POSTGRES_PASSWORD`. Without them the
/// tests that need a server are skipped, and say so.
public enum PostgresTestServer {
    static let environment = ProcessInfo.processInfo.environment
    public static let url = environment["QONDUIT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// A second superuser that must give a password (SCRAM), for the tests of passwords.
    public static let passwordUser = environment["QONDUIT_TEST_POSTGRES_PASSWORD_USER"].flatMap { $0.isEmpty ? nil : $0 }
    public static let password = environment["QONDUIT_TEST_POSTGRES_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
    public static var available: Bool { url != nil }
    public static let skipReason: Comment = "needs QONDUIT_TEST_POSTGRES_URL (scripts/test starts a PostgreSQL server)"

    static func location() throws -> PostgresLocation {
        guard let url else { throw Unavailable(unreachable: false) }
        return try PostgresLocation(url: url)
    }

    struct Unavailable: Error, CustomStringConvertible {
        var unreachable: Bool
        var description: String {
            unreachable
                ? "the server at QONDUIT_TEST_POSTGRES_URL does not answer"
                : "QONDUIT_TEST_POSTGRES_URL is not set: scripts/test starts a PostgreSQL server and sets it"
        }
    }
}

/// Databases made for one test, each new and empty, and the stores opened on them: all closed and
/// dropped by `removeAll()`.
public final class ScratchDatabases: Sendable {
    private let made = Mutex<[String]>([])
    private let schemas = Mutex<[String]>([])
    private let opened = Mutex<[PostgresInventory]>([])
    private let logger = Logger(label: "qonduit-test-postgres")

    public init() {}

    /// A new, empty database on the test server, reached as the user who must give a password.
    public func databaseWithPassword() async throws -> PostgresLocation {
        var location = try await database()
        location.user = PostgresTestServer.passwordUser ?? location.user
        return location
    }

    /// A new, empty database on the test server.
    public func database() async throws -> PostgresLocation {
        let server = try PostgresTestServer.location()
        let name = "qonduit_test_\(UInt64.random(in: .min ... .max))"
        try await withMaintenanceClient { client in
            try await client.query("CREATE DATABASE \(unescaped: name)", logger: self.logger)
        }
        made.withLock { $0.append(name) }
        var location = server
        location.database = name
        return location
    }

    /// A store in a new, empty schema of the server's maintenance database: a schema costs a fraction
    /// of a database to make, and checks make hundreds.
    public func store(clock: any WallClock) async throws -> PostgresInventory {
        try await stores(1, clock: clock)[0]
    }

    /// `count` stores on one new, empty schema: controllers sharing an inventory.
    public func stores(_ count: Int, clock: any WallClock = SystemWallClock()) async throws -> [PostgresInventory] {
        let name = "qonduit_test_\(UInt64.random(in: .min ... .max))"
        try await withMaintenanceClient { client in
            try await client.query("CREATE SCHEMA \(unescaped: name)", logger: self.logger)
        }
        schemas.withLock { $0.append(name) }
        var stores: [PostgresInventory] = []
        for _ in 0..<count {
            let store = try await PostgresInventory.open(
                try PostgresTestServer.location(), password: nil, applicationName: "qonduit tests", schema: name,
                maximumConnections: 4, clock: clock, logger: logger)
            opened.withLock { $0.append(store) }
            stores.append(store)
        }
        return stores
    }

    public func removeAll() async {
        for store in opened.withLock({ $0.take() }) { await store.close() }
        let (names, schemas) = (made.withLock { $0.take() }, schemas.withLock { $0.take() })
        try? await withMaintenanceClient { client in
            for name in names { try await client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: self.logger) }
            for schema in schemas { try await client.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE", logger: self.logger) }
        }
    }

    private func withMaintenanceClient(_ body: @escaping @Sendable (PostgresClient) async throws -> Void) async throws {
        let configuration = try PostgresTestServer.location().configuration(password: nil)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            // The pool retries a server that does not answer for ever: the test fails instead.
            try await withThrowingTaskGroup(of: Void.self) { attempt in
                attempt.addTask { try await body(client) }
                attempt.addTask {
                    try await Task.sleep(for: .seconds(60))
                    throw PostgresTestServer.Unavailable(unreachable: true)
                }
                defer { attempt.cancelAll() }
                try await attempt.next()
            }
        }
    }
}

extension Array {
    /// The elements, leaving the array empty.
    fileprivate mutating func take() -> [Element] {
        defer { self = [] }
        return self
    }
}
