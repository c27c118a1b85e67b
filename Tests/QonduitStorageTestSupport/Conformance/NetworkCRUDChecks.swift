import Foundation
import QonduitCore
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Testing

func node(_ id: String, name: String? = nil) -> QKDNode { QKDNode(id: try! NodeID(id), name: name) }

func link(_ id: String, _ a: String, _ b: String, km: Double = 10, rate: Double = 1000) -> QKDLink {
    QKDLink(id: try! LinkID(id), nodeA: try! NodeID(a), nodeB: try! NodeID(b), lengthKm: km, keyRateBps: rate)
}

struct NetworkCRUDChecks {
    let storage: StorageUnderTest

    func createReadUpdateDeleteNodes() async throws {
        let inventory = try await storage.store()
        let created = try await inventory.createNode(node("A", name: "Alice"))
        #expect(created.value.name == "Alice")
        let updated = try await inventory.updateNode("A") {
            $0.name = "Alice 2"
            $0.site = "Lab"
        }
        #expect(updated.value.name == "Alice 2" && updated.value.site == "Lab")
        #expect(updated.createdAt == created.createdAt && updated.updatedAt >= created.updatedAt)
        #expect(try await inventory.node("A").value.site == "Lab")
        try await inventory.deleteNode("A", cascade: false)
        await #expect(throws: NetworkError.nodeNotFound("A")) { try await inventory.node("A") }
    }

    func duplicateIdsAreRefused() async throws {
        let inventory = try await storage.store()
        _ = try await inventory.createNode(node("A"))
        await #expect(throws: NetworkError.nodeExists(try NodeID("A"))) { try await inventory.createNode(node("A")) }
    }

    func linksMustJoinExistingNodes() async throws {
        let inventory = try await storage.store()
        _ = try await inventory.createNode(node("A"))
        await #expect(throws: NetworkError.unknownNode(field: "node_b", id: try NodeID("B"))) {
            try await inventory.createLink(link("L", "A", "B"))
        }
    }

    func invalidValuesAreRefusedWithEveryProblem() async throws {
        let inventory = try await storage.store()
        _ = try await inventory.createNode(node("A"))
        _ = try await inventory.createNode(node("B"))
        await #expect {
            try await inventory.createLink(link("L", "A", "B", km: -1, rate: -2))
        } throws: { error in
            guard case .invalid(let failure) = error as? NetworkError else { return false }
            return failure.issues.map(\.field) == ["length_km", "key_rate_bps"]
        }
        await #expect(throws: NetworkError.self) {
            try await inventory.updateNode("A") { $0.location = GeoCoordinate(latitude: 100, longitude: 0) }
        }
        #expect(try await inventory.node("A").value.location == nil)
    }

    func deletingANodeWithLinksNeedsCascade() async throws {
        let inventory = try await storage.store()
        for id in ["A", "B", "C"] { _ = try await inventory.createNode(node(id)) }
        _ = try await inventory.createLink(link("L1", "A", "B"))
        _ = try await inventory.createLink(link("L2", "C", "A"))
        await #expect(throws: NetworkError.nodeHasLinks(try NodeID("A"), links: [try LinkID("L1"), try LinkID("L2")])) {
            try await inventory.deleteNode("A", cascade: false)
        }
        #expect(try await inventory.deleteNode("A", cascade: true).map(\.rawValue) == ["L1", "L2"])
        #expect(try await inventory.links(limit: 10, offset: 0).total == 0)
    }

    func pagesAreOrderedByIdWithATotal() async throws {
        let inventory = try await storage.store()
        for id in ["c", "a", "d", "b"] { _ = try await inventory.createNode(node(id)) }
        let page = try await inventory.nodes(limit: 2, offset: 1)
        #expect(page.items.map(\.value.id.rawValue) == ["b", "c"] && page.total == 4)
    }

    static let checks: [StorageCheck] = [
        StorageCheck("createReadUpdateDeleteNodes") { try await Self(storage: $0).createReadUpdateDeleteNodes() },
        StorageCheck("duplicateIdsAreRefused") { try await Self(storage: $0).duplicateIdsAreRefused() },
        StorageCheck("linksMustJoinExistingNodes") { try await Self(storage: $0).linksMustJoinExistingNodes() },
        StorageCheck("invalidValuesAreRefusedWithEveryProblem") { try await Self(storage: $0).invalidValuesAreRefusedWithEveryProblem() },
        StorageCheck("deletingANodeWithLinksNeedsCascade") { try await Self(storage: $0).deletingANodeWithLinksNeedsCascade() },
        StorageCheck("pagesAreOrderedByIdWithATotal") { try await Self(storage: $0).pagesAreOrderedByIdWithATotal() },
    ]
}
