import GRDB

/// Rows for one table, written with one multi-row `INSERT` per `rowsPerStatement` of them: when a
/// re-route pass writes tens of thousands, a statement per row was mostly the statement's own cost
/// (resetting, binding, observing), not the row's. Values are bound, never spliced into the SQL.
struct BatchedInsert {
    private let head: String
    private let columnCount: Int
    private let rowsPerStatement: Int
    private let fullStatementSQL: String
    private var values: [DatabaseValue] = []

    /// `head` is `INSERT INTO table (columns…)`, with `columnCount` columns.
    init(_ head: String, columns columnCount: Int, rowsPerStatement: Int = 64) {
        self.head = head
        self.columnCount = columnCount
        self.rowsPerStatement = rowsPerStatement
        fullStatementSQL = Self.sql(head, columns: columnCount, rows: rowsPerStatement)
        values.reserveCapacity(columnCount * rowsPerStatement)
    }

    /// Adds a row (`columnCount` values, in the columns' order); writes the rows gathered so far once
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
        try db.cachedStatement(sql: Self.sql(head, columns: columnCount, rows: values.count / columnCount))
            .execute(arguments: StatementArguments(values))
        values.removeAll(keepingCapacity: true)
    }

    private static func sql(_ head: String, columns: Int, rows: Int) -> String {
        let row = "(" + repeatElement("?", count: columns).joined(separator: ",") + ")"
        return head + " VALUES " + repeatElement(row, count: rows).joined(separator: ",")
    }
}
