import QonduitCore
import QonduitPathEngine
import QonduitTestSupport

/// Random small networks with every feature the engine must respect: untrusted nodes, links that
/// are down, parallel links, varied rates (some zero), lengths (some zero) and costs.
func randomTopology(seed: UInt64, nodes nodeCount: Int = 7, links linkCount: Int = 13) -> (Topology, [LinkID: Double]) {
    var random = SeededRandom(seed: seed)
    let nodes = (0..<nodeCount).map { index in
        QKDNode(id: try! NodeID("n\(index)"), trusted: Double.random(in: 0..<1, using: &random) > 0.2)
    }
    var links: [QKDLink] = []
    var costs: [LinkID: Double] = [:]
    for index in 0..<linkCount {
        let a = Int.random(in: 0..<nodeCount, using: &random)
        var b = Int.random(in: 0..<(nodeCount - 1), using: &random)
        if b >= a { b += 1 }
        let id = try! LinkID("l\(index)")
        costs[id] = Double(Int.random(in: 0...5, using: &random))
        links.append(
            QKDLink(
                id: id, nodeA: nodes[a].id, nodeB: nodes[b].id,
                lengthKm: Double(Int.random(in: 0...100, using: &random)),
                keyRateBps: Int.random(in: 0..<16, using: &random) == 0 ? 0 : Double(Int.random(in: 1...10, using: &random) * 1000),
                status: Double.random(in: 0..<1, using: &random) > 0.1 ? .up : .down,
                cost: costs[id]!
            ))
    }
    return (Topology(nodes: nodes, links: links), costs)
}

/// Every loopless path the rules allow, by exhaustive search: the reference the engine is checked against.
func allValidPaths(
    _ topology: Topology, from source: NodeID, to destination: NodeID, constraints: PathConstraints
) -> [[QKDLink]] {
    let trusted = Dictionary(uniqueKeysWithValues: topology.nodes.map { ($0.id, $0.trusted) })
    var result: [[QKDLink]] = []
    var path: [QKDLink] = []
    var visited: Set<NodeID> = [source]
    func extend(_ node: NodeID) {
        if node == destination {
            result.append(path)
            return
        }
        if node != source && trusted[node] != true { return }
        if let maxHops = constraints.maxHops, path.count >= maxHops { return }
        for link in topology.links
        where link.status == .up && link.keyRateBps > 0 && link.keyRateBps >= constraints.minRateBps
            && !constraints.excludeLinks.contains(link.id)
        {
            guard let next = link.otherEnd(of: node), !visited.contains(next), !constraints.excludeNodes.contains(next) else { continue }
            visited.insert(next)
            path.append(link)
            extend(next)
            path.removeLast()
            visited.remove(next)
        }
    }
    extend(source)
    return result
}

func value(_ links: [QKDLink], _ metric: PathMetric, costs: [LinkID: Double]) -> Double {
    links.reduce(0) { total, link in
        switch metric {
        case .hops: total + 1
        case .length: total + link.lengthKm
        case .rate: total + 1 / link.keyRateBps
        case .cost: total + (costs[link.id] ?? 1)
        }
    }
}

func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }
