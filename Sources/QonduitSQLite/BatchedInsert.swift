import GRDB

/// Rows for one table, written with one multi-row `INSERT` per `rowsPerStatement` of them: when a
/// re-route pass writes tens of thousands, a statement per row was mostly the statement's own cost
/// (resetting, binding, observing), not the row's. Values are bound, never spliced into the SQL.
struct BatchedInsert {
    private let head: String
    private let row: String
    private let columnCount: Int
    private let rowsPerStatement: Int
    private let fullStatementSQL: String
    private var values: [DatabaseValue] = []

    /// `head` is `INSERT INTO table (columns…)`; `row` is a row's values, `columnCount` of them
    /// bound (`?`), others SQL of their own (`(?, ?)` for two columns if nil).
    init(_ head: String, row: String? = nil, bound columnCount: Int, rowsPerStatement: Int = 64) {
        self.head = head
        self.row = row ?? "(" + repeatElement("?", count: columnCount).joined(separator: ",") + ")"
        self.columnCount = columnCount
        self.rowsPerStatement = rowsPerStatement
        fullStatementSQL = Self.sql(head, row: self.row, rows: rowsPerStatement)
        values.reserveCapacity(columnCount * rowsPerStatement)
    }

    /// Adds a row (its bound values, in order); writes the rows gathered so far once
    /// there are enough for a statement.
    mutating func add(_ row: DatabaseValue..., db: Database) throws {
        precondition(row.count == columnCount, "a row of \(row.count) values for \(columnCount) columns")
        values += row
        if values.count == columnCount * rowsPerStatement {
            try db.cachedStatement(sql: fullStatementSQL).execute(arguments: StatementArguments(values))
            values.removeAll(keepingCapacity: true)
        }
    }

    /// Writes the rows not written yet.
    mutating func flush(_ db: Database) throws {
        guard !values.isEmpty else { return }
        try db.cachedStatement(sql: Self.sql(head, row: row, rows: values.count / columnCount))
            .execute(arguments: StatementArguments(values))
        values.removeAll(keepingCapacity: true)
    }

    private static func sql(_ head: String, row: String, rows: Int) -> String {
        head + " VALUES " + repeatElement(row, count: rows).joined(separator: ",")
    }
}
