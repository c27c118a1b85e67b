import Foundation
import GRDB
import QonduitCore
import QonduitStorage
import QonduitStorageTestSupport
import Testing

@testable import QonduitSQLite

/// Upgrading a database keeps what it holds.
@Suite struct MigrationTests {
    /// Nodes, in the columns the schema versions these tests start from have.
    func insertNodes(_ ids: [String], stamp: String, _ db: Database) throws {
        for node in ids {
            try db.execute(
                sql: "INSERT INTO node (id, name, trusted, status, qkdn_id, created_at, updated_at) VALUES (?, ?, 1, 'up', ?, ?, ?)",
                arguments: [node, node, QKDUUID.random().text, stamp, stamp])
        }
    }

    /// v11 moves the desired entries to rowid tables, v13 keeps in them only the entries set by hand
    /// (a key path's configuration follows from its routes since), and records the routes a re-route
    /// in progress is retiring, whose virtual links were still desired. v14 moves reservations under
    /// their key path and has state changes logged without a trigger; v16 keys them by link.
    @Test func desiredEntriesBecomeDerivedAndRetiringRoutesAreKept() async throws {
        let path = temporaryDatabasePath()
        let queue = try DatabaseQueue(path: path)
        try InventoryMigrations.migrator.migrate(queue, upTo: "v10: audit log retention")
        let route = QKDUUID("7e1a0000-0000-4000-8000-000000000001")!
        let byHand = QKDUUID("7e1a0000-0000-4000-8000-000000000002")!
        let retiring = QKDUUID("7e1a0000-0000-4000-8000-000000000003")!
        let app = QKDUUID("a991c000-0000-4000-8000-000000000001")!
        let path1 = QKDUUID("c0ffee00-0000-4000-8000-000000000001")!
        let stamp = "2026-01-01 00:00:00.000"
        try await queue.write { db in
            try insertNodes(["a", "b"], stamp: stamp, db)
            try db.execute(
                sql: """
                    INSERT INTO link (id, node_a, node_b, length_km, key_rate_bps, status, created_at, updated_at, reserved_bps)
                    VALUES ('ab', 'a', 'b', 10, 1000, 'up', ?, ?, 10)
                    """, arguments: [stamp, stamp])
            try db.execute(
                sql: """
                    INSERT INTO key_path (id, source, destination, rate_bps, metric, exclude_nodes, exclude_links, protection, path_count,
                        server_app_id, app_id, state, created_at, updated_at)
                    VALUES (?, 'a', 'b', 10, 'hops', '[]', '[]', 'none', 1, 'urn:app:server', ?, 'pending', ?, ?)
                    """, arguments: [path1.text, app.text, stamp, stamp])
            try db.execute(
                sql: """
                    INSERT INTO key_path_route (key_path_id, position, role, rate_bps, nodes, links, qkdl_id)
                    VALUES (?, 0, 'primary', 10, '["a","b"]', '["ab"]', ?)
                    """, arguments: [path1.text, route.text])
            try db.execute(sql: "INSERT INTO reservation (key_path_id, position, link_id, rate_bps) VALUES (?, 0, 'ab', 10)", arguments: [path1.text])
            for (node, qkdl) in [("a", route), ("b", route), ("a", retiring), ("b", retiring)] {
                try db.execute(
                    sql: "INSERT INTO desired_link (node_id, qkdl_id, entry, key_path_id) VALUES (?, ?, '<qkd_link/>', ?)",
                    arguments: [node, qkdl.text, path1.text])
            }
            try db.execute(
                sql: "INSERT INTO desired_link (node_id, qkdl_id, entry, key_path_id) VALUES ('b', ?, '<by-hand/>', NULL)", arguments: [byHand.text])
            try db.execute(
                sql: "INSERT INTO desired_app (node_id, app_id, entry, key_path_id) VALUES ('a', ?, '<qkd_app/>', ?)",
                arguments: [app.text, path1.text])
        }
        try queue.close()

        let inventory = try SQLiteInventory(path: path)
        let a = try NodeID("a")
        let b = try NodeID("b")
        let ab = try LinkID("ab")
        #expect(try await inventory.reservedBps() == [ab: 10], "the reservation is kept")
        // The key path's entries are no longer stored: they follow from its route.
        #expect(try await inventory.desiredLinks(of: a).isEmpty)
        #expect(try await inventory.desiredApplications(of: a).isEmpty)
        #expect(try await inventory.desiredLinks(of: b).map { "\($0.qkdlID) \($0.entry)" } == ["\(byHand) <by-hand/>"])
        // Still one entry per node and key, replaced in place.
        try await inventory.setDesiredLink(node: b, qkdlID: byHand, entry: "<changed/>")
        #expect(try await inventory.desiredLinks(of: b).map(\.entry) == ["<changed/>"])
        // The path is still being configured: its route, its application and the route it retires are left to provisioning.
        for node in [a, b] {
            let through = try await inventory.holding(at: node)
            #expect(through.desired.isEmpty)
            #expect(through.inProgress == [route, app, retiring])
        }
        let logged = try await inventory.eventLogBounds().latest
        try await inventory.activate([path1])
        let activation = try await inventory.events(after: logged, limit: 10).map { "\($0.kind.rawValue) \($0.subject) \($0.data)" }
        #expect(activation == [#"key_path.state \#(path1.text) {"key_path":"\#(path1.text)","from":"pending","to":"active","reason":null}"#])
        let settled = try await inventory.holding(at: a)
        #expect(settled.desired.map(\.id) == [path1] && settled.inProgress.isEmpty)
        #expect(try await inventory.keyPathsTouching(a).qkdnIDs.count == 2)
        // Deleting the key path leaves the entries set by hand.
        try await inventory.withKeyPathLedger { ledger in try await ledger.remove(Array(try await ledger.keyPaths([path1]).values)) }
        #expect(try await inventory.holding(at: a).desired.isEmpty)
        #expect(try await inventory.reservedBps().isEmpty, "its reservation went with it")
        #expect(try await inventory.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM reservation") } == 0)
        #expect(try await inventory.desiredLinks(of: b).count == 1)
    }

    /// v25 holds down the links already down with a rate: who set them down was not recorded.
    @Test func linksAlreadyDownAreHeldDown() async throws {
        let path = temporaryDatabasePath()
        let queue = try DatabaseQueue(path: path)
        try InventoryMigrations.migrator.migrate(queue, upTo: "v24: console sessions")
        let stamp = "2026-01-01 00:00:00.000"
        try await queue.write { db in
            try insertNodes(["a", "b"], stamp: stamp, db)
            for (id, status, rate) in [("maintained", "down", 1000), ("unreached", "down", 0), ("working", "up", 1000)] {
                try db.execute(
                    sql: """
                        INSERT INTO link (id, node_a, node_b, length_km, key_rate_bps, status, nominal_key_rate_bps, admin_status,
                            qkdl_id, created_at, updated_at)
                        VALUES (?, 'a', 'b', 10, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [id, rate, status, rate, status, QKDUUID.random().text, stamp, stamp])
            }
        }
        try queue.close()
        let inventory = try SQLiteInventory(path: path)
        let held = try await inventory.database.read { db in try String.fetchAll(db, sql: "SELECT id FROM link WHERE held_down = 1") }
        #expect(held == ["maintained"])
    }
}
