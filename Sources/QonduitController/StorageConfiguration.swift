public import QonduitStorage

/// Where the controller keeps its inventory, and how much of its logs.
public struct StorageConfiguration: Sendable {
    /// The SQLite database file, created if missing; `:memory:` for a throwaway inventory; or a
    /// PostgreSQL database, `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=…&sslrootcert=…]`.
    public var database: String
    /// Events the log keeps for event streams to resume from.
    public var eventRetention: Int
    /// Entries the audit log keeps.
    public var auditRetention: Int
    /// Where the first start writes the admin token; nil: beside an SQLite database, named after it,
    /// or `qonduit-admin.token` in the working directory for PostgreSQL.
    public var adminTokenFile: String?
    /// Where the key that seals device credentials is kept; nil: beside an SQLite database, named
    /// after it, or `qonduit-device.key` in the working directory for PostgreSQL. Controllers sharing
    /// a database must share it.
    public var deviceKeyFile: String?
    /// The file holding PostgreSQL's password; nil: `PGPASSWORD`, if set.
    public var passwordFile: String?
    /// Where the other controllers reach this one (`serve --advertise-url`); nil: the address it listens on.
    public var advertiseURL: String?
    /// How long the leader lease lasts, how often it is renewed, and the southbound margin.
    public var leaseTiming: Leadership.Timing

    public static let defaultDatabase = "qonduit.sqlite"

    public init(
        database: String = StorageConfiguration.defaultDatabase, eventRetention: Int = LogRetention.events,
        auditRetention: Int = LogRetention.audit, adminTokenFile: String? = nil, deviceKeyFile: String? = nil, passwordFile: String? = nil,
        advertiseURL: String? = nil, leaseTiming: Leadership.Timing = Leadership.Timing()
    ) {
        self.advertiseURL = advertiseURL
        self.leaseTiming = leaseTiming
        self.database = database
        self.eventRetention = eventRetention
        self.auditRetention = auditRetention
        self.adminTokenFile = adminTokenFile
        self.deviceKeyFile = deviceKeyFile
        self.passwordFile = passwordFile
    }

    public var isThrowaway: Bool { database == ":memory:" }
}
