import Foundation
import QonduitCore
import QonduitStorage
import Testing

/// Agents register (creating their node when allowed), are heard from or marked unreachable, and
/// hold what an operator set for them.
struct AgentChecks {
    let storage: StorageUnderTest

    func registration(_ identity: QKDUUID, status: NodeStatus = .up) -> AgentRegistration {
        AgentRegistration(qkdnID: identity, restconfURL: "http://127.0.0.1:1/restconf", tree: "<qkd_node/>", nodeStatus: status, links: [])
    }

    func anAgentOnboardsItsNodeAndGoesSilent() async throws {
        let inventory = try await storage.store()
        let identity = QKDUUID.random()
        await #expect(throws: AgentError.unknownAgentNode(identity), "no node has that identity, and onboarding is off") {
            try await inventory.registerAgent(registration(identity), autoOnboard: false, heartbeatIntervalMs: 1000)
        }
        let registered = try await inventory.registerAgent(registration(identity), autoOnboard: true, heartbeatIntervalMs: 1000)
        #expect(registered.createdNode)
        let node = registered.nodeID
        #expect(try await inventory.node(node.rawValue).value.qkdnID == identity)
        #expect(try await inventory.agents().map(\.nodeID) == [node])
        #expect(try await inventory.agent(of: node.rawValue)?.state == .reachable)
        #expect(try await inventory.agentAddress(of: node)?.restconfURL == "http://127.0.0.1:1/restconf")
        #expect(try await inventory.agentTree(of: node.rawValue) == "<qkd_node/>")
        // Times relative to when it was last heard from: the check never waits on the wall clock.
        let heard = try #require(try await inventory.agent(of: node.rawValue)?.lastSeenAt)
        #expect(try await inventory.markSilentAgentsUnreachable(missedIntervals: 3, now: heard + 2.5).isEmpty, "not yet three heartbeats")
        #expect(try await inventory.markSilentAgentsUnreachable(missedIntervals: 3, now: heard + 3.5) == [node])
        #expect(try await inventory.agent(of: node.rawValue)?.state == .unreachable)
        #expect(try await inventory.node(node.rawValue).value.current == .unreachable)
        try await inventory.removeAgent(of: node.rawValue)
        #expect(try await inventory.agents().isEmpty)
        #expect(try await inventory.agents(limit: 10, offset: 0).total == 0)
    }

    func entriesSetByHandAreKeptPerNode() async throws {
        let inventory = try await storage.store()
        let (a, b) = (try NodeID("A"), try NodeID("B"))
        for id in [a, b] { _ = try await inventory.createNode(QKDNode(id: id)) }
        let (link, app) = (QKDUUID.random(), QKDUUID.random())
        try await inventory.setDesiredLink(node: a, qkdlID: link, entry: "<qkd_link/>")
        try await inventory.setDesiredLink(node: a, qkdlID: link, entry: "<qkd_link>2</qkd_link>")
        try await inventory.setDesiredApplication(node: a, appID: app, entry: "<qkd_app/>")
        #expect(try await inventory.desiredLinks(of: a).map(\.entry) == ["<qkd_link>2</qkd_link>"], "set again, replaced")
        #expect(try await inventory.desiredApplications(of: a).map(\.appID) == [app])
        #expect(try await inventory.desiredLinks(of: b).isEmpty)
        try await inventory.removeDesiredLink(node: a, qkdlID: link)
        try await inventory.removeDesiredApplication(node: a, appID: app)
        #expect(try await inventory.desiredLinks(of: a).isEmpty)
        #expect(try await inventory.desiredApplications(of: a).isEmpty)
    }

    static let checks: [StorageCheck] = [
        StorageCheck("anAgentOnboardsItsNodeAndGoesSilent") { try await Self(storage: $0).anAgentOnboardsItsNodeAndGoesSilent() },
        StorageCheck("entriesSetByHandAreKeptPerNode") { try await Self(storage: $0).entriesSetByHandAreKeptPerNode() },
    ]
}
