import QonduitCore
import QonduitPathEngine
import QonduitTestSupport
import Testing

@Suite struct DisjointPathTests {
    /// The smallest total value of `k` pairwise disjoint paths among `paths`, by exhaustive search.
    func bestDisjointTotal(
        _ paths: [[QKDLink]], k: Int, _ disjointness: Disjointness, source: NodeID, destination: NodeID,
        metric: PathMetric, costs: [LinkID: Double]
    ) -> Double? {
        let ends: Set<NodeID> = [source, destination]
        func relays(_ path: [QKDLink]) -> Set<NodeID> {
            Set(path.flatMap { [$0.nodeA, $0.nodeB] }).subtracting(ends)
        }
        let items = paths.map { (links: Set($0.map(\.id)), relays: relays($0), value: value($0, metric, costs: costs)) }
        var best: Double?
        func choose(from start: Int, count: Int, total: Double, links: Set<LinkID>, relays: Set<NodeID>) {
            if count == k {
                best = min(best ?? .infinity, total)
                return
            }
            guard start < items.count else { return }
            for index in start..<items.count {
                let item = items[index]
                guard item.links.isDisjoint(with: links) else { continue }
                if disjointness == .node && !item.relays.isDisjoint(with: relays) { continue }
                choose(
                    from: index + 1, count: count + 1, total: total + item.value,
                    links: links.union(item.links), relays: relays.union(item.relays))
            }
        }
        choose(from: 0, count: 0, total: 0, links: [], relays: [])
        return best
    }

    func expectDisjoint(_ paths: [RelayPath], _ disjointness: Disjointness) {
        var links: Set<LinkID> = []
        var relays: Set<NodeID> = []
        for path in paths {
            #expect(links.isDisjoint(with: path.links), "paths share a link: \(paths.map(\.links))")
            links.formUnion(path.links)
            let inner = Set(path.nodes.dropFirst().dropLast())
            if disjointness == .node { #expect(relays.isDisjoint(with: inner), "paths share a relay: \(paths.map(\.nodes))") }
            relays.formUnion(inner)
        }
    }

    @Test(arguments: Disjointness.allCases)
    func matchesExhaustiveSearchOnRandomNetworks(_ disjointness: Disjointness) throws {
        let checker = ShortestPathTests()
        for seed in UInt64(0)..<300 {
            let (topology, costs) = randomTopology(seed: seed, nodes: 7, links: 14)
            let engine = PathEngine(graph: RelayGraph(topology: topology))
            var random = SeededRandom(seed: seed * 17 + 9)
            let source = try NodeID("n0")
            let destination = try NodeID("n\(Int.random(in: 1..<7, using: &random))")
            var constraints = checker.randomConstraints(&random, topology, avoiding: [source, destination])
            constraints.maxHops = nil
            let metric = PathMetric.allCases.randomElement(using: &random)!
            let k = Int.random(in: 1...3, using: &random)
            let reference = allValidPaths(topology, from: source, to: destination, constraints: constraints)
            let best = bestDisjointTotal(reference, k: k, disjointness, source: source, destination: destination, metric: metric, costs: costs)
            do {
                let paths = try engine.disjointPaths(
                    from: source, to: destination, k: k, disjointness: disjointness, metric: metric, constraints: constraints
                )
                #expect(paths.count == k)
                for path in paths { checker.expectValid(path, topology, source, destination, constraints) }
                expectDisjoint(paths, disjointness)
                let total = paths.reduce(0) { $0 + $1.value(metric, in: engine.graph) }
                #expect(best.map { close($0, total) } == true, "seed \(seed) k \(k): found \(total), best \(String(describing: best))")
                let values = paths.map { $0.value(metric, in: engine.graph) }
                #expect(values == values.sorted(), "ordered by value")
            } catch {
                #expect(best == nil, "seed \(seed) k \(k): engine found none (\(error)) but a set of total \(best!) exists")
            }
        }
    }

    /// A ring A-B-C-D-A plus a chord B-D: the shortest path A-B-C... traps a greedy second search.
    @Test func findsThePairAGreedySecondSearchMisses() throws {
        // The classic trap: the shortest path s-a-b-t uses the middle of both disjoint routes s-a-t and s-b-t.
        let ids = ["s", "a", "b", "t"]
        let nodes = try ids.map { QKDNode(id: try NodeID($0)) }
        func link(_ id: String, _ a: String, _ b: String, _ km: Double) throws -> QKDLink {
            QKDLink(id: try LinkID(id), nodeA: try NodeID(a), nodeB: try NodeID(b), lengthKm: km, keyRateBps: 1000)
        }
        let links = try [
            link("sa", "s", "a", 1), link("ab", "a", "b", 1), link("bt", "b", "t", 1),
            link("at", "a", "t", 5), link("sb", "s", "b", 5),
        ]
        let engine = PathEngine(graph: RelayGraph(topology: Topology(nodes: nodes, links: links)))
        let greedyFirst = try engine.shortestPath(from: NodeID("s"), to: NodeID("t"), metric: .length)
        #expect(greedyFirst.links.map(\.rawValue) == ["sa", "ab", "bt"])
        let pair = try engine.disjointPaths(from: NodeID("s"), to: NodeID("t"), k: 2, disjointness: .node, metric: .length)
        #expect(pair.map { $0.links.map(\.rawValue) } == [["sa", "at"], ["sb", "bt"]])
        #expect(throws: PathComputationError.self) {
            try engine.disjointPaths(from: NodeID("s"), to: NodeID("t"), k: 3, disjointness: .node, metric: .length)
        }
        do {
            _ = try engine.disjointPaths(from: NodeID("s"), to: NodeID("t"), k: 3, disjointness: .link, metric: .length)
            Issue.record("three link-disjoint paths cannot exist: s has two links")
        } catch {
            #expect("\(error)".contains("only 2 link-disjoint"))
        }
    }

    @Test func refusesAHopLimit() throws {
        let (topology, _) = randomTopology(seed: 1)
        let engine = PathEngine(graph: RelayGraph(topology: topology))
        #expect(throws: PathComputationError.invalidRequest("max_hops cannot be combined with disjoint paths")) {
            try engine.disjointPaths(
                from: NodeID("n0"), to: NodeID("n1"), k: 2, disjointness: .node, metric: .hops,
                constraints: PathConstraints(maxHops: 3))
        }
    }
}
