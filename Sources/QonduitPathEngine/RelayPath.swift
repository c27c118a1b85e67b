public import QonduitCore

/// A key-relay path: the links a key crosses from source to destination, and their measures.
public struct RelayPath: Sendable, Hashable {
    public var nodes: [NodeID]
    public var links: [LinkID]
    public var lengthKm: Double
    /// The smallest spare key rate along the path: the most it can carry, bit/s.
    public var bottleneckBps: Double
    /// The sum of the operator's link costs.
    public var cost: Double
    public var hops: Int { links.count }

    init(graph: RelayGraph, nodeIndices: [Int32], linkIndices: [Int32]) {
        nodes = nodeIndices.map { graph.nodeIDs[Int($0)] }
        links = linkIndices.map { graph.linkIDs[Int($0)] }
        lengthKm = linkIndices.reduce(0) { $0 + graph.lengthKm[Int($1)] }
        bottleneckBps = linkIndices.map { graph.spareBps[Int($0)] }.min() ?? .infinity
        cost = linkIndices.reduce(0) { $0 + graph.cost[Int($1)] }
    }

    /// The path's value under `metric`, the quantity searches minimise.
    public func value(_ metric: PathMetric, in graph: RelayGraph) -> Double {
        links.reduce(0) { $0 + graph.weight(graph.index(of: $1)!, metric) }
    }
}
