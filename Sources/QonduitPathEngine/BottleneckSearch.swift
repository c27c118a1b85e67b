/// The widest bottleneck: a Dijkstra variant that settles nodes in order of the largest smallest
/// spare rate by which the source reaches them, and stops at the destination.
extension RelayGraph {
    /// The largest bottleneck spare rate of any path from `source` to `destination` under `rules`
    /// (its hop limit aside), or nil when there is no path.
    func widestBottleneck(from source: Int, to destination: Int, rules: SearchRules, workspace: SearchWorkspace) -> Double? {
        let view = SearchView(self, rules, workspace)
        let generation = view.generation
        let spare = search.spareBps
        let heap = workspace.heap
        let width = workspace.distance
        let reached = workspace.reachedStamp
        let settled = workspace.settledStamp
        // The heap pops the smallest key: keys are negated widths.
        width[source] = .infinity
        reached[source] = generation
        heap.push(.init(distance: -.infinity, hops: 0, node: Int32(source)))
        while let entry = heap.pop() {
            let node = Int(entry.node)
            if settled[node] == generation { continue }
            settled[node] = generation
            if node == destination { return -entry.distance }
            if !view.relays(from: node, origin: source) { continue }
            for slot in view.slots(of: node) {
                let next = Int(view.neighbours[slot])
                let link = Int(view.via[slot])
                if settled[next] == generation || !view.admits(link, to: next) { continue }
                let candidate = min(-entry.distance, spare[link])
                if reached[next] == generation && candidate <= width[next] { continue }
                reached[next] = generation
                width[next] = candidate
                heap.push(.init(distance: -candidate, hops: entry.hops + 1, node: Int32(next)))
            }
        }
        return nil
    }
}
