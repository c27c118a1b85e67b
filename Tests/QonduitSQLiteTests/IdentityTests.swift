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

    @Test func everyNodeAndLinkGetsAnIdentityThatStays() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        try await twoNodes(inventory)
        let a = try await inventory.node("a").value.qkdnID
        let b = try await inventory.node("b").value.qkdnID
        #expect(a != nil && b?.text == "6f1c2a1e-0000-4000-8000-0000000000bb")
        let link = try await inventory.link("ab").value.qkdlID
        #expect(link != nil)
        // Changing other fields, or re-importing a file without identities, keeps them.
        _ = try await inventory.updateNode("a") { $0.name = "Alpha" }
        #expect(try await inventory.node("a").value.qkdnID == a)
        let file = Topology(
            nodes: [QKDNode(id: try NodeID("a"), name: "A2"), QKDNode(id: try NodeID("b"))],
            links: [QKDLink(id: try LinkID("ab"), nodeA: try NodeID("a"), nodeB: try NodeID("b"), lengthKm: 2, keyRateBps: 1)])
        let xml = TopologyWriter.write(file, as: .qonduit)
        _ = try await inventory.importTopology(try TopologyReader.draft(Array(xml.utf8), file: "t.xml"), file: "t.xml", mode: .merge)
        let (aAfter, linkAfter) = (try await inventory.node("a").value.qkdnID, try await inventory.link("ab").value.qkdlID)
        #expect(aAfter == a && linkAfter == link)
        #expect(try await inventory.node("a").value.name == "A2")
    }

    @Test func anIdentityBelongsToOneNode() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        try await twoNodes(inventory)
        let taken = try #require(QKDUUID("6f1c2a1e-0000-4000-8000-0000000000bb"))
        await #expect(throws: InventoryError.identityInUse(taken, holder: "b")) {
            try await inventory.createNode(QKDNode(id: try NodeID("c"), qkdnID: taken))
        }
        await #expect(throws: InventoryError.identityInUse(taken, holder: "b")) {
            try await inventory.updateNode("a") { $0.qkdnID = taken }
        }
        let file = Topology(nodes: [QKDNode(id: try NodeID("c"), qkdnID: taken)], links: [])
        await #expect(throws: InventoryError.identityInUse(taken, holder: "b")) {
            try await inventory.importTopology(
                try TopologyReader.draft(Array(TopologyWriter.write(file, as: .qonduit).utf8), file: "t.xml"), file: "t.xml", mode: .merge)
        }
        // Replacing b by c in one import moves the identity with no conflict.
        _ = try await inventory.importTopology(
            try TopologyReader.draft(Array(TopologyWriter.write(file, as: .qonduit).utf8), file: "t.xml"), file: "t.xml", mode: .replace)
        #expect(try await inventory.node("c").value.qkdnID == taken)

        // Two nodes may swap identities in one import.
        let (first, second) = (QKDUUID.random(), QKDUUID.random())
        let pair = { (x: QKDUUID, y: QKDUUID) in
            Topology(nodes: [QKDNode(id: try NodeID("x"), qkdnID: x), QKDNode(id: try NodeID("y"), qkdnID: y)], links: [])
        }
        for (x, y) in [(first, second), (second, first)] {
            _ = try await inventory.importTopology(
                try TopologyReader.draft(Array(TopologyWriter.write(try pair(x, y), as: .qonduit).utf8), file: "t.xml"), file: "t.xml", mode: .replace
            )
        }
        let (x, y) = (try await inventory.node("x").value.qkdnID, try await inventory.node("y").value.qkdnID)
        #expect(x == second && y == first)
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
        await #expect(throws: InventoryError.self, "foreign keys still hold after the rebuild") {
            try await inventory.deleteNode("a", cascade: false)
        }
    }
}
