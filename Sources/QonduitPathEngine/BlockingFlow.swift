/// Maximum flow by Dinic's algorithm: breadth-first levels, then blocking flows along
/// level-increasing arcs with a current-arc pointer per vertex, O(V² E) in the worst case and far
/// less on sparse networks. The search is iterative, so long paths cannot overflow the stack.
extension FlowNetwork {
    /// Pushes as much flow as the residual capacities allow from `source` to `sink`; returns it.
    /// Residual capacities at or below `epsilon` count as empty (capacities are real numbers).
    mutating func pushMaximumFlow(from source: Int, to sink: Int, epsilon: Double) -> Double {
        var level = [Int32](repeating: -1, count: vertexCount)
        var currentArc = [Int32](repeating: 0, count: vertexCount)
        var queue = [Int32](repeating: 0, count: vertexCount)
        var trail: [Int32] = []
        var total = 0.0
        while true {
            for vertex in 0..<vertexCount { level[vertex] = -1 }
            level[source] = 0
            queue[0] = Int32(source)
            var read = 0
            var write = 1
            while read < write, level[sink] < 0 {
                let vertex = Int(queue[read])
                read += 1
                for slot in Int(arcStart[vertex])..<Int(arcStart[vertex + 1]) {
                    let arc = Int(arcByTail[slot])
                    let next = Int(head[arc])
                    guard residual[arc] > epsilon, level[next] < 0 else { continue }
                    level[next] = level[vertex] + 1
                    queue[write] = Int32(next)
                    write += 1
                }
            }
            guard level[sink] >= 0 else { return total }
            for vertex in 0..<vertexCount { currentArc[vertex] = arcStart[vertex] }

            // Blocking flow: advance along admissible arcs, augment at the sink, retreat from dead ends.
            trail.removeAll(keepingCapacity: true)
            var vertex = source
            while true {
                if vertex == sink {
                    var amount = Double.infinity
                    for arc in trail { amount = min(amount, residual[Int(arc)]) }
                    var firstSaturated = trail.count
                    for (index, arc) in trail.enumerated() {
                        residual[Int(arc)] -= amount
                        residual[Int(arc) ^ 1] += amount
                        if firstSaturated == trail.count && residual[Int(arc)] <= epsilon { firstSaturated = index }
                    }
                    total += amount
                    trail.removeSubrange(firstSaturated...)
                    vertex = trail.last.map { Int(head[Int($0)]) } ?? source
                    continue
                }
                var advanced = false
                while currentArc[vertex] < arcStart[vertex + 1] {
                    let arc = Int(arcByTail[Int(currentArc[vertex])])
                    let next = Int(head[arc])
                    if residual[arc] > epsilon && level[next] == level[vertex] + 1 {
                        trail.append(Int32(arc))
                        vertex = next
                        advanced = true
                        break
                    }
                    currentArc[vertex] += 1
                }
                if advanced { continue }
                // A dead end: no blocking path goes through this vertex again in this phase.
                level[vertex] = -1
                guard let arc = trail.popLast() else { break }
                vertex = tail(of: Int(arc))
                currentArc[vertex] += 1
            }
        }
    }
}
