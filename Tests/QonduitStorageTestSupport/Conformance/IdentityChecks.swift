import Foundation
import QonduitCore
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Testing

/// GS QKD 015 identities (`qkdn_id`, `qkdl_id`) in the inventory.
struct IdentityChecks {
    let storage: StorageUnderTest

    func twoNodes(_ inventory: any Inventory) async throws {
        _ = try await inventory.createNode(QKDNode(id: try NodeID("a")))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("b"), qkdnID: QKDUUID("6f1c2a1e-0000-4000-8000-0000000000bb")))
        _ = try await inventory.createLink(QKDLink(id: try LinkID("ab"), nodeA: try NodeID("a"), nodeB: try NodeID("b"), lengthKm: 1, keyRateBps: 1))
    }

    func everyNodeAndLinkGetsAnIdentityThatStays() async throws {
        let inventory = try await storage.store()
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

    func anIdentityBelongsToOneNode() async throws {
        let inventory = try await storage.store()
        try await twoNodes(inventory)
        let taken = try #require(QKDUUID("6f1c2a1e-0000-4000-8000-0000000000bb"))
        await #expect(throws: NetworkError.identityInUse(taken, holder: "b")) {
            try await inventory.createNode(QKDNode(id: try NodeID("c"), qkdnID: taken))
        }
        await #expect(throws: NetworkError.identityInUse(taken, holder: "b")) {
            try await inventory.updateNode("a") { $0.qkdnID = taken }
        }
        let file = Topology(nodes: [QKDNode(id: try NodeID("c"), qkdnID: taken)], links: [])
        await #expect(throws: NetworkError.identityInUse(taken, holder: "b")) {
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

    static let checks: [StorageCheck] = [
        StorageCheck("everyNodeAndLinkGetsAnIdentityThatStays") { try await Self(storage: $0).everyNodeAndLinkGetsAnIdentityThatStays() },
        StorageCheck("anIdentityBelongsToOneNode") { try await Self(storage: $0).anIdentityBelongsToOneNode() },
    ]
}
