import PostgresNIO
import QonduitCore
public import QonduitStorage

/// The event log and the audit log.
extension PostgresInventory {
    /// Now, as the logs write times (UTC, ISO 8601 with milliseconds, as SQLite's do), in SQL.
    static let nowText = #"to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#

    public func events(after id: Int64, limit: Int) async throws -> [InventoryEvent] {
        try await read { session in
            try await session.rows("SELECT id, time, kind, subject, data FROM event WHERE id > \(id) ORDER BY id LIMIT \(limit)")
                .map(Self.event)
        }
    }

    public func events(about subject: String, limit: Int) async throws -> [InventoryEvent] {
        try await read { session in
            try await session.rows(
                """
                SELECT * FROM (SELECT id, time, kind, subject, data FROM event WHERE subject = \(subject) ORDER BY id DESC LIMIT \(limit)) e
                ORDER BY id
                """
            ).map(Self.event)
        }
    }

    /// The newest event is never trimmed (a log keeps at least one), so the latest id is the largest kept.
    public func eventLogBounds() async throws -> (oldest: Int64?, latest: Int64) {
        try await read { session in
            let row = try await session.row("SELECT min(id), max(id) FROM event")
            return (try row?[0].decode(Int64?.self), try row?[1].decode(Int64?.self) ?? 0)
        }
    }

    public func setEventRetention(_ keep: Int) async throws {
        precondition(keep >= 1, "the event log keeps at least one event")
        try await write { session in
            try await session.execute("UPDATE event_retention SET keep = \(keep)")
            try await Self.trimEvents(session)
        }
    }

    /// Drops the events beyond the bound: one look at the newest id and one range of the table's key.
    static func trimEvents(_ session: PostgresSession) async throws {
        try await session.execute(
            "DELETE FROM event WHERE id <= (SELECT max(id) FROM event) - (SELECT keep FROM event_retention)")
    }

    /// Logs an event in the transaction of the change it reports; `data` are the detail fields, each
    /// value a JSON text (nil: left out).
    static func logEvent(_ kind: EventKind, subject: String, data: [(String, String?)], _ session: PostgresSession) async throws {
        try await session.execute(
            """
            INSERT INTO event (time, kind, subject, data) VALUES (\(unescaped: nowText), \(kind.rawValue), \(subject), \(JSONText.object(data)))
            """)
    }

    /// Logs events with one statement however many, in order.
    static func logEvents(_ kind: EventKind, _ events: [(subject: String, data: String)], _ session: PostgresSession) async throws {
        guard !events.isEmpty else { return }
        try await session.execute(
            """
            INSERT INTO event (time, kind, subject, data)
            SELECT \(unescaped: nowText), \(kind.rawValue), e.subject, e.data
            FROM unnest(\(events.map(\.subject))::text[], \(events.map(\.data))::text[]) WITH ORDINALITY AS e(subject, data, n) ORDER BY e.n
            """)
    }

    static func log(_ change: StatusChange, _ session: PostgresSession) async throws {
        try await logEvent(change.kind, subject: change.subject, data: change.eventData, session)
    }

    private static func event(_ row: PostgresRandomAccessRow) throws -> InventoryEvent {
        let kind: String = try row.get("kind")
        let id: Int64 = try row.get("id")
        guard let known = EventKind(rawValue: kind) else { throw StorageError.corrupt("event \(id) has an unknown kind '\(kind)'") }
        return InventoryEvent(id: id, time: try row.get("time"), kind: known, subject: try row.get("subject"), data: try row.get("data"))
    }

    // MARK: Audit

    public func setAuditRetention(_ keep: Int) async throws {
        precondition(keep >= 1, "the audit log keeps at least one entry")
        try await writeSayingChange { session in
            try await session.execute("UPDATE audit_retention SET keep = \(keep)")
            try await Self.trimAudit(session)
            return ((), changed: false)
        }
    }

    /// Appends `entry` to the audit log; entries that arrive together share one transaction.
    public func appendAudit(_ entry: AuditEntry) async throws {
        try await auditQueue.submit(entry) { [self] (entries: [AuditEntry]) in
            try await appendAudit(entries)
            return entries.map { _ in .success(()) }
        }
    }

    public func appendAudit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        // The log is no state anything derives from: it does not move the inventory's revision.
        try await writeSayingChange { session in
            try await Self.insertAudit(entries, session)
            return ((), changed: false)
        }
    }

    /// Appends entries to the audit log in the transaction of `session` (the change they record, say).
    static func insertAudit(_ entries: [AuditEntry], _ session: PostgresSession) async throws {
        guard !entries.isEmpty else { return }
        for entry in entries {
            try await session.execute(
                """
                INSERT INTO audit (time, actor, role, action, target, status, outcome, detail)
                VALUES (\(unescaped: nowText), \(entry.actor), \(entry.role), \(entry.action), \(entry.target), \(entry.status),
                    \(entry.outcome.rawValue), \(entry.detail))
                """)
        }
        try await trimAudit(session)
    }

    private static func trimAudit(_ session: PostgresSession) async throws {
        try await session.execute("DELETE FROM audit WHERE id <= (SELECT max(id) FROM audit) - (SELECT keep FROM audit_retention)")
    }

    public func audit(_ filter: AuditFilter, limit: Int, offset: Int) async throws -> Page<AuditEntry> {
        try await read { session in
            let condition: PostgresQuery = """
                (\(filter.actor)::text IS NULL OR actor = \(filter.actor))
                AND (\(filter.outcome?.rawValue)::text IS NULL OR outcome = \(filter.outcome?.rawValue))
                AND (\(filter.actionPrefix)::text IS NULL OR starts_with(action, \(filter.actionPrefix)))
                AND (\(filter.since)::text IS NULL OR time >= \(filter.since)) AND (\(filter.until)::text IS NULL OR time < \(filter.until))
                """
            let count = condition.binds.count
            var page = PostgresQuery(
                unsafeSQL: "SELECT * FROM audit WHERE \(condition.sql) ORDER BY id DESC LIMIT $\(count + 1) OFFSET $\(count + 2)",
                binds: condition.binds)
            page.binds.append(limit)
            page.binds.append(offset)
            let rows = try await session.rows(page)
            let total =
                try await session.value(
                    PostgresQuery(unsafeSQL: "SELECT count(*) FROM audit WHERE \(condition.sql)", binds: condition.binds), as: Int.self) ?? 0
            return Page(
                items: try rows.map { row in
                    let id: Int64 = try row.get("id")
                    guard let outcome = AuditEntry.Outcome(rawValue: try row.get("outcome")) else { throw StorageError.corrupt("audit \(id)") }
                    return AuditEntry(
                        id: id, time: try row.get("time"), actor: try row.get("actor"), role: try row.get("role"), action: try row.get("action"),
                        target: try row.get("target"), status: try row.get("status"), outcome: outcome, detail: try row.get("detail"))
                }, total: total)
        }
    }
}
