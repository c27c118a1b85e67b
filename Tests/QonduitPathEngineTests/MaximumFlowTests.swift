import QonduitCore
import QonduitPathEngine
import QonduitTestSupport
import Testing

@Suite struct MaximumFlowTests {
    /// The smallest cut between `source` and `destination` over the links a key may use, by trying
    /// every side the source may be on.
    func minimumCut(_ topology: Topology, _ source: NodeID, _ destination: NodeID, _ constraints: PathConstraints) -> Double {
        let trusted = Dictionary(uniqueKeysWithValues: topology.nodes.map { ($0.id, $0.trusted) })
        func present(_ node: NodeID) -> Bool {
            node == source || node == destination || (trusted[node] == true && !constraints.excludeNodes.contains(node))
        }
        let usable = topology.links.filter {
            $0.status == .up && $0.keyRateBps > 0 && $0.keyRateBps >= constraints.minRateBps && !constraints.excludeLinks.contains($0.id)
                && present($0.nodeA) && present($0.nodeB)
        }
        let others = topology.nodes.map(\.id).filter { $0 != source && $0 != destination }
        var best = Double.infinity
        for mask in 0..<(1 << others.count) {
            var side: Set<NodeID> = [source]
            for (bit, node) in others.enumerated() where mask & (1 << bit) != 0 { side.insert(node) }
            let cut = usable.filter { side.contains($0.nodeA) != side.contains($0.nodeB) }.reduce(0) { $0 + $1.keyRateBps }
            best = min(best, cut)
        }
        return best
    }

    @Test func equalsTheMinimumCutAndDecomposesIntoValidPaths() throws {
        let checker = ShortestPathTests()
        for seed in UInt64(0)..<400 {
            let (topology, _) = randomTopology(seed: seed, nodes: 8, links: 16)
            let engine = PathEngine(graph: RelayGraph(topology: topology))
            var random = SeededRandom(seed: seed * 19 + 7)
            let source = try NodeID("n0")
            let destination = try NodeID("n\(Int.random(in: 1..<8, using: &random))")
            var constraints = checker.randomConstraints(&random, topology, avoiding: [source, destination])
            constraints.maxHops = nil
            let cut = minimumCut(topology, source, destination, constraints)
            do {
                let flow = try engine.maximumKeyRateFlow(from: source, to: destination, constraints: constraints)
                #expect(close(flow.totalRateBps, cut), "seed \(seed): flow \(flow.totalRateBps), min cut \(cut)")
                var carried: [LinkID: Double] = [:]
                for share in flow.shares {
                    checker.expectValid(share.path, topology, source, destination, constraints)
                    #expect(share.rateBps > 0 && share.rateBps <= share.path.bottleneckBps)
                    for link in share.path.links { carried[link, default: 0] += share.rateBps }
                }
                let rates = Dictionary(uniqueKeysWithValues: topology.links.map { ($0.id, $0.keyRateBps) })
                for (link, total) in carried { #expect(total <= rates[link]! * (1 + 1e-9), "seed \(seed): \(link) over capacity") }
                #expect(flow.shares.map(\.rateBps) == flow.shares.map(\.rateBps).sorted(by: >))
            } catch {
                #expect(cut == 0, "seed \(seed): engine found no flow (\(error)) but the min cut is \(cut)")
            }
        }
    }

    @Test func spareRateNotTheNominalRateLimitsTheFlow() throws {
        let nodes = try ["a", "r", "b"].map { QKDNode(id: try NodeID($0)) }
        let links = [
            QKDLink(id: try LinkID("ar"), nodeA: nodes[0].id, nodeB: nodes[1].id, lengthKm: 1, keyRateBps: 5000),
            QKDLink(id: try LinkID("rb"), nodeA: nodes[1].id, nodeB: nodes[2].id, lengthKm: 1, keyRateBps: 5000),
            QKDLink(id: try LinkID("ab"), nodeA: nodes[0].id, nodeB: nodes[2].id, lengthKm: 9, keyRateBps: 1000),
        ]
        let graph = RelayGraph(topology: Topology(nodes: nodes, links: links), reservedBps: [try LinkID("rb"): 3000])
        let flow = try PathEngine(graph: graph).maximumKeyRateFlow(from: NodeID("a"), to: NodeID("b"))
        #expect(flow.totalRateBps == 3000)
        #expect(flow.shares.map { $0.path.links.map(\.rawValue) } == [["ar", "rb"], ["ab"]])
        #expect(flow.shares.map(\.rateBps) == [2000, 1000])
    }
}
