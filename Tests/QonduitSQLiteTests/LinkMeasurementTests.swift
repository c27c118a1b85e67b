import Foundation
import GRDB
import QonduitCore
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Testing

@testable import QonduitSQLite

/// What agents measure is what SQL reads: the queries that choose repair candidates see the rate in force.
@Suite struct MeasuredRateColumnTests {
    @Test func theRateColumnIsTheRateInForce() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let (a, l) = (QKDUUID.random(), QKDUUID.random())
        _ = try await inventory.createNode(QKDNode(id: try NodeID("A"), qkdnID: a))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("B")))
        _ = try await inventory.createLink(
            QKDLink(id: try LinkID("L"), nodeA: try NodeID("A"), nodeB: try NodeID("B"), lengthKm: 10, keyRateBps: 1000, qkdlID: l))
        _ = try await inventory.registerAgent(
            AgentRegistration(qkdnID: a, restconfURL: "http://127.0.0.1:1/restconf", tree: "<qkd_node/>", nodeStatus: .up, links: []),
            autoOnboard: false, heartbeatIntervalMs: 1000)
        _ = try await inventory.applyAgentReports(from: a, [.link(ReportedLink(qkdlID: l, keyRateBps: 400))])
        let headroom = try await inventory.database.read { db in try Double.fetchOne(db, sql: "SELECT key_rate_bps FROM link") }
        #expect(headroom == 400, "the column SQL reads (repair's headroom) is the rate in force")
    }
}

@Suite struct DurabilityTests {
    /// A commit the API acknowledges must survive a power loss, not only a crash of the process.
    @Test func everyCommitIsSyncedToDisk() async throws {
        let inventory = try SQLiteInventory(path: temporaryDatabasePath())
        let mode = try await inventory.database.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(mode == 2, "PRAGMA synchronous = FULL")
        let journal = try await inventory.database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }
}

@Suite struct StoredValueTests {
    /// A value the code does not know (written outside the controller) is an error naming the row, never a default.
    @Test func anUnknownStoredMetricNamesTheKeyPath() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(QKDNode(id: try NodeID("A")))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("B")))
        let id = QKDUUID.random().text
        try await inventory.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO key_path (id, source, destination, rate_bps, metric, exclude_nodes, exclude_links, protection, path_count,
                        app_id, state, created_at, updated_at)
                    VALUES (?, 'A', 'B', 10, 'speed', '[]', '[]', 'none', 1, ?, 'failed', '2026-12-04T00:00:00Z', '2026-12-04T00:00:00Z')
                    """, arguments: [id, QKDUUID.random().text])
        }
        await #expect(throws: StorageError.corrupt("key path '\(id)': metric 'speed' is not one of hops, length, rate, cost")) {
            try await inventory.keyPath(id)
        }
    }
}

extension StoredValueTests {
    @Test func anUnknownStoredStateOrRouteRoleNamesTheRow() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(QKDNode(id: try NodeID("A")))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("B")))
        let id = QKDUUID.random().text
        // The schema's CHECK constraints refuse such values: only a database changed outside the controller holds them.
        try await inventory.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA ignore_check_constraints = ON") }
        try await inventory.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO key_path (id, source, destination, rate_bps, metric, exclude_nodes, exclude_links, protection, path_count,
                        app_id, state, created_at, updated_at)
                    VALUES (?, 'A', 'B', 10, 'hops', '[]', '[]', 'none', 1, ?, 'sleeping', '2026-12-04T00:00:00Z', '2026-12-04T00:00:00Z')
                    """, arguments: [id, QKDUUID.random().text])
        }
        await #expect(throws: StorageError.corrupt("key path '\(id)': state 'sleeping' is not one of pending, active, failed, degraded")) {
            try await inventory.keyPath(id)
        }
        try await inventory.database.write { db in
            try db.execute(sql: "UPDATE key_path SET state = 'active' WHERE id = ?", arguments: [id])
            try db.execute(
                sql: """
                    INSERT INTO key_path_route (key_path_id, position, role, rate_bps, nodes, links, qkdl_id)
                    VALUES (?, 0, 'spare', 10, '["A","B"]', '[]', ?)
                    """, arguments: [id, QKDUUID.random().text])
        }
        await #expect(throws: StorageError.corrupt("route 0 of key path '\(id)': role 'spare' is not one of primary, backup")) {
            try await inventory.keyPath(id)
        }
    }
}

/// The rule for which links and nodes carry key is written in Swift (`carriesKey`) and, for the
/// inventory's queries, in SQL: the two must agree on every case.
@Suite struct KeyCarryingRuleTests {
    @Test func theSQLRuleAgreesWithTheCoreRule() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        for status in LinkStatus.allCases {
            for qber in [nil, 0.05, 0.11, 0.2] as [Double?] {
                for threshold in [nil, 0.11] as [Double?] {
                    let unusable = try await inventory.database.read { db in
                        try Bool.fetchOne(
                            db, sql: "SELECT \(SQLiteInventory.unusableLink) FROM (SELECT ? AS status, ? AS qber)",
                            arguments: [threshold, status.rawValue, qber])
                    }
                    let condition = LinkCondition(status: status, keyRateBps: 1, qber: qber)
                    #expect(
                        unusable == !condition.carriesKey(qberThreshold: threshold),
                        "\(status) qber \(String(describing: qber)) threshold \(String(describing: threshold))")
                }
            }
        }
        for status in NodeStatus.allCases {
            let unusable = try await inventory.database.read { db in
                try Bool.fetchOne(db, sql: "SELECT \(SQLiteInventory.unusableNode) FROM (SELECT ? AS status)", arguments: [status.rawValue])
            }
            #expect(unusable == !status.carriesKey, "\(status)")
        }
    }
}

/// The status in force is stated twice, in Swift (`QKDNode.inForce`) and in SQL (the agents' updates): they agree.
@Suite struct NodeStatusRuleTests {
    @Test func theSQLRuleAgreesWithTheCoreRule() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        for planned in NodeStatus.allCases {
            for measured in [nil] + NodeStatus.allCases as [NodeStatus?] {
                let inForce = try await inventory.database.read { db in
                    try String.fetchOne(
                        db, sql: "SELECT \(SQLiteInventory.nodeStatusInForce(admin: "?1", measured: "?2"))",
                        arguments: [planned.rawValue, measured?.rawValue])
                }
                #expect(inForce == QKDNode.inForce(planned: planned, measured: measured).rawValue, "\(planned) \(String(describing: measured))")
            }
        }
    }
}

@Suite struct KeyPathLedgerTests {
    /// Admission is the ledger's to enforce, whatever the planner says.
    @Test func aPathOverALinksKeyRateIsRefusedAndHoldsNothing() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let (a, b) = (try NodeID("A"), try NodeID("B"))
        for node in [a, b] { _ = try await inventory.createNode(QKDNode(id: node, qkdnID: .random())) }
        let ab = try LinkID("AB")
        _ = try await inventory.createLink(QKDLink(id: ab, nodeA: a, nodeB: b, lengthKm: 1, keyRateBps: 1_000))
        func path(_ bps: Double) -> QKDKeyPath {
            QKDKeyPath(
                id: .random(), source: a, destination: b, rateBps: bps, metric: .hops, appID: .random(),
                routes: [KeyPathRoute(role: .primary, nodes: [a, b], links: [ab], rateBps: bps, qkdlID: .random())])
        }
        let first = path(800)
        let second = path(300)
        try await inventory.withKeyPathLedger { ledger in
            try await ledger.insert(try ledger.admit { _ in first })
            #expect(throws: KeyPathError.overReservation(link: ab, keyRateBps: 1_000, reservedBps: 800, askedBps: 300)) {
                try ledger.admit { _ in second }
            }
            #expect(ledger.reservedBps[ab] == 800)
        }
        #expect(try await inventory.reservedBps()[ab] == 800)
        #expect(try await inventory.keyPaths().items.map(\.value.id) == [first.id])
    }
}
