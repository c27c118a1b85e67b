import Foundation
import GRDB
import QonduitCore
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Testing

@testable import QonduitSQLite

func temporaryDatabasePath() -> String {
    TestFiles.path("inventory", suffix: ".sqlite")
}

func node(_ id: String, name: String? = nil) -> QKDNode { QKDNode(id: try! NodeID(id), name: name) }

func link(_ id: String, _ a: String, _ b: String, km: Double = 10, rate: Double = 1000) -> QKDLink {
    QKDLink(id: try! LinkID(id), nodeA: try! NodeID(a), nodeB: try! NodeID(b), lengthKm: km, keyRateBps: rate)
}

@Suite struct InventoryCRUDTests {
    @Test func createReadUpdateDeleteNodes() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
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
        await #expect(throws: InventoryError.nodeNotFound("A")) { try await inventory.node("A") }
    }

    @Test func duplicateIdsAreRefused() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(node("A"))
        await #expect(throws: InventoryError.nodeExists(try NodeID("A"))) { try await inventory.createNode(node("A")) }
    }

    @Test func linksMustJoinExistingNodes() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(node("A"))
        await #expect(throws: InventoryError.unknownNode(field: "node_b", id: try NodeID("B"))) {
            try await inventory.createLink(link("L", "A", "B"))
        }
    }

    @Test func invalidValuesAreRefusedWithEveryProblem() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(node("A"))
        _ = try await inventory.createNode(node("B"))
        await #expect {
            try await inventory.createLink(link("L", "A", "B", km: -1, rate: -2))
        } throws: { error in
            guard case .invalid(let failure) = error as? InventoryError else { return false }
            return failure.issues.map(\.field) == ["length_km", "key_rate_bps"]
        }
        await #expect(throws: InventoryError.self) {
            try await inventory.updateNode("A") { $0.location = GeoCoordinate(latitude: 100, longitude: 0) }
        }
        #expect(try await inventory.node("A").value.location == nil)
    }

    @Test func deletingANodeWithLinksNeedsCascade() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        for id in ["A", "B", "C"] { _ = try await inventory.createNode(node(id)) }
        _ = try await inventory.createLink(link("L1", "A", "B"))
        _ = try await inventory.createLink(link("L2", "C", "A"))
        await #expect(throws: InventoryError.nodeHasLinks(try NodeID("A"), links: [try LinkID("L1"), try LinkID("L2")])) {
            try await inventory.deleteNode("A", cascade: false)
        }
        #expect(try await inventory.deleteNode("A", cascade: true).map(\.rawValue) == ["L1", "L2"])
        #expect(try await inventory.links(limit: 10, offset: 0).total == 0)
    }

    @Test func pagesAreOrderedByIdWithATotal() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        for id in ["c", "a", "d", "b"] { _ = try await inventory.createNode(node(id)) }
        let page = try await inventory.nodes(limit: 2, offset: 1)
        #expect(page.items.map(\.value.id.rawValue) == ["b", "c"] && page.total == 4)
    }

    @Test func theSchemaItselfRefusesBadRows() async throws {
        let path = temporaryDatabasePath()
        _ = try SQLiteInventory(path: path)
        let database = try DatabaseQueue(path: path)
        try await database.write { db in
            try db.execute(
                sql:
                    "INSERT INTO node (id, name, trusted, status, qkdn_id, created_at, updated_at) VALUES ('A', 'A', 1, 'up', '00000000-0000-4000-8000-00000000000a', '', '')"
            )
            try db.execute(
                sql:
                    "INSERT INTO node (id, name, trusted, status, qkdn_id, created_at, updated_at) VALUES ('B', 'B', 1, 'unreachable', '00000000-0000-4000-8000-00000000000b', '', '')"
            )
        }
        let badStatements = [
            "INSERT INTO node (id, name, trusted, status, qkdn_id, created_at, updated_at) VALUES ('C', 'C', 1, 'sideways', '00000000-0000-4000-8000-00000000000c', '', '')",
            "INSERT INTO node (id, name, trusted, latitude, status, qkdn_id, created_at, updated_at) VALUES ('D', 'D', 1, 10, 'up', '00000000-0000-4000-8000-00000000000d', '', '')",
            "INSERT INTO node (id, name, trusted, status, qkdn_id, created_at, updated_at) VALUES ('E', 'E', 1, 'up', '00000000-0000-4000-8000-00000000000a', '', '')",
            "INSERT INTO node (id, name, trusted, status, qkdn_id, created_at, updated_at) VALUES ('F', 'F', 1, 'up', '00000000-0000-4000-8000-00000000000F', '', '')",
            "INSERT INTO node (id, name, trusted, status, created_at, updated_at) VALUES ('G', 'G', 1, 'up', '', '')",
            "INSERT INTO link (id, node_a, node_b, length_km, key_rate_bps, status, created_at, updated_at) VALUES ('L', 'A', 'B', -1, 1, 'up', '', '')",
            "INSERT INTO link (id, node_a, node_b, length_km, key_rate_bps, status, created_at, updated_at) VALUES ('L', 'A', 'A', 1, 1, 'up', '', '')",
            "INSERT INTO link (id, node_a, node_b, length_km, key_rate_bps, status, created_at, updated_at) VALUES ('L', 'A', 'Q', 1, 1, 'up', '', '')",
        ]
        for sql in badStatements {
            await #expect(throws: DatabaseError.self, "\(sql)") {
                try await database.write { db in
                    try db.execute(sql: "PRAGMA foreign_keys = ON")
                    try db.execute(sql: sql)
                }
            }
        }
    }
}

@Suite struct InventoryImportTests {
    func draft(_ file: URL) throws -> TopologyDraft {
        try TopologyReader.draft([UInt8](try Data(contentsOf: file)), file: file.lastPathComponent)
    }

    @Test func importIsIdempotentByID() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let file = try #require(try RepositoryPaths.exampleTopologies().first)
        let first = try await inventory.importTopology(try draft(file), file: "f", mode: .merge)
        #expect(first.nodes.created > 0 && first.links.created > 0)
        let second = try await inventory.importTopology(try draft(file), file: "f", mode: .merge)
        #expect(second.nodes.created == 0 && second.nodes.updated == 0 && second.nodes.unchanged == first.nodes.created)
        #expect(second.links.unchanged == first.links.created)
    }

    @Test func replaceRemovesWhatTheFileNoLongerHasAndMergeKeepsIt() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let files = try RepositoryPaths.exampleTopologies()
        let a = try await inventory.importTopology(try draft(files[0]), file: "a", mode: .merge)
        let b = try await inventory.importTopology(try draft(files[1]), file: "b", mode: .merge)
        #expect(try await inventory.nodes(limit: 1, offset: 0).total == a.nodes.created + b.nodes.created)
        let replaced = try await inventory.importTopology(try draft(files[1]), file: "b", mode: .replace)
        #expect(replaced.nodes.removed == a.nodes.created && replaced.links.removed == a.links.created)
        #expect(try await inventory.nodes(limit: 1, offset: 0).total == b.nodes.created)
    }

    @Test func aBadFileChangesNothing() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(node("A"))
        let document = """
            <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:nt="urn:ietf:params:xml:ns:yang:ietf-network-topology">
            <network><network-id>n</network-id><node><node-id>B</node-id></node><node><node-id>C</node-id></node>
            <nt:link><nt:link-id>L</nt:link-id><nt:source><nt:source-node>B</nt:source-node></nt:source>
            <nt:destination><nt:dest-node>missing</nt:dest-node></nt:destination></nt:link></network></networks>
            """
        let draft = try TopologyReader.draft(Array(document.utf8), file: "bad.xml")
        await #expect(throws: InventoryError.self) {
            try await inventory.importTopology(draft, file: "bad.xml", mode: .replace)
        }
        let (nodes, links) = try await inventory.topology()
        #expect(nodes.map(\.value.id.rawValue) == ["A"] && links.isEmpty)
    }

    @Test func mergedLinksMayReferenceNodesAlreadyInTheInventory() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(QKDNode(id: try NodeID("X"), location: GeoCoordinate(latitude: 48.2, longitude: 16.37)))
        let document = """
            <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:nt="urn:ietf:params:xml:ns:yang:ietf-network-topology"
                      xmlns:q="urn:qonduit:params:xml:ns:yang:qonduit-qkd-topology">
            <network><network-id>n</network-id>
            <node><node-id>B</node-id><q:qkd-node><q:latitude>48.15</q:latitude><q:longitude>17.1</q:longitude></q:qkd-node></node>
            <nt:link><nt:link-id>L</nt:link-id><nt:source><nt:source-node>B</nt:source-node></nt:source>
            <nt:destination><nt:dest-node>X</nt:dest-node></nt:destination></nt:link></network></networks>
            """
        let summary = try await inventory.importTopology(try TopologyReader.draft(Array(document.utf8), file: "m"), file: "m", mode: .merge)
        #expect(summary.links.created == 1)
        #expect(try await inventory.link("L").value.lengthKm > 50)
    }

    @Test func aReimportKeepsTheStatusTheFileDoesNotState() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        func document(linkStatus: String?, nodeStatus: String?) -> [UInt8] {
            let nodeLeaf = nodeStatus.map { "<q:status>\($0)</q:status>" } ?? ""
            let linkLeaf = linkStatus.map { "<q:status>\($0)</q:status>" } ?? ""
            return Array(
                """
                <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:nt="urn:ietf:params:xml:ns:yang:ietf-network-topology"
                          xmlns:q="urn:qonduit:params:xml:ns:yang:qonduit-qkd-topology">
                <network><network-id>n</network-id>
                <node><node-id>A</node-id><q:qkd-node>\(nodeLeaf)</q:qkd-node></node><node><node-id>B</node-id></node>
                <nt:link><nt:link-id>L</nt:link-id><nt:source><nt:source-node>A</nt:source-node></nt:source>
                <nt:destination><nt:dest-node>B</nt:dest-node></nt:destination>
                <q:qkd-link><q:length-km>10</q:length-km>\(linkLeaf)</q:qkd-link></nt:link></network></networks>
                """.utf8)
        }
        let planned = document(linkStatus: "down", nodeStatus: nil)
        _ = try await inventory.importTopology(try TopologyReader.draft(planned, file: "p"), file: "p", mode: .merge)
        _ = try await inventory.updateNode("A") { $0.status = .down }
        let unstated = document(linkStatus: nil, nodeStatus: nil)
        for mode in [ImportMode.merge, .replace] {
            let again = try await inventory.importTopology(try TopologyReader.draft(unstated, file: "f"), file: "f", mode: mode)
            #expect(again.links.unchanged == 1 && again.nodes.unchanged == 2, "\(mode): nothing the file states changed")
            #expect(try await inventory.link("L").value.status == .down)
            #expect(try await inventory.node("A").value.status == .down)
        }
        let stated = document(linkStatus: "up", nodeStatus: "up")
        _ = try await inventory.importTopology(try TopologyReader.draft(stated, file: "g"), file: "g", mode: .merge)
        #expect(try await inventory.link("L").value.status == .up, "a stated status is put in force")
        #expect(try await inventory.node("A").value.status == .up)
    }

    @Test func aLinkAnOperatorSetDownStaysDownWhateverAnImportSays() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let file = try #require(try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") })
        _ = try await inventory.importTopology(try draft(file), file: "f", mode: .merge)
        _ = try await inventory.updateLink("mad-L1", operatorHold: true) { $0.status = .down }
        let again = try await inventory.importTopology(try draft(file), file: "f", mode: .merge)
        #expect(try await inventory.link("mad-L1").value.status == .down, "the file's up does not end the maintenance")
        #expect(again.links.updated == 0)
        let warning = try #require(again.warnings.first { $0.subject == "link 'mad-L1'" })
        #expect(warning.line == 80 && warning.message.contains("holds it down"), "\(warning)")
        _ = try await inventory.updateLink("mad-L1", operatorHold: true) { $0.status = .up }
        _ = try await inventory.updateLink("mad-L2", operatorHold: true) { $0.status = .down }
        // A change that is not an operator's holds nothing: the file's status comes back.
        _ = try await inventory.updateLink("mad-L3") { $0.status = .down }
        let after = try await inventory.importTopology(try draft(file), file: "f", mode: .replace)
        #expect(try await inventory.link("mad-L1").value.status == .up, "set up, it is no longer held")
        #expect(try await inventory.link("mad-L2").value.status == .down)
        #expect(try await inventory.link("mad-L3").value.status == .up, "not held: the file's status stands")
        #expect(after.warnings.map(\.subject) == ["link 'mad-L2'"])
        _ = try await inventory.createLink(
            QKDLink(
                id: try LinkID("spare"), nodeA: try NodeID("mad-norte"), nodeB: try NodeID("mad-upm"), lengthKm: 5, keyRateBps: 100, status: .down))
        #expect(try await inventory.linkOperationalState().heldDown == [try LinkID("mad-L2"), try LinkID("spare")], "created down through the API")
    }

    @Test func theInventorySurvivesReopening() async throws {
        let path = temporaryDatabasePath()
        do {
            let inventory = try SQLiteInventory(path: path)
            _ = try await inventory.importTopology(try draft(try RepositoryPaths.exampleTopologies()[0]), file: "f", mode: .merge)
        }
        let reopened = try SQLiteInventory(path: path)
        let (nodes, links) = try await reopened.topology()
        #expect(!nodes.isEmpty && !links.isEmpty)
    }
}
