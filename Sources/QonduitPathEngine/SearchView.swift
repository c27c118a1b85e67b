/// What every search loop reads: the graph's raw arrays under one query's rules and blocks, with
/// the two questions each step asks.
struct SearchView {
    let start: UnsafeMutablePointer<Int32>
    let neighbours: UnsafeMutablePointer<Int32>
    let via: UnsafeMutablePointer<Int32>
    let weights: UnsafeMutablePointer<Double>
    private let spare: UnsafeMutablePointer<Double>
    private let up: UnsafeMutablePointer<Bool>
    let trusted: UnsafeMutablePointer<Bool>
    private let blockedNode: UnsafeMutablePointer<UInt32>
    private let blockedLink: UnsafeMutablePointer<UInt32>
    let generation: UInt32
    private let minRate: Double
    private let requireUp: Bool
    let requireTrusted: Bool

    init(_ graph: RelayGraph, _ rules: SearchRules, _ workspace: SearchWorkspace) {
        let arrays = graph.search
        start = arrays.adjacencyStart
        neighbours = arrays.adjacentNode
        via = arrays.adjacentLink
        weights = arrays.weights[rules.metric.ordinal]
        spare = arrays.spareBps
        up = arrays.linkUp
        trusted = arrays.trusted
        blockedNode = workspace.blockedNodeStamp
        blockedLink = workspace.blockedLinkStamp
        generation = workspace.generation
        // Spare rates are never negative, so the least positive rate as a floor means "more than none".
        minRate = rules.requireSpareRate ? max(rules.minRateBps, .leastNonzeroMagnitude) : rules.minRateBps
        requireUp = rules.requireUp
        requireTrusted = rules.requireTrustedRelays
    }

    /// Whether a search may cross `link` to `next`: neither blocked, the link up (if required),
    /// with the spare rate asked for (and some spare rate, if required), and of finite weight.
    @inline(__always)
    func admits(_ link: Int, to next: Int) -> Bool {
        blockedNode[next] != generation && blockedLink[link] != generation && (!requireUp || up[link])
            && spare[link] >= minRate && weights[link].isFinite
    }

    /// Whether key may travel on from `node` in a search that started at `origin`: only the
    /// origin and trusted relays pass it on.
    @inline(__always)
    func relays(from node: Int, origin: Int) -> Bool {
        node == origin || !requireTrusted || trusted[node]
    }

    /// The slots of `node`'s neighbours in `neighbours` and `via`.
    @inline(__always)
    func slots(of node: Int) -> Range<Int> { Int(start[node])..<Int(start[node + 1]) }
}
