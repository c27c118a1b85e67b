/// Scratch memory for searches on one graph, reused across queries so that a query allocates
/// nothing but its answer. Arrays are invalidated by bumping `generation`, not by clearing them.
///
/// The buffers are raw pointers owned by this object: the search loop then runs without bounds,
/// exclusivity or copy-on-write checks, which were most of its time with Swift arrays. A workspace
/// is mutable and belongs to one search at a time (one per thread or task).
public final class SearchWorkspace {
    let nodeCount: Int
    let linkCount: Int
    var generation: UInt32 = 0
    let distance: UnsafeMutablePointer<Double>
    let hops: UnsafeMutablePointer<Int32>
    let parentLink: UnsafeMutablePointer<Int32>
    let reachedStamp: UnsafeMutablePointer<UInt32>
    let settledStamp: UnsafeMutablePointer<UInt32>
    let blockedNodeStamp: UnsafeMutablePointer<UInt32>
    let blockedLinkStamp: UnsafeMutablePointer<UInt32>
    let heap: MinHeap
    // The backward half of a bidirectional search.
    let backwardDistance: UnsafeMutablePointer<Double>
    let backwardHops: UnsafeMutablePointer<Int32>
    let backwardParentLink: UnsafeMutablePointer<Int32>
    let backwardReachedStamp: UnsafeMutablePointer<UInt32>
    let backwardSettledStamp: UnsafeMutablePointer<UInt32>
    let backwardHeap: MinHeap
    // A*'s guide: distances to a destination, valid where `guideStamp` equals `guideGeneration`.
    let guide: UnsafeMutablePointer<Double>
    let guideStamp: UnsafeMutablePointer<UInt32>
    var guideGeneration: UInt32 = 0
    var guideRadius = Double.infinity

    public init(for graph: RelayGraph) {
        nodeCount = graph.nodeCount
        linkCount = graph.linkCount
        distance = .allocate(capacity: max(1, nodeCount))
        hops = .allocate(capacity: max(1, nodeCount))
        parentLink = .allocate(capacity: max(1, nodeCount))
        reachedStamp = .allocate(capacity: max(1, nodeCount))
        reachedStamp.initialize(repeating: 0, count: max(1, nodeCount))
        settledStamp = .allocate(capacity: max(1, nodeCount))
        settledStamp.initialize(repeating: 0, count: max(1, nodeCount))
        blockedNodeStamp = .allocate(capacity: max(1, nodeCount))
        blockedNodeStamp.initialize(repeating: 0, count: max(1, nodeCount))
        blockedLinkStamp = .allocate(capacity: max(1, linkCount))
        blockedLinkStamp.initialize(repeating: 0, count: max(1, linkCount))
        // Lazy deletion pushes at most once per relaxation: twice per link, plus the source.
        heap = MinHeap.allocate(capacity: 2 * linkCount + 1)
        backwardDistance = .allocate(capacity: max(1, nodeCount))
        backwardHops = .allocate(capacity: max(1, nodeCount))
        backwardParentLink = .allocate(capacity: max(1, nodeCount))
        backwardReachedStamp = .allocate(capacity: max(1, nodeCount))
        backwardReachedStamp.initialize(repeating: 0, count: max(1, nodeCount))
        backwardSettledStamp = .allocate(capacity: max(1, nodeCount))
        backwardSettledStamp.initialize(repeating: 0, count: max(1, nodeCount))
        backwardHeap = MinHeap.allocate(capacity: 2 * linkCount + 1)
        guide = .allocate(capacity: max(1, nodeCount))
        guideStamp = .allocate(capacity: max(1, nodeCount))
        guideStamp.initialize(repeating: 0, count: max(1, nodeCount))
    }

    deinit {
        for pointer in [reachedStamp, settledStamp, blockedNodeStamp, blockedLinkStamp, backwardReachedStamp, backwardSettledStamp] {
            pointer.deallocate()
        }
        for pointer in [distance, backwardDistance, guide] { pointer.deallocate() }
        guideStamp.deallocate()
        heap.deallocate()
        backwardHeap.deallocate()
        for pointer in [hops, parentLink, backwardHops, backwardParentLink] { pointer.deallocate() }
    }

    /// Starts a new query: everything reached, settled or blocked before is forgotten.
    func begin() {
        generation &+= 1
        if generation == 0 {  // wrapped: stale stamps could match again
            for pointer in [reachedStamp, settledStamp, blockedNodeStamp, backwardReachedStamp, backwardSettledStamp] {
                pointer.update(repeating: 0, count: max(1, nodeCount))
            }
            blockedLinkStamp.update(repeating: 0, count: max(1, linkCount))
            generation = 1
        }
        heap.removeAll()
        backwardHeap.removeAll()
    }

    /// Starts a new guide: every guide distance before is forgotten.
    func beginGuide() {
        guideGeneration &+= 1
        if guideGeneration == 0 {
            guideStamp.update(repeating: 0, count: max(1, nodeCount))
            guideGeneration = 1
        }
        guideRadius = .infinity
    }

    func blockNode(_ node: Int) { blockedNodeStamp[node] = generation }
    func blockLink(_ link: Int) { blockedLinkStamp[link] = generation }
    @inline(__always) func isNodeBlocked(_ node: Int) -> Bool { blockedNodeStamp[node] == generation }
    @inline(__always) func isLinkBlocked(_ link: Int) -> Bool { blockedLinkStamp[link] == generation }
}

/// A binary min-heap of (distance, hops, node) in a fixed buffer, the order Dijkstra settles nodes
/// in; ties go to fewer hops, then the lower node index, so results are deterministic.
///
/// A view over memory its workspace owns: copying it copies two pointers and no reference count,
/// which matters in a loop that switches between two heaps at every step.
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

    private let entries: UnsafeMutablePointer<Entry>
    private let countStorage: UnsafeMutablePointer<Int>
    private let capacity: Int

    /// Allocates the heap's memory; the owner must call `deallocate()`.
    static func allocate(capacity: Int) -> MinHeap {
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        counter.initialize(to: 0)
        return MinHeap(entries: .allocate(capacity: max(1, capacity)), countStorage: counter, capacity: max(1, capacity))
    }

    func deallocate() {
        entries.deallocate()
        countStorage.deallocate()
    }

    var count: Int { countStorage.pointee }
    var isEmpty: Bool { countStorage.pointee == 0 }
    /// The smallest entry's distance, or infinity when empty.
    var minimumDistance: Double { countStorage.pointee > 0 ? entries[0].distance : .infinity }

    func removeAll() { countStorage.pointee = 0 }

    @inline(__always)
    func push(_ entry: Entry) {
        var child = countStorage.pointee
        precondition(child < capacity, "heap capacity exceeded")
        countStorage.pointee = child + 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Entry.precedes(entry, entries[parent]) else { break }
            entries[child] = entries[parent]
            child = parent
        }
        entries[child] = entry
    }

    @inline(__always)
    func pop() -> Entry? {
        let total = countStorage.pointee
        guard total > 0 else { return nil }
        let first = entries[0]
        let count = total - 1
        countStorage.pointee = count
        guard count > 0 else { return first }
        let last = entries[count]
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let smaller = right < count && Entry.precedes(entries[right], entries[left]) ? right : left
            guard Entry.precedes(entries[smaller], last) else { break }
            entries[parent] = entries[smaller]
            parent = smaller
        }
        entries[parent] = last
        return first
    }
}
