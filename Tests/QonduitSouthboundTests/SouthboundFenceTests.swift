import Foundation
import Hummingbird
import HummingbirdTesting
import QonduitAgent
import QonduitCore
import QonduitETSI
import QonduitSouthbound
import Synchronization
import Testing

/// What the controller sends its nodes carries its epoch, and a leader whose lease could lapse sends
/// no configuration at all.
@Suite struct SouthboundFenceTests {
    final class Fence: SouthboundFence {
        let state = Mutex((epoch: Int64?.some(7), writable: true))
        var epoch: Int64? { state.withLock { $0.epoch } }
        func mayWriteSouthbound(within timeout: Duration) -> Bool { state.withLock { $0.writable } }
    }

    static let me = QKDUUID("aaaaaaaa-0000-4000-8000-00000000000a")!
    static let peer = QKDUUID("bbbbbbbb-0000-4000-8000-00000000000b")!

    @Test func requestsCarryTheEpochAndWritesWaitForTheLease() async throws {
        let node = FleetNode(nodeID: "a", qkdnID: Self.me, links: []).simulatedNode()
        let app = Application(router: AgentRESTCONFServer.router(for: node), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let root = "http://127.0.0.1:\(client.port!)/restconf"
            let fence = Fence()
            let restconf = AgentRESTCONFClient(fence: fence)
            let link = ETSILink(
                id: .random(), local: .init(nodeID: Self.me), remote: .init(nodeID: Self.peer), type: .virtual, virtualNextHops: [Self.peer],
                virtualBandwidthBps: 1_000)
            try await restconf.put(links: [link], at: root)
            let seen = await node.highestEpochSeen
            let held = await node.tree.links.map(\.id)
            #expect(seen == 7 && held == [link.id])

            // The lease could lapse before an answer: nothing is sent; reading still is.
            fence.state.withLock { $0.writable = false }
            let other = ETSILink(
                id: .random(), local: .init(nodeID: Self.me), remote: .init(nodeID: Self.peer), type: .virtual, virtualNextHops: [Self.peer],
                virtualBandwidthBps: 1_000)
            await #expect { try await restconf.put(links: [other], at: root) } throws: { "\($0)".contains("does not hold the leader lease") }
            #expect(await node.tree.links.map(\.id) == [link.id])
            _ = try await restconf.tree(at: root)

            // A deposed leader's epoch is refused by the node, in the node's words.
            fence.state.withLock { $0 = (epoch: 6, writable: true) }
            await #expect { try await restconf.put(links: [other], at: root) } throws: { "\($0)".contains("409") && "\($0)".contains("older than 7") }
            #expect(await node.tree.links.map(\.id) == [link.id])
        }
    }
}
