public import QonduitCore

/// An immutable, array-based snapshot of the network for path computation.
///
/// Nodes are numbered in breadth-first order from the smallest id, visiting links in id order, so
/// the numbering depends on the network alone (never on input order) and neighbours get nearby
/// numbers: a search then touches memory that is mostly in cache. Links are numbered in the order
/// that walk first meets them. Adjacency is stored compressed (CSR): each link appears once in each
/// end's list. Searches index plain arrays and never touch dictionaries.
public struct RelayGraph: Sendable {
    public let nodeIDs: [NodeID]
    public let linkIDs: [LinkID]
    /// Position in id order → index, and id → position in id order.
    private let nodeRank: NodeRankTable
    private let nodeIndexByRank: [Int32]
    /// Link indices in id order, for look-ups by binary search.
    private let linksByID: [Int32]
    let trusted: [Bool]

    let linkEndA: [Int32]
    let linkEndB: [Int32]
    let lengthKm: [Double]
    /// Key rate not yet reserved by provisioned paths, bit/s.
    let spareBps: [Double]
    let cost: [Double]
    /// Only links whose status is `up` carry key.
    let linkUp: [Bool]

    /// Neighbours of node `n` are `adjacentNode[adjacencyStart[n]..<adjacencyStart[n+1]]`, reached by `adjacentLink`.
    let adjacencyStart: [Int32]
    let adjacentNode: [Int32]
    let adjacentLink: [Int32]
    /// The same data as raw buffers for the search loops.
    let search: SearchArrays

    public var nodeCount: Int { nodeIDs.count }
    public var linkCount: Int { linkIDs.count }

    /// Links carry key by their condition in force (`QKDLink.current`).
    /// - Parameter reservedBps: rate already reserved on each link by provisioned key paths.
    public init(topology: Topology, reservedBps: [LinkID: Double] = [:]) {
        let nodes = topology.nodes
        let links = topology.links
        let inputIDs = nodes.map(\.id)
        var nodeOrder = Array(nodes.indices)
        nodeOrder.sort { inputIDs[$0] < inputIDs[$1] }
        let sortedIDs = nodeOrder.map { inputIDs[$0] }
        let rank = NodeRankTable(sortedIDs: sortedIDs)
        let nodeCount = nodeOrder.count

        // Each link's ends, looked up once; links whose ends are unknown cannot be used (the
        // inventory's foreign keys rule them out anyway).
        // The fields searches need are copied out in input order, so that renumbering below
        // permutes small arrays rather than reaching into whole link records at random.
        var keptIDs: [LinkID] = []
        var endRankA: [Int32] = []
        var endRankB: [Int32] = []
        var keptLength: [Double] = []
        var keptSpare: [Double] = []
        var keptCost: [Double] = []
        var keptUp: [Bool] = []
        keptIDs.reserveCapacity(links.count)
        endRankA.reserveCapacity(links.count)
        endRankB.reserveCapacity(links.count)
        keptLength.reserveCapacity(links.count)
        keptSpare.reserveCapacity(links.count)
        keptCost.reserveCapacity(links.count)
        keptUp.reserveCapacity(links.count)
        for link in links {
            guard let a = rank[link.nodeA], let b = rank[link.nodeB] else { continue }
            keptIDs.append(link.id)
            endRankA.append(a)
            endRankB.append(b)
            keptLength.append(link.lengthKm)
            let current = link.current
            keptSpare.append(max(0, current.keyRateBps - (reservedBps.isEmpty ? 0 : reservedBps[link.id] ?? 0)))
            keptCost.append(link.cost)
            keptUp.append(current.status == .up)
        }
        var linkOrder = Array(keptIDs.indices)
        linkOrder.sort { keptIDs[$0] < keptIDs[$1] }

        // Breadth-first numbering over the graph in id order.
        let byRank = CompressedAdjacency(nodeCount: nodeCount, endA: endRankA, endB: endRankB, linkOrder: linkOrder)
        var indexOfRank = [Int32](repeating: -1, count: nodeCount)
        var rankOfIndex = [Int32](repeating: 0, count: nodeCount)
        var indexOfKept = [Int32](repeating: -1, count: keptIDs.count)
        var keptOfIndex: [Int32] = []
        keptOfIndex.reserveCapacity(keptIDs.count)
        var next = 0
        var head = 0
        for root in 0..<nodeCount where indexOfRank[root] < 0 {
            indexOfRank[root] = Int32(next)
            rankOfIndex[next] = Int32(root)
            next += 1
            while head < next {
                let current = Int(rankOfIndex[head])
                head += 1
                for slot in Int(byRank.start[current])..<Int(byRank.start[current + 1]) {
                    let link = Int(byRank.link[slot])
                    if indexOfKept[link] < 0 {
                        indexOfKept[link] = Int32(keptOfIndex.count)
                        keptOfIndex.append(Int32(link))
                    }
                    let neighbour = Int(byRank.node[slot])
                    if indexOfRank[neighbour] < 0 {
                        indexOfRank[neighbour] = Int32(next)
                        rankOfIndex[next] = Int32(neighbour)
                        next += 1
                    }
                }
            }
        }

        let nodeTrusted = nodeOrder.map { nodes[$0].trusted }
        nodeIDs = rankOfIndex.map { sortedIDs[Int($0)] }
        trusted = rankOfIndex.map { nodeTrusted[Int($0)] }
        nodeRank = rank
        nodeIndexByRank = indexOfRank
        linkIDs = keptOfIndex.map { keptIDs[Int($0)] }
        linksByID = linkOrder.map { indexOfKept[$0] }
        linkEndA = keptOfIndex.map { indexOfRank[Int(endRankA[Int($0)])] }
        linkEndB = keptOfIndex.map { indexOfRank[Int(endRankB[Int($0)])] }
        lengthKm = keptOfIndex.map { keptLength[Int($0)] }
        spareBps = keptOfIndex.map { keptSpare[Int($0)] }
        cost = keptOfIndex.map { keptCost[Int($0)] }
        linkUp = keptOfIndex.map { keptUp[Int($0)] }
        let linkTotal = keptOfIndex.count

        let adjacency = CompressedAdjacency(
            nodeCount: nodeCount, endA: linkEndA, endB: linkEndB, linkOrder: Array(0..<linkTotal)
        )
        adjacencyStart = adjacency.start
        adjacentNode = adjacency.node
        adjacentLink = adjacency.link
        let spare = spareBps
        let lengths = lengthKm
        let costs = cost
        let weights = PathMetric.allCases.map { metric in
            (0..<linkTotal).map { metric.weight(lengthKm: lengths[$0], cost: costs[$0], spareBps: spare[$0]) }
        }
        search = SearchArrays(
            adjacencyStart: adjacency.start, adjacentNode: adjacency.node, adjacentLink: adjacency.link,
            weights: weights, spareBps: spare, linkUp: linkUp, trusted: trusted
        )
    }

    public func index(of node: NodeID) -> Int? { nodeRank[node].map { Int(nodeIndexByRank[Int($0)]) } }

    public func index(of link: LinkID) -> Int? {
        var low = 0
        var high = linksByID.count
        while low < high {
            let middle = (low + high) / 2
            if linkIDs[Int(linksByID[middle])] < link { low = middle + 1 } else { high = middle }
        }
        guard low < linksByID.count, linkIDs[Int(linksByID[low])] == link else { return nil }
        return Int(linksByID[low])
    }

    /// The weight of a link under `metric`: zero or more, infinite for a link with no spare rate under `rate`.
    @inline(__always)
    func weight(_ link: Int, _ metric: PathMetric) -> Double {
        search.weights[metric.ordinal][link]
    }
}
