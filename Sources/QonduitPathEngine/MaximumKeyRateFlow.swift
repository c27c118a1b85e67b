public import QonduitCore

extension PathEngine {
    /// The maximum key rate `source` and `destination` can share over every relay path at once
    /// (links limited by their spare rate; trusted relays have no limit of their own), decomposed
    /// into paths, largest share first.
    ///
    /// Exact: Dinic's maximum flow on the links' spare rates, then a path decomposition of at most
    /// one path per link.
    public func maximumKeyRateFlow(
        from source: NodeID, to destination: NodeID, metric: PathMetric = .hops, constraints: PathConstraints = .init(),
        workspace: SearchWorkspace? = nil
    ) throws(PathComputationError) -> KeyRateFlow {
        guard constraints.maxHops == nil else {
            // A hop limit turns maximum flow into a linear program whose paths cannot be read off a flow.
            throw .invalidRequest("max_hops cannot be combined with the max_flow objective")
        }
        let query = try PathQuery(graph, source, destination, constraints)
        let workspace = workspace ?? SearchWorkspace(for: graph)
        let rules = SearchRules(metric: metric, minRateBps: constraints.minRateBps, maxHops: nil)
        query.begin(workspace)
        var builder = FlowNetwork.Builder(vertexCount: graph.nodeCount, expectedArcPairs: graph.linkCount)
        var largest = 0.0
        let view = SearchView(graph, rules, workspace)
        for link in 0..<graph.linkCount where graph.spareBps[link] > 0 {
            let a = Int(graph.linkEndA[link])
            let b = Int(graph.linkEndB[link])
            guard view.admits(link, to: b), graph.mayAppear(a, query: query, rules: rules, workspace: workspace),
                graph.mayAppear(b, query: query, rules: rules, workspace: workspace)
            else { continue }
            // One undirected link: key may flow either way, sharing the link's spare rate.
            builder.addPair(from: a, to: b, capacity: graph.spareBps[link], reverseCapacity: graph.spareBps[link], cost: 0, link: link)
            largest = max(largest, graph.spareBps[link])
        }
        var network = builder.build()
        let epsilon = 1e-9 * max(1, largest)
        let total = network.pushMaximumFlow(from: query.source, to: query.destination, epsilon: epsilon)
        guard total > epsilon else { throw diagnose(query, rules: rules, workspace: workspace) }
        let shares = graph.decomposeFlow(network, query: query, epsilon: epsilon, metric: metric)
        return KeyRateFlow(shares: shares, totalRateBps: shares.reduce(0) { $0 + $1.rateBps })
    }
}

extension RelayGraph {
    /// Splits a flow into paths: walk from the source along the link with the most flow left, drop
    /// any loop met on the way (circulating flow carries no key), and take the walk's bottleneck.
    func decomposeFlow(_ network: FlowNetwork, query: PathQuery, epsilon: Double, metric: PathMetric) -> [KeyRateFlow.Share] {
        // Net flow per link, in the direction it runs.
        var outgoing: [Int: [(link: Int, to: Int, amount: Double)]] = [:]
        for arc in stride(from: 0, to: network.head.count, by: 2) {
            let flow = network.capacity[arc] - network.residual[arc]
            guard abs(flow) > epsilon else { continue }
            let (from, to) = (network.tail(of: arc), Int(network.head[arc]))
            let step = flow > 0 ? (from, to) : (to, from)
            outgoing[step.0, default: []].append((Int(network.link[arc]), step.1, abs(flow)))
        }
        func takeLargest(from node: Int) -> Int? {
            guard let steps = outgoing[node], !steps.isEmpty else { return nil }
            return steps.indices.max {
                steps[$0].amount < steps[$1].amount || (steps[$0].amount == steps[$1].amount && steps[$0].link > steps[$1].link)
            }
        }
        func reduce(_ node: Int, _ index: Int, by amount: Double) {
            outgoing[node]![index].amount -= amount
            if outgoing[node]![index].amount <= epsilon { outgoing[node]!.remove(at: index) }
        }

        var shares: [KeyRateFlow.Share] = []
        let source = query.source
        let destination = query.destination
        walks: while takeLargest(from: source) != nil {
            // The walk: nodes visited and, for each step, (node it left, index of the step in that node's list).
            var nodes = [source]
            var steps: [(node: Int, index: Int)] = []
            var current = source
            while current != destination {
                guard let index = takeLargest(from: current) else { break walks }  // only rounding residue is left
                steps.append((current, index))
                current = outgoing[current]![index].to
                if let loopStart = nodes.firstIndex(of: current) {
                    let loop = steps[loopStart...]
                    let amount = loop.map { outgoing[$0.node]![$0.index].amount }.min()!
                    for step in loop.reversed() { reduce(step.node, step.index, by: amount) }
                    nodes.removeSubrange((loopStart + 1)...)
                    steps.removeSubrange(loopStart...)
                } else {
                    nodes.append(current)
                }
            }
            let amount = steps.map { outgoing[$0.node]![$0.index].amount }.min()!
            let links = steps.map { Int32(outgoing[$0.node]![$0.index].link) }
            // Removing a step shifts later indices in the same list; a loopless walk leaves each node once.
            for step in steps.reversed() { reduce(step.node, step.index, by: amount) }
            shares.append(.init(path: RelayPath(graph: self, nodeIndices: nodes.map { Int32($0) }, linkIndices: links), rateBps: amount))
        }
        return shares.sorted { a, b in
            if a.rateBps != b.rateBps { return a.rateBps > b.rateBps }
            let (valueA, valueB) = (a.path.value(metric, in: self), b.path.value(metric, in: self))
            if valueA != valueB { return valueA < valueB }
            return a.path.links.lexicographicallyPrecedes(b.path.links)
        }
    }
}
