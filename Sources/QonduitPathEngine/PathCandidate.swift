/// A path in index form while a search works on it.
struct PathCandidate {
    var nodes: [Int32]
    var links: [Int32]
    var value: Double

    /// Lower value first, then fewer hops, then link indices: a deterministic order.
    static func precedes(_ a: PathCandidate, _ b: PathCandidate) -> Bool {
        if a.value != b.value { return a.value < b.value }
        if a.links.count != b.links.count { return a.links.count < b.links.count }
        return a.links.lexicographicallyPrecedes(b.links)
    }
}
