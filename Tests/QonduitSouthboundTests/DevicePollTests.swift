import Hummingbird
import HummingbirdTesting
import QonduitAgent
import QonduitCore
import QonduitETSI
import QonduitSouthbound
import Testing

/// The controller's reads of a standard device: in the encoding asked for, and conditional on the
/// entity tag the device gave.
@Suite struct DevicePollTests {
    static let me = QKDUUID("aaaaaaaa-0000-4000-8000-00000000000a")!

    func device() -> SimulatedNode {
        FleetNode(
            nodeID: "a", qkdnID: Self.me,
            links: [.init(qkdlID: QKDUUID("abababab-0000-4000-8000-0000000000ab")!, remote: .random(), nominalRateBps: 10_000, up: true)]
        ).simulatedNode()
    }

    @Test(arguments: ETSIEncoding.allCases)
    func anUnchangedTreeIsNotReadAgain(encoding: ETSIEncoding) async throws {
        let node = device()
        let app = Application(router: AgentRESTCONFServer.router(for: node), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let root = "http://127.0.0.1:\(client.port!)/restconf"
            let restconf = AgentRESTCONFClient { _ in .init(encoding: encoding) }
            guard case .tree(let tree, _, let etag?, let answered) = try await restconf.poll(at: root) else {
                Issue.record("the first poll reads the tree with its entity tag")
                return
            }
            #expect(tree.id == Self.me && answered == encoding)
            guard case .unchanged = try await restconf.poll(at: root, etag: etag) else {
                Issue.record("an unchanged tree is a 304")
                return
            }
            _ = await node.advance(seconds: 1)
            guard case .tree(_, _, let next?, _) = try await restconf.poll(at: root, etag: etag) else {
                Issue.record("a changed tree is read again")
                return
            }
            #expect(next != etag)
        }
    }

    /// Asking for both encodings gets the one the device prefers, and says which it was.
    @Test func askingForBothTakesWhatTheDeviceAnswers() async throws {
        let app = Application(router: AgentRESTCONFServer.router(for: device()), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let root = "http://127.0.0.1:\(client.port!)/restconf"
            let poll = try await AgentRESTCONFClient().poll(at: root, access: .init(encoding: .xml), askingBoth: true)
            guard case .tree(_, let document, _, let encoding) = poll else {
                Issue.record("no tree")
                return
            }
            #expect(encoding == .json && document.hasPrefix("{"))
        }
    }
}
