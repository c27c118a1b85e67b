/// The event log (changes operators follow) and the audit log (who did what). Both keep the latest
/// entries only, as many as their retention says.
public protocol LogStore: Sendable {
    /// Up to `limit` events after `id`, oldest first.
    func events(after id: Int64, limit: Int) async throws -> [InventoryEvent]
    /// The newest `limit` events about `subject` (a node, link or key path id), oldest first.
    func events(about subject: String, limit: Int) async throws -> [InventoryEvent]
    /// The oldest event still kept (nil when none is) and the id of the latest ever logged (0 when none was).
    func eventLogBounds() async throws -> (oldest: Int64?, latest: Int64)
    /// How many events the log keeps.
    func setEventRetention(_ keep: Int) async throws

    /// Appends `entry` to the audit log.
    func appendAudit(_ entry: AuditEntry) async throws
    /// Appends entries to the audit log, in one transaction.
    func appendAudit(_ entries: [AuditEntry]) async throws
    /// A page of the audit log, newest first.
    func audit(_ filter: AuditFilter, limit: Int, offset: Int) async throws -> Page<AuditEntry>
    /// How many audit entries the log keeps (the latest).
    func setAuditRetention(_ keep: Int) async throws
}

/// How many entries the logs keep unless `serve --event-retention` and `--audit-retention` say otherwise.
public enum LogRetention {
    public static let events = 100_000
    public static let audit = 1_000_000
}
