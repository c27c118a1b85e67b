import Foundation
import GRDB
import QonduitCore
public import QonduitStorage

extension SQLiteInventory {
    /// Up to `limit` events after `id`, oldest first.
    public func events(after id: Int64, limit: Int) async throws -> [InventoryEvent] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, time, kind, subject, data FROM event WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [id, limit]
            ).map { try InventoryEvent(row: $0) }
        }
    }

    /// The newest `limit` events about `subject` (a node, link or key path id), oldest first.
    public func events(about subject: String, limit: Int) async throws -> [InventoryEvent] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM (SELECT id, time, kind, subject, data FROM event WHERE subject = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
                arguments: [subject, limit]
            ).map { try InventoryEvent(row: $0) }
        }
    }

    /// The oldest event still kept (nil when none is) and the id of the latest ever logged (0 when none was).
    public func eventLogBounds() async throws -> (oldest: Int64?, latest: Int64) {
        try await database.read { db in
            let oldest = try Int64.fetchOne(db, sql: "SELECT min(id) FROM event")
            let latest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'event'") ?? 0
            return (oldest, latest)
        }
    }

    /// How many events the log keeps.
    public func setEventRetention(_ keep: Int) async throws {
        precondition(keep >= 1, "the event log keeps at least one event")
        try await write { db in
            try RetainedLog.event.setRetention(keep, db)
        }
    }

    /// Logs an event in the transaction of the change it reports; `data` are the detail fields, each
    /// value a JSON text (nil: left out). Every event is logged from Swift: no trigger writes one.
    static func logEvent(_ kind: EventKind, subject: String, data: [(String, String?)], _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO event (time, kind, subject, data) VALUES (\(nowSQL), ?, ?, ?)
                """
        ).execute(arguments: [kind.rawValue, subject, JSONText.object(data)])
    }
}

extension SQLiteInventory {
    /// Logs a node's or link's status in force changing (nothing when it does not).
    static func logStatusChange(of node: NodeID, from old: NodeStatus, to new: NodeStatus, _ db: Database) throws {
        try logStatusChange(.nodeStatus, field: "node", subject: node.rawValue, from: old.rawValue, to: new.rawValue, db)
    }

    static func logStatusChange(of link: LinkID, from old: LinkStatus, to new: LinkStatus, _ db: Database) throws {
        try logStatusChange(.linkStatus, field: "link", subject: link.rawValue, from: old.rawValue, to: new.rawValue, db)
    }

    private static func logStatusChange(_ kind: EventKind, field: String, subject: String, from old: String, to new: String, _ db: Database) throws {
        guard old != new else { return }
        try logEvent(
            kind, subject: subject, data: [(field, JSONText.string(subject)), ("from", JSONText.string(old)), ("to", JSONText.string(new))], db)
    }
}

extension InventoryEvent {
    init(row: Row) throws {
        let kind: String = row["kind"]
        guard let known = EventKind(rawValue: kind) else { throw StorageError.corrupt("event \(row["id"] ?? "?") has an unknown kind '\(kind)'") }
        self.init(id: row["id"], time: row["time"], kind: known, subject: row["subject"], data: row["data"])
    }
}
