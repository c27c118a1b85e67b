/// Scratch memory for searches on one graph, reused across queries so that a query allocates
/// nothing but its answer. Arrays are invalidated by bumping `generation`, not by clearing them.
///
/// A workspace is mutable and belongs to one search at a time (one per thread or task).
public final class SearchWorkspace {
    let nodeCount: Int
    let linkCount: Int
    var generation: UInt32 = 0
    var distance: [Double]
    var hops: [Int32]
    var parentLink: [Int32]
    var reachedStamp: [UInt32]
    var settledStamp: [UInt32]
    var blockedNodeStamp: [UInt32]
    var blockedLinkStamp: [UInt32]
    var heap = MinHeap()

    public init(for graph: RelayGraph) {
        nodeCount = graph.nodeCount
        linkCount = graph.linkCount
        distance = Array(repeating: 0, count: nodeCount)
        hops = Array(repeating: 0, count: nodeCount)
        parentLink = Array(repeating: -1, count: nodeCount)
        reachedStamp = Array(repeating: 0, count: nodeCount)
        settledStamp = Array(repeating: 0, count: nodeCount)
        blockedNodeStamp = Array(repeating: 0, count: nodeCount)
        blockedLinkStamp = Array(repeating: 0, count: linkCount)
    }

    /// Starts a new query: everything reached, settled or blocked before is forgotten.
    func begin() {
        generation &+= 1
        if generation == 0 {  // wrapped: stale stamps could match again
            for index in reachedStamp.indices { reachedStamp[index] = 0; settledStamp[index] = 0; blockedNodeStamp[index] = 0 }
            for index in blockedLinkStamp.indices { blockedLinkStamp[index] = 0 }
            generation = 1
        }
        heap.removeAll()
    }

    func blockNode(_ node: Int) { blockedNodeStamp[node] = generation }
    func blockLink(_ link: Int) { blockedLinkStamp[link] = generation }
    @inline(__always) func isNodeBlocked(_ node: Int) -> Bool { blockedNodeStamp[node] == generation }
    @inline(__always) func isLinkBlocked(_ link: Int) -> Bool { blockedLinkStamp[link] == generation }
}

/// A binary min-heap of (distance, hops, node), the order Dijkstra settles nodes in; ties go to
/// fewer hops, then the lower node index, so results are deterministic.
struct MinHeap {
    struct Entry {
        var distance: Double
        var hops: Int32
        var node: Int32

        @inline(__always) static func precedes(_ a: Entry, _ b: Entry) -> Bool {
            if a.distance != b.distance { return a.distance < b.distance }
            if a.hops != b.hops { return a.hops < b.hops }
            return a.node < b.node
        }
    }

    private var entries: [Entry] = []
    var isEmpty: Bool { entries.isEmpty }

    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Entry.precedes(entries[child], entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let first = entries.first else { return nil }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return first }
        entries[0] = last
        var parent = 0
        let count = entries.count
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < count && Entry.precedes(entries[left], entries[smallest]) { smallest = left }
            if right < count && Entry.precedes(entries[right], entries[smallest]) { smallest = right }
            if smallest == parent { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
