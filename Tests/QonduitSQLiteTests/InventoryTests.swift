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
