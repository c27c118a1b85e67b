import QonduitCore
import Testing

/// What the network offers waiting paths: usable links with their spare rate, and nodes that are up;
/// and when that is more than before.
@Suite struct NetworkHeadroomTests {
    @Test func onlyWhatCanCarryKeyCounts() throws {
        let (a, b, c) = (try NodeID("a"), try NodeID("b"), try NodeID("c"))
        let links = [
            QKDLink(id: try LinkID("ab"), nodeA: a, nodeB: b, lengthKm: 1, keyRateBps: 1_000),
            QKDLink(id: try LinkID("bc"), nodeA: b, nodeB: c, lengthKm: 1, keyRateBps: 1_000, status: .down),
            QKDLink(id: try LinkID("ac"), nodeA: a, nodeB: c, lengthKm: 1, keyRateBps: 1_000, qber: 0.2),
            QKDLink(
                id: try LinkID("ca"), nodeA: c, nodeB: a, lengthKm: 1, keyRateBps: 1_000,
                measuredAtB: LinkMeasurement(status: .up, keyRateBps: 600)),
        ]
        let nodes = [QKDNode(id: a), QKDNode(id: b, measuredStatus: .unreachable), QKDNode(id: c, status: .down)]
        let headroom = NetworkHeadroom(links: links, nodes: nodes, reservedBps: [try LinkID("ab"): 250, try LinkID("ca"): 100], qberThreshold: 0.11)
        #expect(headroom.spareBps == ["ab": 750, "ca": 500], "a link down or too noisy offers nothing; a measured rate is in force")
        #expect(headroom.usableNodes == ["a"])
        #expect(NetworkHeadroom(links: links, nodes: nodes, reservedBps: [:], qberThreshold: nil).spareBps["ac"] == 1_000, "no threshold")
    }

    @Test func aGainIsMoreRateANewLinkOrANodeBack() {
        let before = NetworkHeadroom(spareBps: ["ab": 100, "bc": 0.1], usableNodes: ["a", "b"])
        #expect(!before.gains(over: before))
        #expect(!NetworkHeadroom(spareBps: ["ab": 100 + 1e-12, "bc": 0.1], usableNodes: ["a", "b"]).gains(over: before), "rounding is no gain")
        #expect(!NetworkHeadroom(spareBps: ["ab": 50], usableNodes: ["a"]).gains(over: before), "less is no gain")
        #expect(NetworkHeadroom(spareBps: ["ab": 101, "bc": 0.1], usableNodes: ["a", "b"]).gains(over: before))
        #expect(NetworkHeadroom(spareBps: ["ab": 100, "bc": 0.1, "cd": 0], usableNodes: ["a", "b"]).gains(over: before), "a link usable again")
        #expect(NetworkHeadroom(spareBps: ["ab": 100], usableNodes: ["a", "b", "c"]).gains(over: before), "a node back")
    }
}
