import Foundation
import GRDB
@testable import QonduitInventory
import QonduitCore
import Testing

/// Upgrading a database keeps what it holds.
@Suite struct MigrationTests {
    /// v11 moves the desired entries to rowid tables: every entry, its key path and its uniqueness survive.
    @Test func desiredEntriesSurviveTheirMoveToRowidTables() async throws {
        let path = temporaryDatabasePath()
        let queue = try DatabaseQueue(path: path)
        try InventoryMigrations.migrator.migrate(queue, upTo: "v10: audit log retention")
        let link = QKDUUID("7e1a0000-0000-4000-8000-000000000001")!, byHand = QKDUUID("7e1a0000-0000-4000-8000-000000000002")!
        let app = QKDUUID("a991c000-0000-4000-8000-000000000001")!, path1 = QKDUUID("c0ffee00-0000-4000-8000-000000000001")!
        let stamp = "2026-01-01 00:00:00.000"
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO node (id, name, trusted, status, qkdn_id, created_at, updated_at) VALUES ('a', 'a', 1, 'up', ?, ?, ?)",
                           arguments: [QKDUUID.random().text, stamp, stamp])
            try db.execute(sql: "INSERT INTO node (id, name, trusted, status, qkdn_id, created_at, updated_at) VALUES ('b', 'b', 1, 'up', ?, ?, ?)",
                           arguments: [QKDUUID.random().text, stamp, stamp])
            try db.execute(sql: """
                INSERT INTO key_path (id, source, destination, rate_bps, metric, exclude_nodes, exclude_links, protection, path_count,
                    app_id, state, created_at, updated_at) VALUES (?, 'a', 'b', 10, 'hops', '[]', '[]', 'none', 1, ?, 'active', ?, ?)
                """, arguments: [path1.text, app.text, stamp, stamp])
            try db.execute(sql: "INSERT INTO desired_link (node_id, qkdl_id, entry, key_path_id) VALUES ('a', ?, '<qkd_link/>', ?)", arguments: [link.text, path1.text])
            try db.execute(sql: "INSERT INTO desired_link (node_id, qkdl_id, entry, key_path_id) VALUES ('b', ?, '<by-hand/>', NULL)", arguments: [byHand.text])
            try db.execute(sql: "INSERT INTO desired_app (node_id, app_id, entry, key_path_id) VALUES ('a', ?, '<qkd_app/>', ?)", arguments: [app.text, path1.text])
        }
        try queue.close()

        let inventory = try Inventory(path: path)
        let a = try NodeID("a"), b = try NodeID("b")
        #expect(try await inventory.desiredLinks(of: a).map { "\($0.qkdlID) \($0.entry)" } == ["\(link) <qkd_link/>"])
        #expect(try await inventory.desiredLinks(of: b).map { "\($0.qkdlID) \($0.entry)" } == ["\(byHand) <by-hand/>"])
        #expect(try await inventory.desiredApplications(of: a).map(\.appID) == [app])
        // Still one entry per node and key, replaced in place.
        try await inventory.setDesiredLink(node: b, qkdlID: byHand, entry: "<changed/>")
        #expect(try await inventory.desiredLinks(of: b).map(\.entry) == ["<changed/>"])
        // Still owned by their key path: deleting it takes its entries, and only its.
        _ = try await inventory.deleteKeyPath(path1.text)
        #expect(try await inventory.desiredLinks(of: a).isEmpty)
        #expect(try await inventory.desiredApplications(of: a).isEmpty)
        #expect(try await inventory.desiredLinks(of: b).count == 1)
    }
}
