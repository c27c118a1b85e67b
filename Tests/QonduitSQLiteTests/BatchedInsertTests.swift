import GRDB
import QonduitStorage
import Testing

@testable import QonduitSQLite

@Suite struct BatchedInsertTests {
    /// Full statements and the remainder alike write every row, in order, with its values as bound
    /// (text that looks like SQL stays text) beside the row's own SQL, and nothing is written before a
    /// statement is full.
    @Test func writesEveryRowWhateverTheBatchBoundary() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (n INTEGER NOT NULL, label TEXT NOT NULL, rate REAL, kind TEXT NOT NULL) STRICT")
            for count in [0, 1, 3, 4, 10] {
                try db.execute(sql: "DELETE FROM t")
                var rows = BatchedInsert("INSERT INTO t (n, label, rate, kind)", row: "(?, ?, ?, 'fixed')", bound: 3, rowsPerStatement: 4)
                for n in 0..<count {
                    try rows.add(
                        n.databaseValue, "row '\(n)'); DROP TABLE t; --".databaseValue, (n.isMultiple(of: 2) ? Double(n) / 3 : nil).databaseValue,
                        db: db)
                    #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == (n + 1) / 4 * 4, "before the flush, only full statements")
                }
                try rows.flush(db)
                let written = try Row.fetchAll(db, sql: "SELECT n, label, rate, kind FROM t ORDER BY rowid")
                #expect(written.allSatisfy { $0[3] as String == "fixed" }, "values of the row's own SQL")
                #expect(written.map { $0[0] as Int } == Array(0..<count))
                #expect(written.map { $0[1] as String } == (0..<count).map { "row '\($0)'); DROP TABLE t; --" })
                #expect(written.map { $0[2] as Double? } == (0..<count).map { $0.isMultiple(of: 2) ? Double($0) / 3 : nil })
            }
        }
    }
}
