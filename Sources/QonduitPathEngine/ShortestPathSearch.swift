import QonduitCore

/// Which of the rules a search applies; diagnosis relaxes them one at a time to say what ruled a path out.
struct SearchRules {
    var metric: PathMetric
    var minRateBps: Double
    var maxHops: Int?
    var requireUp = true
    /// A link with no spare key rate (it produces none, or all of it is reserved) carries no key
    /// relay, whatever rate was asked for.
    var requireSpareRate = true
    var requireTrustedRelays = true
}

/// Constrained shortest path: bidirectional Dijkstra over the array graph, and an exact
/// hop-bounded search when a hop limit cuts off Dijkstra's answer.
extension RelayGraph {
    /// The best path from `source` to `destination` under `rules`, avoiding what `workspace` has
    /// blocked for this query (the caller calls `workspace.begin()` and blocks first).
    func shortestPath(
        from source: Int, to destination: Int, rules: SearchRules, workspace: SearchWorkspace
    ) -> (nodes: [Int32], links: [Int32], value: Double)? {
        guard let found = bidirectionalDijkstra(from: source, to: destination, rules: rules, workspace: workspace) else { return nil }
        if let maxHops = rules.maxHops, found.links.count > maxHops {
            // Dijkstra's optimum breaks the hop limit; the best path within the limit may still exist.
            return hopBounded(from: source, to: destination, rules: rules, maxHops: maxHops, workspace: workspace)
        }
        return found
    }

    /// Exact shortest path of at most `maxHops` links: Bellman–Ford rounds over the frontier, one
    /// round per hop, keeping each round's improvements to rebuild the path.
    func hopBounded(
        from source: Int, to destination: Int, rules: SearchRules, maxHops: Int, workspace: SearchWorkspace
    ) -> (nodes: [Int32], links: [Int32], value: Double)? {
        let view = SearchView(self, rules, workspace)
        var best = [Double](repeating: .infinity, count: nodeCount)
        best[source] = 0
        // improvedBy[round][node]: the link that improved `node` in that round, or -1.
        var improvedBy: [[Int32]] = []
        var frontier = [source]
        for _ in 0..<maxHops where !frontier.isEmpty {
            var next = best
            var round = [Int32](repeating: -1, count: nodeCount)
            var changed: [Int] = []
            for node in frontier where node != destination && view.relays(from: node, origin: source) {
                for slot in view.slots(of: node) {
                    let neighbour = Int(view.neighbours[slot])
                    let link = Int(view.via[slot])
                    guard neighbour != source, view.admits(link, to: neighbour) else { continue }
                    let candidate = best[node] + view.weights[link]
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
