public import QonduitCore

/// Disjoint key-relay paths, for protection (a backup that shares nothing with the working path)
/// and for multipath relay (a key split so that no single relay sees it whole).
extension PathEngine {
    /// `k` paths that share no relay node (or no link) and have the smallest total value under
    /// `metric`; ordered by value. Throws when fewer than `k` such paths exist.
    ///
    /// Exact: a unit-capacity network (relays split into an entry and an exit joined by one unit)
    /// solved by successive shortest paths, O(k · L log N).
    public func disjointPaths(
        from source: NodeID, to destination: NodeID, k: Int, disjointness: Disjointness, metric: PathMetric,
        constraints: PathConstraints = .init(),
        workspace: SearchWorkspace? = nil
    ) throws(PathComputationError) -> [RelayPath] {
        guard (1...16).contains(k) else { throw .invalidRequest("k must be from 1 to 16, got \(k)") }
        guard constraints.maxHops == nil else {
            // Disjoint paths under a hop limit is NP-hard; an answer that silently broke either rule would mislead.
            throw .invalidRequest("max_hops cannot be combined with disjoint paths")
        }
        let query = try PathQuery(graph, source, destination, constraints)
        let workspace = workspace ?? SearchWorkspace(for: graph)
        let rules = SearchRules(metric: metric, minRateBps: constraints.minRateBps, maxHops: nil)
        query.begin(workspace)
        var network = graph.disjointPathNetwork(query: query, rules: rules, disjointness: disjointness, workspace: workspace)
        let sent = network.sendCheapestUnits(k)
        guard sent > 0 else { throw diagnose(query, rules: rules, workspace: workspace) }
        guard sent == k else {
            throw .noPath(
                source: source, destination: destination,
                reason: "only \(sent) \(disjointness.rawValue)-disjoint trusted relay path(s) connect '\(source)' and '\(destination)' "
                    + "within the constraints; \(k) were asked for"
            )
        }
        let paths = graph.decomposeUnitFlow(network.network, query: query, disjointness: disjointness, metric: metric)
        return
            paths
            .sorted { PathCandidate.precedes($0, $1) }
            .map { RelayPath(graph: graph, nodeIndices: $0.nodes, linkIndices: $0.links) }
    }
}

/// A flow network with its chosen source and sink vertices.
struct RootedFlowNetwork {
    var network: FlowNetwork
    var source: Int
    var sink: Int

    mutating func sendCheapestUnits(_ units: Int) -> Int {
        network.sendCheapestUnits(from: source, to: sink, units: units)
    }
}

extension RelayGraph {
    /// Whether a node may appear on a path at all: an end, or a trusted relay that is not excluded.
    /// With `SearchView.admits` for the link, this is the path searches' rule applied to a whole link.
    @inline(__always)
    func mayAppear(_ node: Int, query: PathQuery, rules: SearchRules, workspace: SearchWorkspace) -> Bool {
        node == query.source || node == query.destination
            || (!workspace.isNodeBlocked(node) && (!rules.requireTrustedRelays || trusted[node]))
    }

    /// The unit-capacity network whose integral flows are sets of disjoint paths. For node
    /// disjointness each relay `v` becomes an entry `2v` and an exit `2v+1` joined by one unit.
    func disjointPathNetwork(
        query: PathQuery, rules: SearchRules, disjointness: Disjointness, workspace: SearchWorkspace
    ) -> RootedFlowNetwork {
        let split = disjointness == .node
        let source = query.source
        let destination = query.destination
        let entry: (Int) -> Int = split ? { 2 * $0 } : { $0 }
        let exit: (Int) -> Int = split ? { 2 * $0 + 1 } : { $0 }
        var builder = FlowNetwork.Builder(
            vertexCount: split ? 2 * nodeCount : nodeCount, expectedArcPairs: 2 * linkCount + (split ? nodeCount : 0)
        )
        if split {
            for node in 0..<nodeCount
            where node != source && node != destination
                && mayAppear(node, query: query, rules: rules, workspace: workspace)
            {
                builder.addPair(from: entry(node), to: exit(node), capacity: 1, cost: 0, link: -1)
            }
        }
        let view = SearchView(self, rules, workspace)
        for link in 0..<linkCount {
            let a = Int(linkEndA[link])
            let b = Int(linkEndB[link])
            guard view.admits(link, to: b), mayAppear(a, query: query, rules: rules, workspace: workspace),
                mayAppear(b, query: query, rules: rules, workspace: workspace)
            else { continue }
            // A path never re-enters its source nor leaves its destination.
            if b != source && a != destination {
                builder.addPair(from: exit(a), to: entry(b), capacity: 1, cost: view.weights[link], link: link)
            }
            if a != source && b != destination {
                builder.addPair(from: exit(b), to: entry(a), capacity: 1, cost: view.weights[link], link: link)
            }
        }
        return RootedFlowNetwork(network: builder.build(), source: exit(source), sink: entry(destination))
    }

    /// Reads the paths back from an integral flow of disjoint paths. Opposite units on one link
    /// cancel, and a walk that meets its own trail drops the loop: neither costs anything more.
    func decomposeUnitFlow(
        _ network: FlowNetwork, query: PathQuery, disjointness: Disjointness, metric: PathMetric
    ) -> [PathCandidate] {
        let node: (Int) -> Int = disjointness == .node ? { $0 / 2 } : { $0 }
        var usedDirection: [Int: (from: Int, to: Int)] = [:]
        var cancelled: Set<Int> = []
        for arc in stride(from: 0, to: network.head.count, by: 2) where network.link[arc] >= 0 {
            guard network.capacity[arc] - network.residual[arc] > 0.5 else { continue }
            let link = Int(network.link[arc])
            let step = (from: node(network.tail(of: arc)), to: node(Int(network.head[arc])))
            if usedDirection[link] != nil { cancelled.insert(link) } else { usedDirection[link] = step }
        }
        var outgoing: [Int: [(link: Int, to: Int)]] = [:]
        for (link, step) in usedDirection where !cancelled.contains(link) {
            outgoing[step.from, default: []].append((link, step.to))
        }
        for key in outgoing.keys { outgoing[key]!.sort { $0.link > $1.link } }  // popLast takes the lowest link

        var paths: [PathCandidate] = []
        while var step = outgoing[query.source]?.popLast() {
            var nodes: [Int32] = [Int32(query.source)]
            var links: [Int32] = []
            while true {
                let arrived = Int32(step.to)
                if let loopStart = nodes.firstIndex(of: arrived) {
                    nodes.removeSubrange((loopStart + 1)...)
                    links.removeSubrange(loopStart...)
                } else {
                    nodes.append(arrived)
                    links.append(Int32(step.link))
                }
                guard step.to != query.destination, let next = outgoing[step.to]?.popLast() else { break }
                step = next
            }
            guard nodes.last == Int32(query.destination) else { continue }
            let value = links.reduce(0) { $0 + weight(Int($1), metric) }
            paths.append(PathCandidate(nodes: nodes, links: links, value: value))
        }
        return paths
    }
}
