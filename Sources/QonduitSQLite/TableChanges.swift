import Foundation
import GRDB
import QonduitStorage
import Synchronization

/// Counts the committed transactions that may have changed each watched table (or, for a table
/// watched by some columns, inserted, deleted, or updated one of those columns), foreign key actions
/// included. What is read from those tables can then be kept until the count moves (see
/// `TableCache`): an exact invalidation, where a time limit would serve stale values meanwhile.
///
/// SQLite reports no row changes of `WITHOUT ROWID` tables (such as ours) to observers: a statement
/// counts when it is about to run and may change the table (GRDB asks `observes(eventsOfKind:)` then,
/// from what SQLite's authorizer saw it do). One that matched no row counts too, which is harmless.
final class TableChanges: TransactionObserver, Sendable {
    /// Watched tables, each with the columns whose updates count; nil: every update counts.
    private let watched: [String: Set<String>?]
    private struct State {
        var counts: [String: Int] = [:]
        /// Tables the transaction under way may have changed.
        var changing: Set<String> = []
    }
    private let state = Mutex(State())

    init(watching watched: [String: Set<String>?]) {
        self.watched = Dictionary(
            uniqueKeysWithValues: watched.map { table, columns in
                (Self.folded(table), columns.map { Set($0.map(Self.folded)) })
            })
    }

    /// How many committed transactions changed `table` so far.
    func count(of table: String) -> Int {
        state.withLock { $0.counts[table, default: 0] }
    }

    /// SQL names are compared without case. Asked before every statement a write runs (tens of
    /// thousands in a re-route pass): no string is made unless a name has capitals, which ours do not.
    fileprivate static func folded(_ name: String) -> String {
        name.utf8.contains(where: { (65...90).contains($0) }) ? name.lowercased() : name
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        let table = Self.folded(eventKind.tableName)
        guard let columns = watched[table] else { return false }
        if case .update(_, let updated) = eventKind, let columns, !updated.contains(where: { columns.contains(Self.folded($0)) }) {
            return false
        }
        state.withLock { _ = $0.changing.insert(table) }
        // Row events would never come (see above): none is asked for.
        return false
    }

    func databaseDidChange(with event: DatabaseEvent) {}

    func databaseDidCommit(_ db: Database) {
        state.withLock { state in
            for table in state.changing { state.counts[table, default: 0] += 1 }
            state.changing = []
        }
    }

    func databaseDidRollback(_ db: Database) {
        state.withLock { $0.changing = [] }
    }
}

/// Values read from some tables, kept until a committed transaction may have changed one of them (see
/// `TableChanges`), or until the time the read said they stop holding. Bounded: past `capacity`
/// entries it starts again.
final class TableCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let changes: TableChanges
    private let tables: [String]
    private let capacity: Int
    private let clock: any WallClock
    private struct Entries {
        var generation = 0
        var values: [Key: (value: Value, until: Date?)] = [:]
    }
    private let entries = Mutex(Entries())

    /// `tables`: what the values are read from, each watched by `changes`; `clock` tells when a value
    /// read with a time limit stops holding.
    init(_ tables: String..., changes: TableChanges, clock: any WallClock, capacity: Int = 10_000) {
        self.tables = tables.map(TableChanges.folded)
        self.changes = changes
        self.clock = clock
        self.capacity = capacity
    }

    /// The value kept for `key`, or the one `read` returns (with how long it holds at most; nil:
    /// until the table changes), which is then kept.
    func value(for key: Key, read: () async throws -> (value: Value, validFor: Duration?)) async rethrows -> Value {
        // Taken before reading: a change committed after it makes what is read now stale, and moves the count.
        let generation = tables.reduce(0) { $0 + changes.count(of: $1) }
        let now = clock.now
        let kept = entries.withLock { entries -> Value? in
            guard entries.generation == generation, let entry = entries.values[key] else { return nil }
            return entry.until.map { $0 > now } ?? true ? entry.value : nil
        }
        if let kept { return kept }
        let (value, validFor) = try await read()
        entries.withLock { entries in
            guard entries.generation <= generation else { return }
            if entries.generation < generation || entries.values.count >= capacity {
                entries = Entries(generation: generation)
            }
            entries.values[key] = (
                value, validFor.map { now.addingTimeInterval(Double($0.components.seconds) + Double($0.components.attoseconds) * 1e-18) }
            )
        }
        return value
    }
}
