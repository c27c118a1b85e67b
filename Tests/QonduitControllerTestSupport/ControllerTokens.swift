import Foundation
import Logging
import QonduitPostgres
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport
import Synchronization

/// The admin token and database of each controller the tests started, by base URL, so that helpers
/// that know only a URL can authenticate. Test-only shared state: written when a controller starts, read after.
public enum ControllerTokens {
    private static let controllers = Mutex<[String: (token: String, database: String)]>([:])

    public static func register(_ token: String, for baseURL: String, database: String) {
        controllers.withLock { $0[baseURL] = (token, database) }
    }

    /// Forgets a PostgreSQL controller that stopped: its database may be dropped next, and no later
    /// lookup should open it. (An SQLite controller's file outlives it and stays useful to read.)
    public static func unregister(_ baseURL: String) {
        controllers.withLock { controllers in
            if let database = controllers[baseURL]?.database, PostgresLocation.isURL(database) { controllers[baseURL] = nil }
        }
    }

    /// The token of the controller whose base URL starts `url`.
    public static func token(for url: String) -> String? {
        controllers.withLock { controllers in controllers.first { url.hasPrefix($0.key) }?.value.token }
    }

    /// What a controller the tests started presents to the agent serving the RESTCONF root `url`
    /// starts with, read from that controller's database.
    public static func controllerProof(forAgentAt url: String) async -> String? {
        guard let range = url.range(of: "/restconf") else { return nil }
        let root = String(url[..<range.upperBound])
        // SQLite files first: opening one costs nothing; a PostgreSQL database, a few connections.
        let databases = controllers.withLock { $0.values.map(\.database) }.sorted { !PostgresLocation.isURL($0) && PostgresLocation.isURL($1) }
        for database in databases {
            if let location = try? PostgresLocation(url: database) {
                let password =
                    location.user == ProcessInfo.processInfo.environment["QONDUIT_TEST_POSTGRES_PASSWORD_USER"]
                    ? ProcessInfo.processInfo.environment["QONDUIT_TEST_POSTGRES_PASSWORD"] : nil
                let logger = Logger(label: "qonduit-test-proofs")
                guard let inventory = try? await PostgresInventory.open(location, password: password, applicationName: nil, logger: logger)
                else { continue }
                let proof = try? await withTimeout(.seconds(10)) { try await inventory.controllerProof(forAgentAt: root) }
                await inventory.close()
                if let proof { return proof }
            } else if let inventory = try? SQLiteInventory(path: database), let proof = try? await inventory.controllerProof(forAgentAt: root) {
                return proof
            }
        }
        return nil
    }
}

/// `body`'s answer, or nil if it takes longer than `limit` (it is cancelled then).
private func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T?) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
