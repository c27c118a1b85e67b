import Foundation
import GRDB
import QonduitCore
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Testing

@testable import QonduitSQLite

/// What agents measure of a link is kept apart from what the planner set, and both ends count.
@Suite struct LinkMeasurementTests {
    let a = QKDUUID.random(), b = QKDUUID.random(), l = QKDUUID.random()

    /// Nodes A and B joined by L (1000 bit/s nominal), both with a registered agent.
    func network() async throws -> SQLiteInventory {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(QKDNode(id: try NodeID("A"), qkdnID: a))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("B"), qkdnID: b))
        _ = try await inventory.createLink(
            QKDLink(
                id: try LinkID("L"), nodeA: try NodeID("A"), nodeB: try NodeID("B"), lengthKm: 10, keyRateBps: 1000, qber: 0.01, qkdlID: l
            ))
        for node in [a, b] {
            _ = try await inventory.registerAgent(
                AgentRegistration(qkdnID: node, restconfURL: "http://127.0.0.1:1/restconf", tree: "<qkd_node/>", nodeStatus: .up, links: []),
                autoOnboard: false, heartbeatIntervalMs: 1000
            )
        }
        return inventory
    }

    func report(_ inventory: SQLiteInventory, from node: QKDUUID, _ measurement: ReportedLink) async throws {
        _ = try await inventory.applyAgentReports(from: node, [.link(measurement)])
    }

    @Test func aFaultSeenAtOneEndIsNotUndoneByTheHealthyOtherEnd() async throws {
        let inventory = try await network()
        try await report(inventory, from: a, ReportedLink(qkdlID: l, status: .up, keyRateBps: 900, qber: 0.2))
        try await report(inventory, from: b, ReportedLink(qkdlID: l, status: .up, keyRateBps: 950, qber: 0.02))
        var link = try await inventory.link("L").value
        #expect(link.current.qber == 0.2 && link.current.keyRateBps == 900, "the higher QBER and the lower rate")
        try await report(inventory, from: b, ReportedLink(qkdlID: l, status: .down))
        try await report(inventory, from: a, ReportedLink(qkdlID: l, status: .up))
        link = try await inventory.link("L").value
        #expect(link.current.status == .down, "the worse status stands")
        // The end that saw the fault clears it: the link is healthy again.
        try await report(inventory, from: b, ReportedLink(qkdlID: l, status: .up, qber: 0.03))
        try await report(inventory, from: a, ReportedLink(qkdlID: l, qber: 0.02))
        link = try await inventory.link("L").value
        #expect(link.current == LinkCondition(status: .up, keyRateBps: 900, qber: 0.03))
        #expect(link.keyRateBps == 1000 && link.qber == 0.01, "the planner's values are kept apart")
    }

    @Test func admissionUsesTheMeasuredRate() async throws {
        let inventory = try await network()
        try await report(inventory, from: a, ReportedLink(qkdlID: l, keyRateBps: 400))
        let (_, links) = try await inventory.topology()
        #expect(links.map(\.value.current.keyRateBps) == [400])
        let headroom = try await inventory.database.read { db in try Double.fetchOne(db, sql: "SELECT key_rate_bps FROM link") }
        #expect(headroom == 400, "the column SQL reads is the rate in force")
    }

    @Test func anOperatorsDownOutranksTheAgentsUp() async throws {
        let inventory = try await network()
        try await report(inventory, from: a, ReportedLink(qkdlID: l, status: .up))
        #expect(try await inventory.updateLink("L") { $0.status = .down }.value.current.status == .down)
        try await report(inventory, from: b, ReportedLink(qkdlID: l, status: .up))
        #expect(try await inventory.link("L").value.current.status == .down)
        #expect(try await inventory.updateLink("L") { $0.status = .up }.value.current.status == .up)
    }

    @Test func reimportingAnUnchangedFileKeepsWhatAgentsMeasured() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let file = try #require(try RepositoryPaths.exampleTopologies().first)
        let draft = { try TopologyReader.draft([UInt8](try Data(contentsOf: file)), file: file.lastPathComponent) }
        _ = try await inventory.importTopology(try draft(), file: "f", mode: .merge)
        let (nodes, links) = try await inventory.topology()
        let measured = try #require(links.first?.value)
        let end = try #require(nodes.first { $0.value.id == measured.nodeA }?.value.qkdnID)
        _ = try await inventory.registerAgent(
            AgentRegistration(qkdnID: end, restconfURL: "http://127.0.0.1:1/restconf", tree: "<qkd_node/>", nodeStatus: .up, links: []),
            autoOnboard: false, heartbeatIntervalMs: 1000
        )
        try await report(inventory, from: end, ReportedLink(qkdlID: try #require(measured.qkdlID), status: .up, keyRateBps: 12.5, qber: 0.04))
        let again = try await inventory.importTopology(try draft(), file: "f", mode: .merge)
        #expect(again.links.updated == 0 && again.links.unchanged == links.count, "an unchanged file changes nothing")
        #expect(again.nodes.updated == 0)
        let kept = try await inventory.link(measured.id.rawValue).value
        #expect(kept.current.keyRateBps == 12.5 && kept.current.qber == 0.04 && kept.keyRateBps == measured.keyRateBps)
    }

    @Test func aMovedEndLosesItsMeasurement() async throws {
        let inventory = try await network()
        _ = try await inventory.createNode(QKDNode(id: try NodeID("C")))
        try await report(inventory, from: b, ReportedLink(qkdlID: l, status: .down))
        let moved = try await inventory.updateLink("L") { $0.nodeB = try NodeID("C") }.value
        #expect(moved.measuredAtB == nil && moved.current.status == .up)
    }

    @Test func costIsStoredAndValidated() async throws {
        let inventory = try await network()
        #expect(try await inventory.link("L").value.cost == 1, "1 unless set")
        #expect(try await inventory.updateLink("L") { $0.cost = 7.5 }.value.cost == 7.5)
        await #expect(throws: InventoryError.self) { try await inventory.updateLink("L") { $0.cost = -1 } }
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
        await #expect(throws: InventoryError.corrupt("key path '\(id)': metric 'speed' is not one of hops, length, rate, cost")) {
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
        await #expect(throws: InventoryError.corrupt("key path '\(id)': state 'sleeping' is not one of pending, active, failed, degraded")) {
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
        await #expect(throws: InventoryError.corrupt("route 0 of key path '\(id)': role 'spare' is not one of primary, backup")) {
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
            #expect(throws: InventoryError.overReservation(link: ab, keyRateBps: 1_000, reservedBps: 800, askedBps: 300)) {
                try ledger.admit { _ in second }
            }
            #expect(ledger.reservedBps[ab] == 800)
        }
        #expect(try await inventory.reservedBps()[ab] == 800)
        #expect(try await inventory.keyPaths().items.map(\.value.id) == [first.id])
    }
}
