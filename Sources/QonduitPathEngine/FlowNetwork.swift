/// A directed residual network for the flow algorithms (disjoint paths, maximum key-rate flow).
///
/// Arcs come in pairs: arc `a` and its residual partner `a ^ 1`. Adjacency is grouped by tail
/// (CSR), so a search walks plain arrays. Each arc remembers the relay-graph link it stands for
/// (or -1 for an arc inside a split node), which turns a flow back into links.
struct FlowNetwork {
    let vertexCount: Int
    let arcStart: [Int32]
    let arcByTail: [Int32]
    let head: [Int32]
    let cost: [Double]
    let link: [Int32]
    /// Residual capacity, the only thing a flow algorithm changes.
    var residual: [Double]
    /// Capacity before any flow, to read the flow back.
    let capacity: [Double]

    /// Collects arcs, then lays them out by tail.
    struct Builder {
        let vertexCount: Int
        var tail: [Int32] = []
        var head: [Int32] = []
        var capacity: [Double] = []
        var reverseCapacity: [Double] = []
        var cost: [Double] = []
        var link: [Int32] = []

        init(vertexCount: Int, expectedArcPairs: Int) {
            self.vertexCount = vertexCount
            tail.reserveCapacity(expectedArcPairs)
            head.reserveCapacity(expectedArcPairs)
            capacity.reserveCapacity(expectedArcPairs)
            reverseCapacity.reserveCapacity(expectedArcPairs)
            cost.reserveCapacity(expectedArcPairs)
            link.reserveCapacity(expectedArcPairs)
        }

        /// An arc `from → to` and its partner `to → from`. A one-way arc's partner starts empty
        /// (`reverseCapacity` 0) and costs `-cost`; an undirected edge is one pair with both capacities set.
        mutating func addPair(from: Int, to: Int, capacity: Double, reverseCapacity: Double = 0, cost: Double, link: Int) {
            tail.append(Int32(from))
            head.append(Int32(to))
            self.capacity.append(capacity)
            self.reverseCapacity.append(reverseCapacity)
            self.cost.append(cost)
            self.link.append(Int32(link))
        }

        func build() -> FlowNetwork {
            let pairs = tail.count
            var arcHead = [Int32](repeating: 0, count: 2 * pairs)
            var arcCost = [Double](repeating: 0, count: 2 * pairs)
            var arcLink = [Int32](repeating: -1, count: 2 * pairs)
            var arcCapacity = [Double](repeating: 0, count: 2 * pairs)
            var start = [Int32](repeating: 0, count: vertexCount + 1)
            for pair in 0..<pairs {
                arcHead[2 * pair] = head[pair]
                arcHead[2 * pair + 1] = tail[pair]
                arcCost[2 * pair] = cost[pair]
                // A reverse arc that is an edge of its own (undirected) costs the same; a residual one refunds.
                arcCost[2 * pair + 1] = reverseCapacity[pair] > 0 ? cost[pair] : -cost[pair]
                arcLink[2 * pair] = link[pair]
                arcLink[2 * pair + 1] = link[pair]
                arcCapacity[2 * pair] = capacity[pair]
                arcCapacity[2 * pair + 1] = reverseCapacity[pair]
                start[Int(tail[pair]) + 1] += 1
                start[Int(head[pair]) + 1] += 1
            }
            for vertex in 0..<vertexCount { start[vertex + 1] += start[vertex] }
            var cursor = Array(start.dropLast())
            var byTail = [Int32](repeating: 0, count: 2 * pairs)
            // Arcs leave each vertex in the order they were added: searches stay deterministic.
            for arc in 0..<(2 * pairs) {
                let from = Int(arc & 1 == 0 ? tail[arc / 2] : head[arc / 2])
                byTail[Int(cursor[from])] = Int32(arc)
                cursor[from] += 1
            }
            return FlowNetwork(
                vertexCount: vertexCount, arcStart: start, arcByTail: byTail, head: arcHead, cost: arcCost,
                link: arcLink, residual: arcCapacity, capacity: arcCapacity
            )
        }
    }

    /// The vertex an arc leaves from.
    @inline(__always)
    func tail(of arc: Int) -> Int { Int(head[arc ^ 1]) }
}
