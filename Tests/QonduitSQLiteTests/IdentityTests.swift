import Foundation
import GRDB
import QonduitCore
import QonduitStorage
import QonduitTopology
import Testing

@testable import QonduitSQLite

/// GS QKD 015 identities (`qkdn_id`, `qkdl_id`) in the inventory.
@Suite struct IdentityTests {
    func twoNodes(_ inventory: SQLiteInventory) async throws {
        _ = try await inventory.createNode(QKDNode(id: try NodeID("a")))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("b"), qkdnID: QKDUUID("6f1c2a1e-0000-4000-8000-0000000000bb")))
        _ = try await inventory.createLink(QKDLink(id: try LinkID("ab"), nodeA: try NodeID("a"), nodeB: try NodeID("b"), lengthKm: 1, keyRateBps: 1))
    }

    @Test func upgradingAVersion1DatabaseAssignsIdentities() async throws {
        let path = temporaryDatabasePath()
        let queue = try DatabaseQueue(path: path)
        try InventoryMigrations.migrator.migrate(queue, upTo: "v1: nodes and links")
        try await queue.write { db in
            try db.execute(
                sql:
                    "INSERT INTO node (id, name, trusted, status, created_at, updated_at) VALUES ('a', 'a', 1, 'up', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')"
            )
            try db.execute(
                sql:
                    "INSERT INTO node (id, name, trusted, status, created_at, updated_at) VALUES ('b', 'b', 1, 'up', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')"
            )
            try db.execute(
                sql:
                    "INSERT INTO link (id, node_a, node_b, length_km, key_rate_bps, status, created_at, updated_at) VALUES ('ab', 'a', 'b', 1, 1, 'up', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')"
            )
        }
        try queue.close()
        let inventory = try SQLiteInventory(path: path)
        let (nodes, links) = try await inventory.topology()
        #expect(nodes.count == 2 && links.count == 1)
        let identities = nodes.compactMap(\.value.qkdnID) + links.compactMap(\.value.qkdlID)
        #expect(identities.count == 3 && Set(identities).count == 3)
        #expect(identities.allSatisfy { QKDUUID($0.text) == $0 && Array($0.text)[14] == "4" })
        await #expect(throws: NetworkError.self, "foreign keys still hold after the rebuild") {
            try await inventory.deleteNode("a", cascade: false)
        }
    }
}
