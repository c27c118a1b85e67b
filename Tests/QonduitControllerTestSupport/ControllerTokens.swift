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

    /// The token of the controller whose base URL starts `url`.
    public static func token(for url: String) -> String? {
        controllers.withLock { controllers in controllers.first { url.hasPrefix($0.key) }?.value.token }
    }

    /// What a controller the tests started presents to the agent serving the RESTCONF root `url`
    /// starts with, read from that controller's database.
    public static func controllerProof(forAgentAt url: String) async -> String? {
        guard let range = url.range(of: "/restconf") else { return nil }
        let root = String(url[..<range.upperBound])
        for database in controllers.withLock({ $0.values.map(\.database) }) {
            if let location = try? PostgresLocation(url: database) {
                let password =
                    location.user == ProcessInfo.processInfo.environment["QONDUIT_TEST_POSTGRES_PASSWORD_USER"]
                    ? ProcessInfo.processInfo.environment["QONDUIT_TEST_POSTGRES_PASSWORD"] : nil
                let logger = Logger(label: "qonduit-test-proofs")
                guard let inventory = try? await PostgresInventory.open(location, password: password, applicationName: nil, logger: logger)
                else { continue }
                let proof = try? await inventory.controllerProof(forAgentAt: root)
                await inventory.close()
                if let proof { return proof }
            } else if let inventory = try? SQLiteInventory(path: database), let proof = try? await inventory.controllerProof(forAgentAt: root) {
                return proof
            }
        }
        return nil
    }
}
