public import QonduitCore

/// An immutable, array-based snapshot of the network for path computation.
///
/// Nodes and links are numbered in id order (so results do not depend on input order), and
/// adjacency is stored compressed (CSR): each link appears once in each end's list. Searches
/// index plain arrays and never touch dictionaries, which keeps them cache-friendly.
public struct RelayGraph: Sendable {
    public let nodeIDs: [NodeID]
    public let linkIDs: [LinkID]
    let nodeIndex: [NodeID: Int32]
    let linkIndex: [LinkID: Int32]
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

    /// - Parameters:
    ///   - reservedBps: rate already reserved on each link by provisioned key paths.
    ///   - linkCost: the operator's cost of a link for the `cost` metric (1 unless set).
    public init(topology: Topology, reservedBps: [LinkID: Double] = [:], linkCost: [LinkID: Double] = [:]) {
        let nodes = topology.nodes.sorted { $0.id < $1.id }
        nodeIDs = nodes.map(\.id)
        trusted = nodes.map(\.trusted)
        var nodeIndex: [NodeID: Int32] = [:]
        nodeIndex.reserveCapacity(nodes.count)
        for (index, node) in nodes.enumerated() { nodeIndex[node.id] = Int32(index) }
        self.nodeIndex = nodeIndex

        // Links whose ends are unknown cannot be used; the inventory's foreign keys rule them out anyway.
        let links = topology.links
            .filter { nodeIndex[$0.nodeA] != nil && nodeIndex[$0.nodeB] != nil }
            .sorted { $0.id < $1.id }
        linkIDs = links.map(\.id)
        var linkIndex: [LinkID: Int32] = [:]
        linkIndex.reserveCapacity(links.count)
        for (index, link) in links.enumerated() { linkIndex[link.id] = Int32(index) }
        self.linkIndex = linkIndex
        linkEndA = links.map { nodeIndex[$0.nodeA]! }
        linkEndB = links.map { nodeIndex[$0.nodeB]! }
        lengthKm = links.map(\.lengthKm)
        spareBps = links.map { max(0, $0.keyRateBps - (reservedBps[$0.id] ?? 0)) }
        cost = links.map { linkCost[$0.id] ?? 1 }
        linkUp = links.map { $0.status == .up }

        var degree = [Int32](repeating: 0, count: nodes.count + 1)
        for index in links.indices {
            degree[Int(linkEndA[index]) + 1] += 1
            degree[Int(linkEndB[index]) + 1] += 1
        }
        for index in 1..<degree.count { degree[index] += degree[index - 1] }
        adjacencyStart = degree
        var cursor = Array(degree.dropLast())
        var adjacentNode = [Int32](repeating: 0, count: links.count * 2)
        var adjacentLink = [Int32](repeating: 0, count: links.count * 2)
        for index in links.indices {
            let a = Int(linkEndA[index]), b = Int(linkEndB[index])
            adjacentNode[Int(cursor[a])] = Int32(b)
            adjacentLink[Int(cursor[a])] = Int32(index)
            cursor[a] += 1
            adjacentNode[Int(cursor[b])] = Int32(a)
            adjacentLink[Int(cursor[b])] = Int32(index)
            cursor[b] += 1
        }
        self.adjacentNode = adjacentNode
        self.adjacentLink = adjacentLink
        let spare = spareBps, lengths = lengthKm, costs = cost
        let weights = PathMetric.allCases.map { metric -> [Double] in
            switch metric {
            case .hops: [Double](repeating: 1, count: links.count)
            case .length: lengths
            case .rate: spare.map { $0 > 0 ? 1 / $0 : .infinity }
            case .cost: costs
            }
        }
        search = SearchArrays(
            adjacencyStart: degree, adjacentNode: adjacentNode, adjacentLink: adjacentLink,
            weights: weights, spareBps: spare, linkUp: linkUp, trusted: trusted
        )
    }

    public func index(of node: NodeID) -> Int? { nodeIndex[node].map(Int.init) }
    public func index(of link: LinkID) -> Int? { linkIndex[link].map(Int.init) }

    /// The weight of a link under `metric`: zero or more, infinite for a link with no spare rate under `rate`.
    @inline(__always)
    func weight(_ link: Int, _ metric: PathMetric) -> Double {
        search.weights[metric.ordinal][link]
    }
}
