/// Bidirectional Dijkstra: searches grow from both ends and stop once no meeting can improve on
/// the best found, settling about half the nodes a one-sided search does on geographic networks.
///
/// Trust is symmetric: a node may be crossed only if trusted, so each side expands only from its own
/// end or from trusted nodes, and two sides may meet only at a trusted node (or at an end).
extension RelayGraph {
    func bidirectionalDijkstra(
        from source: Int, to destination: Int, rules: SearchRules, workspace: SearchWorkspace
    ) -> (nodes: [Int32], links: [Int32], value: Double)? {
        let view = SearchView(self, rules, workspace)
        let generation = view.generation

        struct Side {
            var distance: UnsafeMutablePointer<Double>
            var hops: UnsafeMutablePointer<Int32>
            var parent: UnsafeMutablePointer<Int32>
            var reached: UnsafeMutablePointer<UInt32>
            var settled: UnsafeMutablePointer<UInt32>
            var heap: MinHeap
            var origin: Int
        }
        let forward = Side(
            distance: workspace.distance, hops: workspace.hops, parent: workspace.parentLink,
            reached: workspace.reachedStamp, settled: workspace.settledStamp, heap: workspace.heap, origin: source
        )
        let backward = Side(
            distance: workspace.backwardDistance, hops: workspace.backwardHops, parent: workspace.backwardParentLink,
            reached: workspace.backwardReachedStamp, settled: workspace.backwardSettledStamp, heap: workspace.backwardHeap,
            origin: destination
        )
        for side in [forward, backward] {
            side.distance[side.origin] = 0
            side.hops[side.origin] = 0
            side.parent[side.origin] = -1
            side.reached[side.origin] = generation
            side.heap.push(.init(distance: 0, hops: 0, node: Int32(side.origin)))
        }
        // The best meeting: forward reaches `meetFrom`, crosses `meetLink` to `meetTo`, which the backward side reached.
        var best = Double.infinity
        var bestHops = Int32.max
        var meetFrom = -1
        var meetLink = -1
        var meetTo = -1

        while !forward.heap.isEmpty && !backward.heap.isEmpty {
            if forward.heap.minimumDistance + backward.heap.minimumDistance >= best { break }
            let forwardTurn = forward.heap.count <= backward.heap.count
            let side = forwardTurn ? forward : backward
            let other = forwardTurn ? backward : forward
            guard let entry = side.heap.pop() else { break }
            let node = Int(entry.node)
            if side.settled[node] == generation { continue }
            side.settled[node] = generation
            if !view.relays(from: node, origin: side.origin) { continue }
            for slot in view.slots(of: node) {
                let next = Int(view.neighbours[slot])
                let link = Int(view.via[slot])
                if !view.admits(link, to: next) { continue }
                let candidate = entry.distance + view.weights[link]
                let candidateHops = entry.hops + 1
                // A meeting: the other side has reached `next`, which the path may cross (or which ends it).
                if other.reached[next] == generation && view.relays(from: next, origin: other.origin) {
                    let total = candidate + other.distance[next]
                    let totalHops = candidateHops + other.hops[next]
                    if total < best || (total == best && totalHops < bestHops) {
                        best = total
                        bestHops = totalHops
                        (meetFrom, meetLink, meetTo) = forwardTurn ? (node, link, next) : (next, link, node)
                    }
                }
                if side.settled[next] == generation { continue }
                if side.reached[next] == generation {
                    let known = side.distance[next]
                    if candidate > known || (candidate == known && candidateHops >= side.hops[next]) { continue }
                }
                side.reached[next] = generation
                side.distance[next] = candidate
                side.hops[next] = candidateHops
                side.parent[next] = Int32(link)
                side.heap.push(.init(distance: candidate, hops: candidateHops, node: Int32(next)))
            }
        }
        guard meetLink >= 0 else { return nil }
        var nodes: [Int32] = []
        var links: [Int32] = []
        var node = meetFrom
        while node != source {
            let link = Int(forward.parent[node])
            links.append(Int32(link))
            nodes.append(Int32(node))
            node = Int(linkEndA[link]) == node ? Int(linkEndB[link]) : Int(linkEndA[link])
        }
        nodes.append(Int32(source))
        nodes.reverse()
        links.reverse()
        links.append(Int32(meetLink))
        node = meetTo
        nodes.append(Int32(node))
        while node != destination {
            let link = Int(backward.parent[node])
            links.append(Int32(link))
            node = Int(linkEndA[link]) == node ? Int(linkEndB[link]) : Int(linkEndA[link])
            nodes.append(Int32(node))
        }
        return (nodes, links, best)
    }
}
