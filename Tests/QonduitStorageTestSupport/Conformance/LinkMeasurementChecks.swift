import Foundation
import QonduitCore
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Testing

/// What agents measure of a link is kept apart from what the planner set, and both ends count.
struct LinkMeasurementChecks {
    let storage: StorageUnderTest

    let a = QKDUUID.random(), b = QKDUUID.random(), l = QKDUUID.random()

    /// Nodes A and B joined by L (1000 bit/s nominal), both with a registered agent.
    func network() async throws -> any Inventory {
        let inventory = try await storage.store()
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

    func report(_ inventory: any Inventory, from node: QKDUUID, _ measurement: ReportedLink) async throws {
        _ = try await inventory.applyAgentReports(from: node, [.link(measurement)])
    }

    func aFaultSeenAtOneEndIsNotUndoneByTheHealthyOtherEnd() async throws {
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

    func admissionUsesTheMeasuredRate() async throws {
        let inventory = try await network()
        try await report(inventory, from: a, ReportedLink(qkdlID: l, keyRateBps: 400))
        let (_, links) = try await inventory.topology()
        #expect(links.map(\.value.current.keyRateBps) == [400])
        let (nodeA, nodeB, link) = (try NodeID("A"), try NodeID("B"), try LinkID("L"))
        @Sendable func path(_ bps: Double) -> QKDKeyPath {
            QKDKeyPath(
                id: .random(), source: nodeA, destination: nodeB, rateBps: bps, metric: .hops, appID: .random(),
                routes: [KeyPathRoute(role: .primary, nodes: [nodeA, nodeB], links: [link], rateBps: bps, qkdlID: .random())])
        }
        await #expect(throws: KeyPathError.overReservation(link: link, keyRateBps: 400, reservedBps: 0, askedBps: 401)) {
            try await inventory.withKeyPathLedger { ledger in _ = try ledger.admit { _ in path(401) } }
        }
        try await inventory.withKeyPathLedger { ledger in try await ledger.insert(try ledger.admit { _ in path(400) }) }
        #expect(try await inventory.reservedBps()[link] == 400, "admission holds what the measured rate allows")
    }

    func anOperatorsDownOutranksTheAgentsUp() async throws {
        let inventory = try await network()
        try await report(inventory, from: a, ReportedLink(qkdlID: l, status: .up))
        #expect(try await inventory.updateLink("L") { $0.status = .down }.value.current.status == .down)
        try await report(inventory, from: b, ReportedLink(qkdlID: l, status: .up))
        #expect(try await inventory.link("L").value.current.status == .down)
        #expect(try await inventory.updateLink("L") { $0.status = .up }.value.current.status == .up)
    }

    func reimportingAnUnchangedFileKeepsWhatAgentsMeasured() async throws {
        let inventory = try await storage.store()
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

    func aMovedEndLosesItsMeasurement() async throws {
        let inventory = try await network()
        _ = try await inventory.createNode(QKDNode(id: try NodeID("C")))
        try await report(inventory, from: b, ReportedLink(qkdlID: l, status: .down))
        let moved = try await inventory.updateLink("L") { $0.nodeB = try NodeID("C") }.value
        #expect(moved.measuredAtB == nil && moved.current.status == .up)
    }

    func costIsStoredAndValidated() async throws {
        let inventory = try await network()
        #expect(try await inventory.link("L").value.cost == 1, "1 unless set")
        #expect(try await inventory.updateLink("L") { $0.cost = 7.5 }.value.cost == 7.5)
        await #expect(throws: NetworkError.self) { try await inventory.updateLink("L") { $0.cost = -1 } }
    }

    static let checks: [StorageCheck] = [
        StorageCheck("aFaultSeenAtOneEndIsNotUndoneByTheHealthyOtherEnd") {
            try await Self(storage: $0).aFaultSeenAtOneEndIsNotUndoneByTheHealthyOtherEnd()
        },
        StorageCheck("admissionUsesTheMeasuredRate") { try await Self(storage: $0).admissionUsesTheMeasuredRate() },
        StorageCheck("anOperatorsDownOutranksTheAgentsUp") { try await Self(storage: $0).anOperatorsDownOutranksTheAgentsUp() },
        StorageCheck("reimportingAnUnchangedFileKeepsWhatAgentsMeasured") {
            try await Self(storage: $0).reimportingAnUnchangedFileKeepsWhatAgentsMeasured()
        },
        StorageCheck("aMovedEndLosesItsMeasurement") { try await Self(storage: $0).aMovedEndLosesItsMeasurement() },
        StorageCheck("costIsStoredAndValidated") { try await Self(storage: $0).costIsStoredAndValidated() },
    ]
}
