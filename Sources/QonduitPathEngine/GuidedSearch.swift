/// A* guided by distances to the destination, for the many spur searches of Yen's algorithm.
///
/// The guide is one backward Dijkstra from the destination, stopped once it settles the source
/// (radius R): a node it settled gets its exact distance, any other node R. Blocking nodes and
/// links only lengthens paths, so the guide stays a consistent lower bound in every spur search,
/// and each spur search settles little more than the nodes near its answer.
extension RelayGraph {
    /// Fills the workspace's guide with distances to `destination` under `rules`, as seen from
    /// `source`; returns false when `source` cannot reach `destination` at all.
    @discardableResult
    func prepareGuide(towards destination: Int, from source: Int, rules: SearchRules, workspace: SearchWorkspace) -> Bool {
        let view = SearchView(self, rules, workspace)
        let generation = view.generation
        let distance = workspace.backwardDistance
        let hops = workspace.backwardHops
        let reached = workspace.backwardReachedStamp
        let settled = workspace.backwardSettledStamp
        let heap = workspace.backwardHeap
        workspace.beginGuide()
        let guide = workspace.guide
        let guided = workspace.guideStamp
        let guideGeneration = workspace.guideGeneration
        distance[destination] = 0
        hops[destination] = 0
        reached[destination] = generation
        heap.push(.init(distance: 0, hops: 0, node: Int32(destination)))
        var radius = Double.infinity
        while let entry = heap.pop() {
            let node = Int(entry.node)
            if settled[node] == generation { continue }
            settled[node] = generation
            guide[node] = entry.distance
            guided[node] = guideGeneration
            if node == source {
                radius = entry.distance
                break
            }
            // Key travels from `next` through `node` towards the destination: `node` relays it.
            if !view.relays(from: node, origin: destination) { continue }
            for slot in view.slots(of: node) {
                let next = Int(view.neighbours[slot])
                let link = Int(view.via[slot])
                if settled[next] == generation || !view.admits(link, to: next) { continue }
                let candidate = entry.distance + view.weights[link]
                if reached[next] == generation && candidate >= distance[next] { continue }
                reached[next] = generation
                distance[next] = candidate
                hops[next] = entry.hops + 1
                heap.push(.init(distance: candidate, hops: entry.hops + 1, node: Int32(next)))
            }
        }
        heap.removeAll()
        workspace.guideRadius = radius
        return radius.isFinite
    }

    /// The best path under `rules` by A* over the prepared guide, avoiding what `workspace` has blocked.
    func guidedShortestPath(
        from source: Int, to destination: Int, rules: SearchRules, workspace: SearchWorkspace
    ) -> (nodes: [Int32], links: [Int32], value: Double)? {
        let view = SearchView(self, rules, workspace)
        let generation = view.generation
        let distance = workspace.distance
        let hops = workspace.hops
        let parent = workspace.parentLink
        let reached = workspace.reachedStamp
        let settled = workspace.settledStamp
        let heap = workspace.heap
        let guide = workspace.guide
        let guided = workspace.guideStamp
        let guideGeneration = workspace.guideGeneration
        let radius = workspace.guideRadius
        @inline(__always) func estimate(_ node: Int) -> Double { guided[node] == guideGeneration ? guide[node] : radius }

        distance[source] = 0
        hops[source] = 0
        parent[source] = -1
        reached[source] = generation
        heap.push(.init(distance: estimate(source), hops: 0, node: Int32(source)))
        var found = false
        while let entry = heap.pop() {
            let node = Int(entry.node)
            if settled[node] == generation { continue }
            settled[node] = generation
            if node == destination {
                found = true
                break
            }
            if !view.relays(from: node, origin: source) { continue }
            let base = distance[node]
            let baseHops = hops[node]
            for slot in view.slots(of: node) {
                let next = Int(view.neighbours[slot])
                let link = Int(view.via[slot])
                if settled[next] == generation || !view.admits(link, to: next) { continue }
                let candidate = base + view.weights[link]
                if reached[next] == generation {
                    let known = distance[next]
                    if candidate > known || (candidate == known && baseHops + 1 >= hops[next]) { continue }
                }
                reached[next] = generation
                distance[next] = candidate
                hops[next] = baseHops + 1
                parent[next] = Int32(link)
                heap.push(.init(distance: candidate + estimate(next), hops: baseHops + 1, node: Int32(next)))
            }
        }
        heap.removeAll()
        guard found else { return nil }
        var nodes: [Int32] = [Int32(destination)]
        var links: [Int32] = []
        var node = destination
        while node != source {
            let link = Int(parent[node])
            links.append(Int32(link))
            node = Int(linkEndA[link]) == node ? Int(linkEndB[link]) : Int(linkEndA[link])
            nodes.append(Int32(node))
        }
        return (nodes.reversed(), links.reversed(), distance[destination])
    }
}
