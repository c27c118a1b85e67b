import Foundation
import GRDB
import QonduitCore
import QonduitStorage
import Testing

@testable import QonduitSQLite

/// Every event is logged by the code that makes the change, in its transaction; no trigger writes one.
@Suite struct EventsFromSwiftTests {
    let a = QKDUUID.random(), b = QKDUUID.random(), l = QKDUUID.random()

    func statusEvents(_ inventory: SQLiteInventory, after id: Int64) async throws -> [String] {
        try await inventory.events(after: id, limit: 100).filter { $0.kind == .nodeStatus || $0.kind == .linkStatus }.map {
            "\($0.kind.rawValue) \($0.subject) \($0.data)"
        }
    }

    @Test func noTriggerWritesAnEvent() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let triggers = try await inventory.database.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger'")
        }
        #expect(!triggers.contains { $0.uppercased().contains("INSERT INTO EVENT") }, "\(triggers)")
    }
}
