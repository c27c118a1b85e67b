import QonduitCore
import QonduitPathEngine
import QonduitTestSupport
import Testing

@Suite struct ShortestPathTests {
    /// Checks that `path` is a real, loopless path that obeys every constraint.
    func expectValid(_ path: RelayPath, _ topology: Topology, _ source: NodeID, _ destination: NodeID, _ constraints: PathConstraints) {
        let links = Dictionary(uniqueKeysWithValues: topology.links.map { ($0.id, $0) })
        let trusted = Dictionary(uniqueKeysWithValues: topology.nodes.map { ($0.id, $0.trusted) })
        #expect(path.nodes.first == source && path.nodes.last == destination)
        #expect(Set(path.nodes).count == path.nodes.count, "loopless")
        #expect(path.nodes.dropFirst().dropLast().allSatisfy { trusted[$0] == true }, "relays are trusted")
        for (index, id) in path.links.enumerated() {
            let link = links[id]!
            #expect(link.otherEnd(of: path.nodes[index]) == path.nodes[index + 1], "links join consecutive nodes")
            #expect(link.status == .up && link.keyRateBps > 0 && link.keyRateBps >= constraints.minRateBps && !constraints.excludeLinks.contains(id))
        }
        #expect(constraints.excludeNodes.isDisjoint(with: path.nodes))
        if let maxHops = constraints.maxHops { #expect(path.hops <= maxHops) }
    }

    func randomConstraints(_ random: inout SeededRandom, _ topology: Topology, avoiding ends: [NodeID]) -> PathConstraints {
        var constraints = PathConstraints()
        if Bool.random(using: &random) { constraints.minRateBps = Double(Int.random(in: 0...8, using: &random) * 1000) }
        if Bool.random(using: &random) { constraints.maxHops = Int.random(in: 1...4, using: &random) }
        if Int.random(in: 0..<4, using: &random) == 0, let node = topology.nodes.randomElement(using: &random), !ends.contains(node.id) {
            constraints.excludeNodes = [node.id]
        }
        if Int.random(in: 0..<4, using: &random) == 0, let link = topology.links.randomElement(using: &random) {
            constraints.excludeLinks = [link.id]
        }
        return constraints
    }

    @Test(arguments: PathMetric.allCases)
    func matchesExhaustiveSearchOnRandomNetworks(_ metric: PathMetric) throws {
        for seed in UInt64(0)..<400 {
            let (topology, costs) = randomTopology(seed: seed)
            let engine = PathEngine(graph: RelayGraph(topology: topology))
            var random = SeededRandom(seed: seed * 7 + 1)
            let source = try NodeID("n\(Int.random(in: 0..<7, using: &random))")
            let destination = try NodeID("n\((Int(source.rawValue.dropFirst())! + Int.random(in: 1..<7, using: &random)) % 7)")
            let constraints = randomConstraints(&random, topology, avoiding: [source, destination])
            let reference = allValidPaths(topology, from: source, to: destination, constraints: constraints)
            let best = reference.map { value($0, metric, costs: costs) }.min()
            do {
                let path = try engine.shortestPath(from: source, to: destination, metric: metric, constraints: constraints)
                expectValid(path, topology, source, destination, constraints)
                let links = Dictionary(uniqueKeysWithValues: topology.links.map { ($0.id, $0) })
                let found = value(path.links.map { links[$0]! }, metric, costs: costs)
                #expect(best.map { close($0, found) } == true, "seed \(seed): found \(found), best \(String(describing: best))")
            } catch {
                #expect(best == nil, "seed \(seed): engine found none (\(error)) but a path of value \(best!) exists")
            }
        }
    }

    @Test func matchesExhaustiveSearchOnLargerSparseNetworks() throws {
        for seed in UInt64(1_000)..<1_300 {
            let (topology, costs) = randomTopology(seed: seed, nodes: 12, links: 19)
            let engine = PathEngine(graph: RelayGraph(topology: topology))
            let workspace = SearchWorkspace(for: engine.graph)
            for destination in 1..<12 {
                let source = try NodeID("n0")
                let target = try NodeID("n\(destination)")
                let best = allValidPaths(topology, from: source, to: target, constraints: .init())
                    .map { value($0, .length, costs: costs) }.min()
                let found = try? engine.shortestPath(from: source, to: target, metric: .length, workspace: workspace)
                #expect(found.map(\.lengthKm).map { close($0, best ?? -1) } ?? (best == nil), "seed \(seed) to n\(destination)")
            }
        }
    }

    @Test func widestPathMaximisesTheBottleneckThenTheMetric() throws {
        for seed in UInt64(0)..<400 {
            let (topology, costs) = randomTopology(seed: seed)
            let engine = PathEngine(graph: RelayGraph(topology: topology))
            var random = SeededRandom(seed: seed * 11 + 3)
            let source = try NodeID("n0")
            let destination = try NodeID("n\(Int.random(in: 1..<7, using: &random))")
            let constraints = randomConstraints(&random, topology, avoiding: [source, destination])
            let reference = allValidPaths(topology, from: source, to: destination, constraints: constraints)
            let widest = reference.map { $0.map(\.keyRateBps).min()! }.max()
            do {
                let path = try engine.widestPath(from: source, to: destination, metric: .length, constraints: constraints)
                expectValid(path, topology, source, destination, constraints)
                #expect(path.bottleneckBps == widest, "seed \(seed)")
                let bestLength = reference.filter { $0.map(\.keyRateBps).min() == widest }.map { value($0, .length, costs: costs) }.min()!
                #expect(close(path.lengthKm, bestLength), "seed \(seed)")
            } catch {
                #expect(widest == nil, "seed \(seed): \(error)")
            }
        }
    }

    @Test func kShortestPathsAreTheKBestLooplessPathsInOrder() throws {
        for seed in UInt64(0)..<300 {
            let (topology, costs) = randomTopology(seed: seed, nodes: 7, links: 15)
            let engine = PathEngine(graph: RelayGraph(topology: topology))
            var random = SeededRandom(seed: seed * 13 + 5)
            let source = try NodeID("n0")
            let destination = try NodeID("n\(Int.random(in: 1..<7, using: &random))")
            let constraints = randomConstraints(&random, topology, avoiding: [source, destination])
            let k = Int.random(in: 1...8, using: &random)
            let reference = allValidPaths(topology, from: source, to: destination, constraints: constraints)
                .map { value($0, .length, costs: costs) }.sorted()
            guard !reference.isEmpty else {
                #expect(throws: PathComputationError.self) {
                    try engine.kShortestPaths(from: source, to: destination, k: k, metric: .length, constraints: constraints)
                }
                continue
            }
            let paths = try engine.kShortestPaths(from: source, to: destination, k: k, metric: .length, constraints: constraints)
            #expect(paths.count == min(k, reference.count), "seed \(seed)")
            #expect(Set(paths.map(\.links)).count == paths.count, "distinct")
            for (path, expected) in zip(paths, reference) {
                expectValid(path, topology, source, destination, constraints)
                #expect(close(path.lengthKm, expected), "seed \(seed): \(paths.map(\.lengthKm)) vs \(reference.prefix(k))")
            }
        }
    }
}

@Suite struct NoPathDiagnosisTests {
    /// A - R - B, where R is a trusted relay, and A - U - B through an untrusted node.
    func network(rate: Double = 1000, relayTrusted: Bool = true, status: LinkStatus = .up) throws -> PathEngine {
        let nodes = [QKDNode(id: try NodeID("A")), QKDNode(id: try NodeID("B")), QKDNode(id: try NodeID("R"), trusted: relayTrusted)]
        let links = [
            QKDLink(id: try LinkID("AR"), nodeA: nodes[0].id, nodeB: nodes[2].id, lengthKm: 10, keyRateBps: rate, status: status),
            QKDLink(id: try LinkID("RB"), nodeA: nodes[2].id, nodeB: nodes[1].id, lengthKm: 10, keyRateBps: rate),
        ]
        return PathEngine(graph: RelayGraph(topology: Topology(nodes: nodes, links: links)))
    }

    func reason(_ engine: PathEngine, _ constraints: PathConstraints = .init()) throws -> String {
        do {
            _ = try engine.shortestPath(from: try NodeID("A"), to: try NodeID("B"), metric: .hops, constraints: constraints)
            return "found a path"
        } catch {
            return "\(error)"
        }
    }

    @Test func namesTheConstraintThatRuledOutEveryPath() throws {
        #expect(try reason(network(), PathConstraints(minRateBps: 2000)).contains("with 2000 bit/s spare"))
        #expect(try reason(network(), PathConstraints(maxHops: 1)).contains("more than 1 hop"))
        #expect(try reason(network(), PathConstraints(excludeNodes: [NodeID("R")])).contains("excluded"))
        #expect(try reason(network(status: .down)).contains("not up"))
        #expect(try reason(network(relayTrusted: false)).contains("untrusted"))
        #expect(try reason(network(), PathConstraints(excludeLinks: [LinkID("AR")])).contains("excluded"))
    }

    /// A - B directly over a link that produces no key, and, when `detour`, A - R - B at 1000 bit/s.
    func zeroRateNetwork(detour: Bool) throws -> PathEngine {
        let a = try NodeID("A")
        let b = try NodeID("B")
        let r = try NodeID("R")
        var nodes = [QKDNode(id: a), QKDNode(id: b)]
        var links = [QKDLink(id: try LinkID("AB"), nodeA: a, nodeB: b, lengthKm: 1, keyRateBps: 0)]
        if detour {
            nodes.append(QKDNode(id: r))
            links += [
                QKDLink(id: try LinkID("AR"), nodeA: a, nodeB: r, lengthKm: 50, keyRateBps: 1000),
                QKDLink(id: try LinkID("RB"), nodeA: r, nodeB: b, lengthKm: 50, keyRateBps: 1000),
            ]
        }
        return PathEngine(graph: RelayGraph(topology: Topology(nodes: nodes, links: links)))
    }

    /// Every objective the API offers, each answering the routes it found (or throwing why none).
    func everyObjective(_ engine: PathEngine) -> [String: () throws -> [RelayPath]] {
        let a = try! NodeID("A")
        let b = try! NodeID("B")
        return [
            "shortest": { [try engine.shortestPath(from: a, to: b, metric: .hops)] },
            "k-shortest": { try engine.kShortestPaths(from: a, to: b, k: 3, metric: .length) },
            "widest": { [try engine.widestPath(from: a, to: b, metric: .hops)] },
            "widest within hops": { [try engine.widestPath(from: a, to: b, metric: .hops, constraints: .init(maxHops: 3))] },
            "disjoint": { try engine.disjointPaths(from: a, to: b, k: 1, disjointness: .link, metric: .cost) },
            "rate": { [try engine.shortestPath(from: a, to: b, metric: .rate)] },
            "max flow": { try engine.maximumKeyRateFlow(from: a, to: b, metric: .hops).shares.map(\.path) },
        ]
    }

    @Test func aLinkThatProducesNoKeyCarriesNoPathForAnyObjective() throws {
        for (objective, compute) in everyObjective(try zeroRateNetwork(detour: false)) {
            do {
                let paths = try compute()
                #expect(paths.isEmpty, "\(objective) found \(paths.map(\.links)) over a link with no key rate")
            } catch {
                #expect("\(error)".contains("no spare key rate"), "\(objective): \(error)")
            }
        }
    }

    @Test func aZeroRateShortcutIsPassedByForTheLongerRouteThatCarriesKey() throws {
        for (objective, compute) in everyObjective(try zeroRateNetwork(detour: true)) {
            let paths = try compute()
            #expect(paths.map { $0.links.map(\.rawValue) } == [["AR", "RB"]], "\(objective)")
            #expect(paths.allSatisfy { $0.bottleneckBps == 1000 }, "\(objective)")
        }
    }

    @Test func aFullyReservedLinkIsUnusableWithoutARequestedRate() throws {
        let a = try NodeID("A")
        let b = try NodeID("B")
        let topology = Topology(
            nodes: [QKDNode(id: a), QKDNode(id: b)],
            links: [QKDLink(id: try LinkID("AB"), nodeA: a, nodeB: b, lengthKm: 1, keyRateBps: 1000)]
        )
        let engine = PathEngine(graph: RelayGraph(topology: topology, reservedBps: [try LinkID("AB"): 1000]))
        #expect(throws: PathComputationError.self) { try engine.shortestPath(from: a, to: b, metric: .hops) }
        #expect(try reason(engine).contains("all of its key rate is reserved"))
    }

    @Test func refusesUnknownAndIdenticalEnds() throws {
        let engine = try network()
        #expect(throws: PathComputationError.unknownNode("Z")) { try engine.shortestPath(from: NodeID("A"), to: NodeID("Z"), metric: .hops) }
        #expect(throws: PathComputationError.sameEnds(try NodeID("A"))) { try engine.shortestPath(from: NodeID("A"), to: NodeID("A"), metric: .hops) }
    }
}
