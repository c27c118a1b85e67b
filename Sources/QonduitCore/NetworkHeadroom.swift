/// What the network offers key paths waiting for it (degraded ones, protected ones without a
/// backup): the links that can carry key, each with the rate it has spare, and the nodes that are
/// up. A path no route could be found for can have one only once the network offers more: a link
/// usable again or with more rate spare, or a node back.
public struct NetworkHeadroom: Sendable, Equatable {
    /// Usable links (up, QBER under the threshold) by id, with their spare rate in bit/s.
    public var spareBps: [String: Double]
    /// Nodes neither down nor unreachable.
    public var usableNodes: Set<String>

    public init(spareBps: [String: Double], usableNodes: Set<String>) {
        self.spareBps = spareBps
        self.usableNodes = usableNodes
    }

    /// What `links` and `nodes` offer with `reservedBps` taken: the rule a store may answer with a
    /// query (`KeyPathStore.keyPathsToRepair`; the storage conformance suite checks that both agree).
    public init(links: [QKDLink], nodes: [QKDNode], reservedBps: [LinkID: Double], qberThreshold: Double?) {
        var spare: [String: Double] = [:]
        for link in links where link.current.carriesKey(qberThreshold: qberThreshold) {
            spare[link.id.rawValue] = link.current.keyRateBps - (reservedBps[link.id] ?? 0)
        }
        self.init(spareBps: spare, usableNodes: Set(nodes.filter(\.current.carriesKey).map(\.id.rawValue)))
    }

    /// Whether this offers something `earlier` did not: then the paths planned on `earlier` that
    /// found no route (or no backup) are worth planning again.
    public func gains(over earlier: NetworkHeadroom) -> Bool {
        !usableNodes.isSubset(of: earlier.usableNodes)
            || spareBps.contains { link, spare in
                // Rounding in reservation sums is no gain.
                guard let before = earlier.spareBps[link] else { return true }
                return spare > before + max(1e-9, abs(before) * 1e-9)
            }
    }
}
