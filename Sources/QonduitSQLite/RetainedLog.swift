import GRDB

/// A log table that keeps only its latest rows (`serve --event-retention`, `--audit-retention`):
/// a one-row `<log>_retention` table holds the bound, and each write transaction that may have
/// logged something trims older rows before it commits (since v14; a trigger per row did before).
enum RetainedLog: String {
    case event, audit

    /// The bound and its trigger, as the migrations of v7 and v10 made them for a log table with an
    /// `id` in insertion order (v14 drops the trigger).
    func createRetention(keeping keep: Int, _ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE \(rawValue)_retention (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    keep INTEGER NOT NULL CHECK (keep >= 1)
                ) STRICT
                """)
        try db.execute(sql: "INSERT INTO \(rawValue)_retention (singleton, keep) VALUES (1, ?)", arguments: [keep])
        try db.execute(
            sql: """
                CREATE TRIGGER \(rawValue)_retained AFTER INSERT ON \(rawValue) BEGIN
                    DELETE FROM \(rawValue) WHERE id <= NEW.id - (SELECT keep FROM \(rawValue)_retention);
                END
                """)
    }

    /// Drops the rows beyond the bound: one look at the newest id and one range of the table's key.
    func trim(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                DELETE FROM \(rawValue) WHERE id <= (SELECT max(id) FROM \(rawValue)) - (SELECT keep FROM \(rawValue)_retention)
                """
        ).execute()
    }

    /// Keeps the latest `keep` rows from now on, dropping older ones at once.
    func setRetention(_ keep: Int, _ db: Database) throws {
        try db.execute(sql: "UPDATE \(rawValue)_retention SET keep = ?", arguments: [keep])
        try db.execute(sql: "DELETE FROM \(rawValue) WHERE id <= (SELECT max(id) FROM \(rawValue)) - ?", arguments: [keep])
    }
}
