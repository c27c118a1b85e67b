import QonduitCore
import QonduitPathEngine
import QonduitTestSupport
import Testing

@Suite struct WaypointTests {
    /// Whether `path`, as nodes from `source`, passes through `waypoints` in that order.
    func visitsInOrder(_ nodes: [NodeID], _ waypoints: [NodeID]) -> Bool {
        var remaining = waypoints[...]
        for node in nodes where node == remaining.first { remaining = remaining.dropFirst() }
        return remaining.isEmpty
    }

    func nodes(of links: [QKDLink], from source: NodeID) -> [NodeID] {
        var result = [source]
        for link in links { result.append(link.otherEnd(of: result.last!)!) }
        return result
    }

    @Test func theKBestRoutesThroughWaypointsMatchExhaustiveSearch() throws {
        let checker = ShortestPathTests()
        var routesFound = 0
        for seed in UInt64(0)..<300 {
            let (topology, costs) = randomTopology(seed: seed, nodes: 8, links: 16)
            let engine = PathEngine(graph: RelayGraph(topology: topology))
            var random = SeededRandom(seed: seed * 23 + 11)
            let source = try NodeID("n0")
            let destination = try NodeID("n7")
            var constraints = checker.randomConstraints(&random, topology, avoiding: [source, destination])
            let candidates = topology.nodes.filter {
                $0.trusted && ![source, destination].contains($0.id) && !constraints.excludeNodes.contains($0.id)
            }
            constraints.includeNodes = Array(candidates.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)).map(\.id))
            if let maxHops = constraints.maxHops { constraints.maxHops = maxHops + constraints.includeNodes.count + 1 }
            let metric = PathMetric.allCases.randomElement(using: &random)!
            let k = Int.random(in: 1...4, using: &random)
            let reference = allValidPaths(topology, from: source, to: destination, constraints: constraints)
                .filter { visitsInOrder(nodes(of: $0, from: source), constraints.includeNodes) }
                .map { value($0, metric, costs: costs) }.sorted()
            do {
                let paths = try engine.kShortestPaths(from: source, to: destination, k: k, metric: metric, constraints: constraints)
                routesFound += 1
                #expect(paths.count == min(k, reference.count), "seed \(seed)")
                for (path, expected) in zip(paths, reference) {
                    checker.expectValid(path, topology, source, destination, constraints)
                    #expect(visitsInOrder(path.nodes, constraints.includeNodes), "seed \(seed): \(path.nodes) misses \(constraints.includeNodes)")
                    #expect(
                        close(path.value(metric, in: engine.graph), expected),
                        "seed \(seed): \(paths.map { $0.value(metric, in: engine.graph) }) vs \(reference.prefix(k))")
                }
            } catch {
                #expect(reference.isEmpty, "seed \(seed): engine found none (\(error)) but \(reference.count) route(s) exist")
            }
        }
        #expect(routesFound > 50, "the random cases exercise routes that exist")
    }

    @Test func widestRouteThroughAWaypoint() throws {
        // a - b - c direct, and a - w - c around through the waypoint w with a wider link.
        let nodes = try ["a", "b", "c", "w"].map { QKDNode(id: try NodeID($0)) }
        func link(_ id: String, _ x: String, _ y: String, _ rate: Double) throws -> QKDLink {
            QKDLink(id: try LinkID(id), nodeA: try NodeID(x), nodeB: try NodeID(y), lengthKm: 10, keyRateBps: rate)
        }
        let links = try [
            link("ab", "a", "b", 9000), link("bc", "b", "c", 9000), link("aw", "a", "w", 3000),
            link("wc", "w", "c", 2000), link("wb", "w", "b", 5000),
        ]
        let engine = PathEngine(graph: RelayGraph(topology: Topology(nodes: nodes, links: links)))
        let widest = try engine.widestPath(
            from: NodeID("a"), to: NodeID("c"), metric: .hops,
            constraints: PathConstraints(includeNodes: [NodeID("w")]))
        #expect(widest.nodes.map(\.rawValue) == ["a", "w", "b", "c"] && widest.bottleneckBps == 3000)
    }

    @Test func badWaypointsAreNamed() throws {
        let (topology, _) = randomTopology(seed: 3)
        let engine = PathEngine(graph: RelayGraph(topology: topology))
        let untrusted = topology.nodes.first { !$0.trusted && $0.id.rawValue != "n0" && $0.id.rawValue != "n1" }!.id
        func reason(_ include: [String]) -> String {
            do {
                _ = try engine.shortestPath(
                    from: NodeID("n0"), to: NodeID("n1"), metric: .hops,
                    constraints: PathConstraints(includeNodes: include.map { try NodeID($0) }))
                return "found"
            } catch { return "\(error)" }
        }
        #expect(reason(["n1"]).contains("end of the path"))
        #expect(reason(["n2", "n2"]).contains("twice"))
        #expect(reason(["nowhere"]).contains("no node with id 'nowhere'"))
        #expect(reason([untrusted.rawValue]).contains("not a trusted node"))
    }

    @Test func aLegWithoutPathIsNamed() throws {
        let nodes = try ["a", "b", "island"].map { QKDNode(id: try NodeID($0)) }
        let links = [QKDLink(id: try LinkID("ab"), nodeA: nodes[0].id, nodeB: nodes[1].id, lengthKm: 1, keyRateBps: 1)]
        let engine = PathEngine(graph: RelayGraph(topology: Topology(nodes: nodes, links: links)))
        do {
            _ = try engine.shortestPath(
                from: NodeID("a"), to: NodeID("b"), metric: .hops, constraints: PathConstraints(includeNodes: [NodeID("island")]))
            Issue.record("no route can reach the island")
        } catch {
            #expect("\(error)".contains("leg from 'a' to 'island'"), "\(error)")
        }
    }
}
