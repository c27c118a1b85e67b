import GRDB

/// A log table that keeps only its latest rows (`serve --event-retention`, `--audit-retention`):
/// a one-row `<log>_retention` table holds the bound, and a trigger drops older rows as new ones come.
enum RetainedLog: String {
    case event, audit

    /// The bound and its trigger, as a migration makes them for a log table with an `id` in insertion order.
    func createRetention(keeping keep: Int, _ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE \(rawValue)_retention (
                singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                keep INTEGER NOT NULL CHECK (keep >= 1)
            ) STRICT
            """)
        try db.execute(sql: "INSERT INTO \(rawValue)_retention (singleton, keep) VALUES (1, ?)", arguments: [keep])
        try db.execute(sql: """
            CREATE TRIGGER \(rawValue)_retained AFTER INSERT ON \(rawValue) BEGIN
                DELETE FROM \(rawValue) WHERE id <= NEW.id - (SELECT keep FROM \(rawValue)_retention);
            END
            """)
    }

    /// Keeps the latest `keep` rows from now on, dropping older ones at once.
    func setRetention(_ keep: Int, _ db: Database) throws {
        try db.execute(sql: "UPDATE \(rawValue)_retention SET keep = ?", arguments: [keep])
        try db.execute(sql: "DELETE FROM \(rawValue) WHERE id <= (SELECT max(id) FROM \(rawValue)) - ?", arguments: [keep])
    }
}
