import Foundation
import Hummingbird
import Logging
import QonduitAgent
import QonduitControllerTestSupport
import QonduitCore
import QonduitETSI
import QonduitSQLite
import QonduitSouthbound
import QonduitStorage
import QonduitTestSupport
import Testing

@testable import QonduitProvisioning

@Suite struct AgentReconcilerTests {
    /// A real simulated agent on a loopback port, registered in `inventory` as node `a`'s agent.
    /// `router` stands in for the agent's own (an agent of another make, say).
    func withAgent(
        _ inventory: any Inventory, router: ((SimulatedNode) -> Router<BasicRequestContext>)? = nil,
        _ body: @Sendable (SimulatedNode, String) async throws -> Void
    ) async throws {
        let node = FleetNode(nodeID: "a", qkdnID: nodeA, links: [.init(qkdlID: linkAB, remote: nodeB, nominalRateBps: 5_000, up: true)])
            .simulatedNode()
        var logger = Logger(label: "test-agent")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router?(node) ?? AgentRESTCONFServer.router(for: node), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger
        )
        try await RunningServices.during([app], logger: logger) {
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let url = "http://127.0.0.1:\(port)/restconf"
            _ = try await inventory.registerAgent(
                AgentRegistration(qkdnID: nodeA, restconfURL: url, tree: await node.tree.encoded(), nodeStatus: .up, links: []),
                autoOnboard: false, heartbeatIntervalMs: 1_000
            )
            try await body(node, url)
        }
    }

    /// An inventory with node `a` (GS QKD 015 id `nodeA`) and a reconciler over it.
    func inventoryWithReconciler() async throws -> (any Inventory, AgentReconciler) {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(QKDNode(id: try NodeID("a"), qkdnID: nodeA))
        var logger = Logger(label: "test-reconciler")
        logger.logLevel = .critical
        return (inventory, AgentReconciler(inventory: inventory, period: .milliseconds(50), logger: logger))
    }

    func virtual(_ id: String, bandwidth: UInt32) -> ETSILink {
        ETSILink(
            id: QKDUUID(id)!, local: .init(nodeID: nodeA), remote: .init(nodeID: nodeB), type: .virtual,
            virtualNextHops: [nodeB], virtualBandwidthBps: bandwidth)
    }

    @Test func agentsAreMadeToMatchTheInventoryAndDriftIsCounted() async throws {
        let (inventory, reconciler) = try await inventoryWithReconciler()
        try await withAgent(inventory) { node, _ in
            let a = try NodeID("a")
            let wanted = virtual("7e1a0000-0000-4000-8000-000000000001", bandwidth: 500)
            try await inventory.setDesiredLink(node: a, qkdlID: wanted.id, entry: wanted.encodedEntry())
            #expect(await reconciler.reconcileAll() == [a: 1], "the missing virtual link is put")
            #expect(await node.tree.links.first { $0.id == wanted.id }?.virtualBandwidthBps == 500)
            #expect(await reconciler.reconcileAll() == [a: 0], "idempotent: nothing left to do")

            // Someone changes the agent behind the controller's back: the next pass puts it right.
            try await node.put(virtual(wanted.id.text, bandwidth: 9_999))
            try await node.put(virtual("7e1a0000-0000-4000-8000-000000000002", bandwidth: 1))
            #expect(await reconciler.reconcileAll() == [a: 2])
            let links = await node.tree.links.filter { $0.type == .virtual }
            #expect(links.map(\.id) == [wanted.id] && links.first?.virtualBandwidthBps == 500)
            let agent = try #require(try await inventory.agents().first)
            #expect(agent.drift == 2 && agent.reconciledAt != nil && agent.reconcileError == nil)

            try await inventory.removeDesiredLink(node: a, qkdlID: wanted.id)
            #expect(await reconciler.reconcileAll() == [a: 1])
            #expect(await node.tree.links.allSatisfy { $0.type == .physical }, "physical links are the hardware's and stay")
        }
    }

    /// Entries a re-route pass sent before committing are in flight: neither removed as strays nor
    /// put back as the inventory still has them, until the pass has ended.
    @Test func entriesInFlightAreLeftAlone() async throws {
        let (inventory, _) = try await inventoryWithReconciler()
        var logger = Logger(label: "test-reconciler")
        logger.logLevel = .critical
        let inFlight = EntriesInFlight()
        let reconciler = AgentReconciler(inventory: inventory, period: .milliseconds(50), logger: logger, inFlight: inFlight)
        try await withAgent(inventory) { node, _ in
            let a = try NodeID("a")
            let sentAhead = virtual("7e1a0000-0000-4000-8000-000000000031", bandwidth: 700)
            let changing = virtual("7e1a0000-0000-4000-8000-000000000032", bandwidth: 100)
            try await inventory.setDesiredLink(node: a, qkdlID: changing.id, entry: changing.encodedEntry())
            try await node.put(sentAhead)
            try await node.put(virtual(changing.id.text, bandwidth: 900))
            inFlight.register([sentAhead.id, changing.id])
            #expect(await reconciler.reconcileAll() == [a: 0], "both in flight")
            #expect(await node.tree.links.first { $0.id == sentAhead.id } != nil)
            #expect(await node.tree.links.first { $0.id == changing.id }?.virtualBandwidthBps == 900)
            inFlight.release([sentAhead.id, changing.id])
            #expect(await reconciler.reconcileAll() == [a: 2], "the pass ended without them: a stray, and a link put right")
            #expect(await node.tree.links.first { $0.id == sentAhead.id } == nil)
            #expect(await node.tree.links.first { $0.id == changing.id }?.virtualBandwidthBps == 100)
        }
    }

    @Test func applicationsAreReconciledLikeVirtualLinks() async throws {
        let (inventory, reconciler) = try await inventoryWithReconciler()
        try await withAgent(inventory) { node, _ in
            let a = try NodeID("a")
            let relay = virtual("7e1a0000-0000-4000-8000-000000000011", bandwidth: 800)
            let wanted = ETSIApplication(
                id: QKDUUID("a991c000-0000-4000-8000-000000000001")!, type: .client, serverAppID: "urn:app:server",
                clientAppIDs: ["urn:app:client"], qos: .init(maxBandwidthBps: 800, minBandwidthBps: 400),
                backingLinkIDs: [relay.id], localNodeID: nodeA, remoteNodeID: nodeB
            )
            try await inventory.setDesiredLink(node: a, qkdlID: relay.id, entry: relay.encodedEntry())
            try await inventory.setDesiredApplication(node: a, appID: wanted.id, entry: wanted.encodedEntry())
            #expect(await reconciler.reconcileAll() == [a: 2], "the virtual link and the application are put")
            let configured = try #require(await node.tree.applications.first)
            #expect(configured.id == wanted.id && configured.backingLinkIDs == [relay.id] && configured.qos.minBandwidthBps == 400)
            #expect(await reconciler.reconcileAll() == [a: 0])

            // An application changed behind the controller's back, and one it never asked for.
            var changed = wanted
            changed.qos.minBandwidthBps = 1
            await node.put(changed)
            await node.put(ETSIApplication(id: QKDUUID("a991c000-0000-4000-8000-000000000002")!, serverAppID: "urn:app:stray"))
            #expect(await reconciler.reconcileAll() == [a: 2])
            #expect(await node.tree.applications.map(\.id) == [wanted.id])
            #expect(await node.tree.applications.first?.qos.minBandwidthBps == 400)

            try await inventory.removeDesiredApplication(node: a, appID: wanted.id)
            #expect(await reconciler.reconcileAll() == [a: 1])
            #expect(await node.tree.applications.isEmpty)
            #expect(try await inventory.desiredApplications(of: a).isEmpty)
        }
    }

    @Test func theRESTCONFConfiguratorPutsAndRemovesEntriesOnTheAgent() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(QKDNode(id: try NodeID("a"), qkdnID: nodeA))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("b"), qkdnID: nodeB))
        let configurator = RESTCONFNodeConfigurator(inventory: inventory)
        try await withAgent(inventory) { node, _ in
            let a = try NodeID("a")
            let relay = virtual("7e1a0000-0000-4000-8000-000000000021", bandwidth: 300)
            let application = ETSIApplication(
                id: QKDUUID("a991c000-0000-4000-8000-000000000021")!, serverAppID: "urn:app:s",
                backingLinkIDs: [relay.id], localNodeID: nodeA, remoteNodeID: nodeB)
            try await configurator.configure(
                a, links: [relay], applications: [application]
            )
            var tree = await node.tree
            #expect(tree.links.contains { $0.id == relay.id } && tree.applications.map(\.id) == [application.id])
            try await configurator.unconfigure(a, links: [relay.id], applications: [application.id])
            tree = await node.tree
            #expect(!tree.links.contains { $0.id == relay.id } && tree.applications.isEmpty)
            // Taking away what is not there is not an error: a rollback may repeat itself.
            try await configurator.unconfigure(a, links: [relay.id], applications: [application.id])
            // A link entry that is not this node's is refused, with the agent's reason.
            let foreign = ETSILink(id: relay.id, local: .init(nodeID: nodeB), type: .virtual, virtualBandwidthBps: 1)
            await #expect(throws: (any Error).self) {
                try await configurator.configure(a, links: [foreign], applications: [])
            }
        }
        await #expect(throws: (any Error).self, "b has no agent") {
            try await configurator.configure(try NodeID("b"), links: [], applications: [])
        }
    }

    /// An agent without YANG Patch (its `PATCH` of `qkd_node` is not found) has entries removed one `DELETE` each.
    @Test func entriesAreRemovedOneByOneFromAnAgentWithoutYANGPatch() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(QKDNode(id: try NodeID("a"), qkdnID: nodeA))
        let deletes = Counter()
        let older: (SimulatedNode) -> Router<BasicRequestContext> = { node in
            let router = Router(context: BasicRequestContext.self)
            router.delete("/restconf/data/etsi-qkd-sdn-node:qkd_node/qkd_links/{entry}") { _, context in
                await deletes.add()
                let id = QKDUUID(String(try context.parameters.require("entry").dropFirst("qkd_link=".count)))!
                do { try await node.deleteLink(id) } catch { return Response(status: .notFound) }
                return Response(status: .noContent)
            }
            return router
        }
        try await withAgent(inventory, router: older) { node, _ in
            let a = try NodeID("a")
            let links = (1...3).map { virtual("7e1a0000-0000-4000-8000-00000000003\($0)", bandwidth: 100) }
            try await node.put(links: links)
            try await RESTCONFNodeConfigurator(inventory: inventory).unconfigure(a, links: links.map(\.id) + [QKDUUID.random()], applications: [])
            #expect(await node.tree.links.map(\.id) == [linkAB])
            #expect(await deletes.value == 4, "one DELETE per entry, the one already gone included")
        }
    }

    @Test func anAgentThatCannotBeReachedIsRecordedAndBackedOff() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(QKDNode(id: try NodeID("a"), qkdnID: nodeA))
        _ = try await inventory.registerAgent(
            AgentRegistration(qkdnID: nodeA, restconfURL: "http://127.0.0.1:1/restconf", tree: "", nodeStatus: .up, links: []),
            autoOnboard: false, heartbeatIntervalMs: 1_000
        )
        var logger = Logger(label: "test-reconciler")
        logger.logLevel = .critical
        let reconciler = AgentReconciler(inventory: inventory, period: .seconds(60), logger: logger)
        #expect(await reconciler.reconcileAll().isEmpty)
        let agent = try #require(try await inventory.agents().first)
        #expect(agent.reconcileError?.contains("unreachable") == true, "\(String(describing: agent.reconcileError))")
        let before = agent.reconciledAt
        #expect(await reconciler.reconcileAll().isEmpty)
        #expect(try await inventory.agents().first?.reconciledAt == before, "backing off: not tried again at once")
    }
}

actor Counter {
    private(set) var value = 0
    func add() { value += 1 }
}
