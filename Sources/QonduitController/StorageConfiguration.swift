public import QonduitStorage

/// Where the controller keeps its inventory, and how much of its logs.
public struct StorageConfiguration: Sendable {
    /// The SQLite database file, created if missing; `:memory:` for a throwaway inventory.
    public var database: String
    /// Events the log keeps for event streams to resume from.
    public var eventRetention: Int
    /// Entries the audit log keeps.
    public var auditRetention: Int

    public static let defaultDatabase = "qonduit.sqlite"

    public init(
        database: String = StorageConfiguration.defaultDatabase, eventRetention: Int = LogRetention.events,
        auditRetention: Int = LogRetention.audit
    ) {
        self.database = database
        self.eventRetention = eventRetention
        self.auditRetention = auditRetention
    }

    public var isThrowaway: Bool { database == ":memory:" }
}
