import Foundation
import QonduitCore
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Testing

/// Every event is logged by the code that makes the change, in its transaction; no trigger writes one.
struct EventsFromSwiftChecks {
    let storage: StorageUnderTest

    let a = QKDUUID.random(), b = QKDUUID.random(), l = QKDUUID.random()

    func statusEvents(_ inventory: any Inventory, after id: Int64) async throws -> [String] {
        try await inventory.events(after: id, limit: 100).filter { $0.kind == .nodeStatus || $0.kind == .linkStatus }.map {
            "\($0.kind.rawValue) \($0.subject) \($0.data)"
        }
    }

    func agentsOperatorsAndImportsLogStatusChangesOnceEach() async throws {
        let inventory = try await storage.store()
        _ = try await inventory.createNode(QKDNode(id: try NodeID("A"), qkdnID: a))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("B"), qkdnID: b))
        _ = try await inventory.createLink(
            QKDLink(id: try LinkID("L"), nodeA: try NodeID("A"), nodeB: try NodeID("B"), lengthKm: 10, keyRateBps: 1000, qkdlID: l))
        _ = try await inventory.registerAgent(
            AgentRegistration(qkdnID: a, restconfURL: "http://127.0.0.1:1/restconf", tree: "<qkd_node/>", nodeStatus: .up, links: []),
            autoOnboard: false, heartbeatIntervalMs: 1000)
        var mark = try await inventory.eventLogBounds().latest

        // An agent's report: the node's status in force changes once, the link's once; the same report again changes nothing.
        for _ in 0..<2 {
            _ = try await inventory.applyAgentReports(from: a, [.nodeStatus(.down), .link(ReportedLink(qkdlID: l, status: .down))])
        }
        #expect(
            try await statusEvents(inventory, after: mark) == [
                #"node.status A {"node":"A","from":"up","to":"down"}"#, #"link.status L {"link":"L","from":"up","to":"down"}"#,
            ])
        mark = try await inventory.eventLogBounds().latest

        // Silence: the agent's node becomes unreachable (it was down: in force it goes from down to unreachable).
        #expect(try await inventory.markSilentAgentsUnreachable(missedIntervals: 1, now: Date().addingTimeInterval(60)) == [try NodeID("A")])
        #expect(try await statusEvents(inventory, after: mark) == [#"node.status A {"node":"A","from":"down","to":"unreachable"}"#])
        mark = try await inventory.eventLogBounds().latest

        // An operator's change, and one that changes nothing in force.
        _ = try await inventory.updateNode("B") { $0.status = .down }
        _ = try await inventory.updateNode("B") { $0.name = "Bee" }
        #expect(try await statusEvents(inventory, after: mark) == [#"node.status B {"node":"B","from":"up","to":"down"}"#])
    }

    func keyPathsCreatedAndDeletedAreLogged() async throws {
        let inventory = try await storage.store()
        let mark = try await inventory.eventLogBounds().latest
        _ = try await inventory.createNode(QKDNode(id: try NodeID("A"), qkdnID: a))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("B"), qkdnID: b))
        _ = try await inventory.createLink(
            QKDLink(id: try LinkID("L"), nodeA: try NodeID("A"), nodeB: try NodeID("B"), lengthKm: 10, keyRateBps: 1000, qkdlID: l))
        let (nodeA, nodeB, link) = (try NodeID("A"), try NodeID("B"), try LinkID("L"))
        let path = QKDKeyPath(
            id: .random(), source: nodeA, destination: nodeB, rateBps: 100, metric: .hops, appID: .random(),
            routes: [KeyPathRoute(role: .primary, nodes: [nodeA, nodeB], links: [link], rateBps: 100, qkdlID: .random())])
        try await inventory.withKeyPathLedger { ledger in try await ledger.insert(try ledger.admit { _ in path }) }
        try await inventory.withKeyPathLedger { ledger in try await ledger.remove([path]) }
        let logged: [EventKind] = try await inventory.events(after: mark, limit: 100).filter { $0.subject == path.id.text }.map(\.kind)
        #expect(logged == [.keyPathCreated, .keyPathDeleted])
    }

    static let checks: [StorageCheck] = [
        StorageCheck("agentsOperatorsAndImportsLogStatusChangesOnceEach") {
            try await Self(storage: $0).agentsOperatorsAndImportsLogStatusChangesOnceEach()
        },
        StorageCheck("keyPathsCreatedAndDeletedAreLogged") { try await Self(storage: $0).keyPathsCreatedAndDeletedAreLogged() },
    ]
}
