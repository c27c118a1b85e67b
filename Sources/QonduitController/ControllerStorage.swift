import Foundation
public import Logging
public import Prometheus
import QonduitAPI
public import QonduitCore
import QonduitPostgres
import QonduitSQLite
public import QonduitStorage

/// The inventory a controller serves, opened with what its first start makes: the lock that keeps
/// a second controller off the database, the retention of its logs, the first admin token and the
/// key that seals device credentials. `qonduit serve` and in-process tests open it the same way.
public final class ControllerStorage: Sendable {
    public let inventory: any Inventory
    /// Seals the credentials of devices onboarded by address; its key is the file beside the database.
    public let credentialSealer: CredentialSealer
    /// Where the first admin token was written (or would have been, on a database that has one).
    public let adminTokenPath: String
    /// Whether this start wrote the first admin token (a fresh database).
    public let wroteAdminToken: Bool
    private let lock: DatabaseLock?
    private let configuration: StorageConfiguration
    /// The shared database's connections, closed with the storage.
    private let postgres: PostgresInventory?
    /// The database as logs name it: its file, or its URL (which holds no password).
    public let databaseDescription: String
    /// This controller's standing among those sharing the database (alone, with SQLite).
    public let leadership: Leadership

    /// Opens `configuration.database`. A new database beside an earlier one's token file is refused
    /// before anything is created; so is a database another controller holds.
    public static func open(_ configuration: StorageConfiguration, metrics: PrometheusCollectorRegistry, logger: Logger) async throws
        -> ControllerStorage
    {
        let db = configuration.database
        if PostgresLocation.isURL(db) { return try await openPostgres(configuration, metrics: metrics, logger: logger) }
        let tokenPath = configuration.adminTokenFile ?? adminTokenPath(forDatabase: db)
        if !configuration.isThrowaway, !FileManager.default.fileExists(atPath: db), FileManager.default.fileExists(atPath: tokenPath) {
            throw staleTokenFile(tokenPath, db: db)
        }
        let lock = configuration.isThrowaway ? nil : try DatabaseLock(database: db)
        let inventory: any Inventory
        do {
            inventory = try SQLiteInventory(path: db, metrics: PrometheusMetricsFactory.qonduit(metrics))
        } catch {
            throw ControllerStartupError("cannot open the inventory database '\(db)': \(error)")
        }
        // The file's lock is this controller's: whoever held the lease before is gone.
        try await inventory.breakLease()
        let leadership = Leadership(
            identity: identity(configuration), lease: inventory, timing: configuration.leaseTiming, exclusive: true, metrics: metrics,
            logger: logger)
        try await leadership.claim()
        try await inventory.setEventRetention(configuration.eventRetention)
        try await inventory.setAuditRetention(configuration.auditRetention)
        let wrote = try await writeFirstAdminToken(inventory: inventory, db: db, to: tokenPath, logger: logger)
        let sealer =
            db == ":memory:"
            ? CredentialSealer(key: CredentialSealer.newKey())!
            : try credentialSealer(keyFile: configuration.deviceKeyFile ?? deviceKeyPath(forDatabase: db), logger: logger)
        return ControllerStorage(
            inventory: inventory, credentialSealer: sealer, adminTokenPath: tokenPath, wroteAdminToken: wrote, lock: lock,
            configuration: configuration, postgres: nil, leadership: leadership)
    }

    /// Opens a PostgreSQL database (see `PostgresLocation`), shared with other controllers: this one
    /// leads if it takes the lease, and follows otherwise; what a first start writes, the leader writes.
    private static func openPostgres(
        _ configuration: StorageConfiguration, metrics: PrometheusCollectorRegistry, logger: Logger
    ) async throws -> ControllerStorage {
        let location: PostgresLocation
        do {
            location = try PostgresLocation(url: configuration.database)
        } catch {
            throw ControllerStartupError("--db: \(error)")
        }
        let password = try postgresPassword(file: configuration.passwordFile)
        let inventory: PostgresInventory
        do {
            inventory = try await PostgresInventory.open(
                location, password: password, applicationName: "qonduit serve (pid \(getpid()) on \(ProcessInfo.processInfo.hostName))",
                logger: logger)
        } catch let error as PostgresLocationError {
            throw ControllerStartupError("--db: \(error)")
        } catch {
            throw ControllerStartupError("cannot open the inventory database \(location): \(PostgresErrorText.describe(error))")
        }
        do {
            let leadership = Leadership(
                identity: identity(configuration), lease: inventory, timing: configuration.leaseTiming, metrics: metrics, logger: logger)
            try await leadership.claim()
            let tokenPath = configuration.adminTokenFile ?? "qonduit-admin.token"
            var wrote = false
            if leadership.isLeading {
                try await inventory.setEventRetention(configuration.eventRetention)
                try await inventory.setAuditRetention(configuration.auditRetention)
                wrote = try await writeFirstAdminToken(inventory: inventory, db: location.description, to: tokenPath, logger: logger)
            } else {
                logger.notice(
                    "following: another controller leads", metadata: ["leader": "\(leadership.leaderURL ?? "none yet")"])
            }
            let sealer = try credentialSealer(keyFile: configuration.deviceKeyFile ?? "qonduit-device.key", logger: logger)
            return ControllerStorage(
                inventory: inventory, credentialSealer: sealer, adminTokenPath: tokenPath, wroteAdminToken: wrote, lock: nil,
                configuration: configuration, postgres: inventory, leadership: leadership)
        } catch {
            await inventory.close()
            if let error = error as? ControllerStartupError { throw error }
            throw ControllerStartupError("cannot serve the inventory database \(location): \(PostgresErrorText.describe(error))")
        }
    }

    /// This controller as the others see it: a new id at each start, and where it is reached (until the
    /// server listens and says, the address it was told to listen on).
    private static func identity(_ configuration: StorageConfiguration) -> ControllerIdentity {
        ControllerIdentity(id: StoredTime.randomRecordID(), advertiseURL: configuration.advertiseURL ?? "http://127.0.0.1")
    }

    /// PostgreSQL's password: the first line of `file`, or `PGPASSWORD`; never a command-line argument.
    private static func postgresPassword(file: String?) throws -> String? {
        guard let file else { return ProcessInfo.processInfo.environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 } }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ControllerStartupError("cannot read the database password file '\(file)' (--db-password-file)")
        }
        let password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard !password.isEmpty else { throw ControllerStartupError("the database password file '\(file)' is empty") }
        return password
    }

    private init(
        inventory: any Inventory, credentialSealer: CredentialSealer, adminTokenPath: String, wroteAdminToken: Bool, lock: DatabaseLock?,
        configuration: StorageConfiguration, postgres: PostgresInventory?, leadership: Leadership
    ) {
        self.leadership = leadership
        self.inventory = inventory
        self.credentialSealer = credentialSealer
        self.adminTokenPath = adminTokenPath
        self.wroteAdminToken = wroteAdminToken
        self.lock = lock
        self.configuration = configuration
        self.postgres = postgres
        databaseDescription =
            postgres == nil ? configuration.database : (try? PostgresLocation(url: configuration.database).description) ?? "PostgreSQL"
    }

    /// A throwaway inventory's token file goes with it; a shared database's connections are closed
    /// (and the database let go); the lock is released when this is released.
    public func close() async {
        if configuration.isThrowaway { try? FileManager.default.removeItem(atPath: adminTokenPath) }
        await postgres?.close()
    }

    /// Runs `body`, then closes the storage, whether `body` threw or not.
    public func closing<T>(after body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }

    /// Where the first admin token of database `db` goes: beside it, named after it
    /// (`qonduit.sqlite` → `qonduit-admin.token`), so that controllers of two databases in one
    /// directory never share a file. A throwaway (':memory:') inventory's goes to a file of its own
    /// in the temporary directory, which no other controller can name.
    public static func adminTokenPath(forDatabase db: String) -> String {
        guard db != ":memory:" else {
            let unique = "\(getpid())-\(UInt32.random(in: .min ... .max))"
            return FileManager.default.temporaryDirectory.appendingPathComponent("qonduit-memory-\(unique)-admin.token").path
        }
        return besideDatabase(db, suffix: "-admin.token")
    }

    /// Where the key that seals device credentials goes: beside the database, named after it
    /// (`qonduit.sqlite` → `qonduit-device.key`).
    public static func deviceKeyPath(forDatabase db: String) -> String {
        besideDatabase(db, suffix: "-device.key")
    }

    private static func besideDatabase(_ db: String, suffix: String) -> String {
        let database = URL(fileURLWithPath: db)
        let stem = database.deletingPathExtension().lastPathComponent
        return database.deletingLastPathComponent().appendingPathComponent(stem + suffix).path
    }

    /// The sealer of device credentials: its key read from `keyFile`, or written there, readable by the
    /// owner alone, at first start.
    static func credentialSealer(keyFile path: String, logger: Logger) throws -> CredentialSealer {
        if !FileManager.default.fileExists(atPath: path) {
            let key = CredentialSealer.newKey().map { String(format: "%02x", $0) }.joined()
            do {
                try SecretFile.write(key + "\n", to: path, exclusive: true)
                logger.notice("first start: device credential key written", metadata: ["file": "\(path)"])
            } catch {
                if !FileManager.default.fileExists(atPath: path) {
                    throw ControllerStartupError("cannot write the device credential key to '\(path)': \(error)")
                }
            }
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ControllerStartupError("cannot read the device credential key '\(path)'")
        }
        let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), let byte = UInt8(hex[index..<next], radix: 16)
        {
            bytes.append(byte)
            index = next
        }
        guard index == hex.endIndex, let sealer = CredentialSealer(key: bytes) else {
            throw ControllerStartupError("'\(path)' is not a device credential key (64 hexadecimal digits); restore it from a backup")
        }
        return sealer
    }

    static func staleTokenFile(_ path: String, db: String) -> ControllerStartupError {
        ControllerStartupError(
            "'\(path)' already exists and '\(db)' is a new database: the file holds the admin token of an earlier "
                + "database and is not overwritten; move or remove it, or serve the database it belongs to")
    }

    /// On a fresh inventory, creates the first admin token and writes it, readable by the owner
    /// alone, to `path`. An existing file there is never overwritten: it holds the admin token of an
    /// earlier database, and the start is refused (no token is stored then). Returns whether it wrote.
    static func writeFirstAdminToken(inventory: any Inventory, db: String, to path: String, logger: Logger) async throws -> Bool {
        let written = try await inventory.createFirstAdminToken { _, secret in
            do {
                try SecretFile.write(secret.text + "\n", to: path, exclusive: true)
            } catch {
                if FileManager.default.fileExists(atPath: path) { throw staleTokenFile(path, db: db) }
                throw ControllerStartupError("cannot write the first admin token to '\(path)': \(error)")
            }
        }
        guard let written else { return false }
        logger.notice("first start: admin token written", metadata: ["file": "\(path)", "token_id": "\(written.id)"])
        return true
    }
}
