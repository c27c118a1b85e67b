/// Minimum-cost flow in unit steps: successive shortest augmenting paths, each found by Dijkstra
/// over reduced costs (Johnson potentials), which stay non-negative because link weights are.
/// With unit capacities this is Suurballe's disjoint-paths method generalised to k paths.
extension FlowNetwork {
    /// Sends up to `units` units of flow from `source` to `sink`, each along the cheapest path the
    /// residual network has left; returns how many were sent (fewer when the network runs out).
    mutating func sendCheapestUnits(from source: Int, to sink: Int, units: Int) -> Int {
        var potential = [Double](repeating: 0, count: vertexCount)
        var distance = [Double](repeating: .infinity, count: vertexCount)
        var hops = [Int32](repeating: 0, count: vertexCount)
        var parentArc = [Int32](repeating: -1, count: vertexCount)
        var settled = [Bool](repeating: false, count: vertexCount)
        var touched: [Int32] = []
        let heap = MinHeap.allocate(capacity: head.count + 1)
        defer { heap.deallocate() }
        var sent = 0
        while sent < units {
            for vertex in touched {
                distance[Int(vertex)] = .infinity
                settled[Int(vertex)] = false
            }
            touched.removeAll(keepingCapacity: true)
            heap.removeAll()
            distance[source] = 0
            hops[source] = 0
            touched.append(Int32(source))
            heap.push(.init(distance: 0, hops: 0, node: Int32(source)))
            while let entry = heap.pop() {
                let vertex = Int(entry.node)
                if settled[vertex] { continue }
                settled[vertex] = true
                // Early exit: nothing settled later can lie on a cheaper path to the sink.
                if vertex == sink { break }
                for slot in Int(arcStart[vertex])..<Int(arcStart[vertex + 1]) {
                    let arc = Int(arcByTail[slot])
                    guard residual[arc] > 0 else { continue }
                    let next = Int(head[arc])
                    if settled[next] { continue }
                    // Rounding can leave a reduced cost a hair below zero; it is zero.
                    let candidate = entry.distance + max(0, cost[arc] + potential[vertex] - potential[next])
                    let candidateHops = entry.hops + 1
                    let known = distance[next]
                    if candidate > known || (candidate == known && candidateHops >= hops[next]) { continue }
                    if known == .infinity { touched.append(Int32(next)) }
                    distance[next] = candidate
                    hops[next] = candidateHops
                    parentArc[next] = Int32(arc)
                    heap.push(.init(distance: candidate, hops: candidateHops, node: Int32(next)))
                }
            }
            guard settled[sink] else { break }
            // Vertices not settled are at least as far as the sink: capping keeps reduced costs non-negative.
            let sinkDistance = distance[sink]
            for vertex in 0..<vertexCount { potential[vertex] += min(distance[vertex], sinkDistance) }
            var vertex = sink
            while vertex != source {
                let arc = Int(parentArc[vertex])
                residual[arc] -= 1
                residual[arc ^ 1] += 1
                vertex = tail(of: arc)
            }
            sent += 1
        }
        return sent
    }
}
