import QonduitCore
import Testing

/// What a node should hold follows from the key paths through it: active and degraded ones are
/// desired, pending ones and retiring routes are provisioning's, failed ones hold nothing.
@Suite struct NodeHoldingTests {
    func path(_ state: KeyPathState, application: Bool = false) throws -> QKDKeyPath {
        let (a, b) = (try NodeID("a"), try NodeID("b"))
        var path = QKDKeyPath(
            id: .random(), source: a, destination: b, rateBps: 10, metric: .hops, appID: .random(),
            routes: [KeyPathRoute(role: .primary, nodes: [a, b], links: [try LinkID("ab")], rateBps: 10, qkdlID: .random())])
        if application {
            path.clientAppID = "urn:app:a"
            path.serverAppID = "urn:app:b"
        }
        path.state = state
        return path
    }

    @Test func eachStateHoldsWhatItShould() throws {
        let (active, degraded, pending, failed) = (try path(.active), try path(.degraded), try path(.pending, application: true), try path(.failed))
        let retiring = QKDUUID.random()
        let holding = NodeHolding(paths: [failed, pending, degraded, active], retiring: [retiring])
        #expect(Set(holding.desired.map(\.id)) == [active.id, degraded.id])
        #expect(holding.desired.map(\.id.text) == holding.desired.map(\.id.text).sorted(), "in id order")
        #expect(holding.inProgress == [retiring, pending.routes[0].qkdlID, pending.appID], "a pending path's virtual link and application")
        #expect(NodeHolding(paths: [failed], retiring: []).desired.isEmpty && NodeHolding(paths: [failed], retiring: []).inProgress.isEmpty)
    }
}
