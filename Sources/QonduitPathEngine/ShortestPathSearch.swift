/// Which of the rules a search applies; diagnosis relaxes them one at a time to say what ruled a path out.
struct SearchRules {
    var metric: PathMetric
    var minRateBps: Double
    var maxHops: Int?
    var requireUp = true
    var requireTrustedRelays = true
}

/// Constrained shortest path: Dijkstra over the array graph with early exit at the destination,
/// and an exact hop-bounded search when a hop limit cuts off Dijkstra's answer.
extension RelayGraph {
    /// The best path from `source` to `destination` under `rules`, avoiding what `workspace` has
    /// blocked for this query (the caller calls `workspace.begin()` and blocks first).
    func shortestPath(
        from source: Int, to destination: Int, rules: SearchRules, workspace: SearchWorkspace
    ) -> (nodes: [Int32], links: [Int32], value: Double)? {
        guard let found = dijkstra(from: source, to: destination, rules: rules, workspace: workspace) else { return nil }
        if let maxHops = rules.maxHops, found.links.count > maxHops {
            // Dijkstra's optimum breaks the hop limit; the best path within the limit may still exist.
            return hopBounded(from: source, to: destination, rules: rules, maxHops: maxHops, workspace: workspace)
        }
        return found
    }

    @inline(__always)
    func isUsable(_ link: Int, towards node: Int, rules: SearchRules, workspace: SearchWorkspace) -> Bool {
        (!rules.requireUp || linkUp[link]) && spareBps[link] >= rules.minRateBps
            && !workspace.isLinkBlocked(link) && !workspace.isNodeBlocked(node)
    }

    /// Whether a key may be relayed onward from `node` (the source always sends; others must be trusted).
    @inline(__always)
    func mayRelay(from node: Int, source: Int, rules: SearchRules) -> Bool {
        node == source || !rules.requireTrustedRelays || trusted[node]
    }

    private func dijkstra(
        from source: Int, to destination: Int, rules: SearchRules, workspace: SearchWorkspace
    ) -> (nodes: [Int32], links: [Int32], value: Double)? {
        // Locals, not properties, inside the loop: the optimiser then keeps them in registers.
        let generation = workspace.generation
        let distance = workspace.distance, hops = workspace.hops, parentLink = workspace.parentLink
        let reached = workspace.reachedStamp, settled = workspace.settledStamp
        let blockedNode = workspace.blockedNodeStamp, blockedLink = workspace.blockedLinkStamp
        let heap = workspace.heap
        let arrays = search
        let start = arrays.adjacencyStart, neighbours = arrays.adjacentNode, via = arrays.adjacentLink
        let weights = arrays.weights[rules.metric.ordinal], spare = arrays.spareBps, up = arrays.linkUp, trusted = arrays.trusted
        let minRate = rules.minRateBps, requireUp = rules.requireUp, requireTrusted = rules.requireTrustedRelays

        distance[source] = 0
        hops[source] = 0
        parentLink[source] = -1
        reached[source] = generation
        heap.push(.init(distance: 0, hops: 0, node: Int32(source)))
        while let entry = heap.pop() {
            let node = Int(entry.node)
            if settled[node] == generation { continue }
            settled[node] = generation
            if node == destination { return tracePath(to: destination, from: source, workspace: workspace) }
            if requireTrusted && node != source && !trusted[node] { continue }
            for slot in Int(start[node])..<Int(start[node + 1]) {
                let next = Int(neighbours[slot]), link = Int(via[slot])
                if settled[next] == generation || blockedNode[next] == generation || blockedLink[link] == generation { continue }
                if (requireUp && !up[link]) || spare[link] < minRate { continue }
                let weight = weights[link]
                if !weight.isFinite { continue }
                let candidate = entry.distance + weight
                let candidateHops = entry.hops + 1
                if reached[next] == generation {
                    let known = distance[next]
                    if candidate > known || (candidate == known && candidateHops >= hops[next]) { continue }
                }
                reached[next] = generation
                distance[next] = candidate
                hops[next] = candidateHops
                parentLink[next] = Int32(link)
                heap.push(.init(distance: candidate, hops: candidateHops, node: Int32(next)))
            }
        }
        return nil
    }

    private func tracePath(to destination: Int, from source: Int, workspace: SearchWorkspace)
        -> (nodes: [Int32], links: [Int32], value: Double) {
        var nodes: [Int32] = [Int32(destination)]
        var links: [Int32] = []
        var node = destination
        while node != source {
            let link = Int(workspace.parentLink[node])
            links.append(Int32(link))
            node = Int(linkEndA[link]) == node ? Int(linkEndB[link]) : Int(linkEndA[link])
            nodes.append(Int32(node))
        }
        return (nodes.reversed(), links.reversed(), workspace.distance[destination])
    }

    /// Exact shortest path of at most `maxHops` links: Bellman–Ford rounds over the frontier, one
    /// round per hop, keeping each round's improvements to rebuild the path.
    private func hopBounded(
        from source: Int, to destination: Int, rules: SearchRules, maxHops: Int, workspace: SearchWorkspace
    ) -> (nodes: [Int32], links: [Int32], value: Double)? {
        var best = [Double](repeating: .infinity, count: nodeCount)
        best[source] = 0
        // improvedBy[round][node]: the link that improved `node` in that round, or -1.
        var improvedBy: [[Int32]] = []
        var frontier = [source]
        for _ in 0..<maxHops where !frontier.isEmpty {
            var next = best
            var round = [Int32](repeating: -1, count: nodeCount)
            var changed: [Int] = []
            for node in frontier where node != destination && mayRelay(from: node, source: source, rules: rules) {
                let start = Int(adjacencyStart[node]), end = Int(adjacencyStart[node + 1])
                for slot in start..<end {
                    let neighbour = Int(adjacentNode[slot]), link = Int(adjacentLink[slot])
                    guard neighbour != source, isUsable(link, towards: neighbour, rules: rules, workspace: workspace) else { continue }
                    let candidate = best[node] + weight(link, rules.metric)
                    if candidate < next[neighbour] {
                        if round[neighbour] == -1 { changed.append(neighbour) }
                        next[neighbour] = candidate
                        round[neighbour] = Int32(link)
                    }
                }
            }
            improvedBy.append(round)
            best = next
            frontier = changed
        }
        guard best[destination].isFinite else { return nil }
        var nodes: [Int32] = [Int32(destination)]
        var links: [Int32] = []
        var node = destination
        var round = improvedBy.count - 1
        while node != source {
            while improvedBy[round][node] == -1 { round -= 1 }
            let link = Int(improvedBy[round][node])
            links.append(Int32(link))
            node = Int(linkEndA[link]) == node ? Int(linkEndB[link]) : Int(linkEndA[link])
            nodes.append(Int32(node))
            round -= 1
        }
        return (nodes.reversed(), links.reversed(), best[destination])
    }
}
