import QonduitCore

/// The graph's hot-path data as raw buffers, for the search loops: adjacency, per-metric link
/// weights (so no switch per edge), spare rates, link state and trust.
///
/// `@unchecked Sendable` is safe: the buffers are written once in `init` and only read afterwards,
/// and they live as long as this object, which the immutable `RelayGraph` holds.
final class SearchArrays: @unchecked Sendable {
    let adjacencyStart: UnsafeMutablePointer<Int32>
    let adjacentNode: UnsafeMutablePointer<Int32>
    let adjacentLink: UnsafeMutablePointer<Int32>
    /// `weights[metric.ordinal]` holds every link's weight under that metric.
    let weights: [UnsafeMutablePointer<Double>]
    let spareBps: UnsafeMutablePointer<Double>
    let linkUp: UnsafeMutablePointer<Bool>
    let trusted: UnsafeMutablePointer<Bool>

    init(
        adjacencyStart: [Int32], adjacentNode: [Int32], adjacentLink: [Int32],
        weights: [[Double]], spareBps: [Double], linkUp: [Bool], trusted: [Bool]
    ) {
        func copy<Element>(_ array: [Element]) -> UnsafeMutablePointer<Element> {
            let pointer = UnsafeMutablePointer<Element>.allocate(capacity: max(1, array.count))
            _ = UnsafeMutableBufferPointer(start: pointer, count: array.count).initialize(from: array)
            return pointer
        }
        self.adjacencyStart = copy(adjacencyStart)
        self.adjacentNode = copy(adjacentNode)
        self.adjacentLink = copy(adjacentLink)
        self.weights = weights.map(copy)
        self.spareBps = copy(spareBps)
        self.linkUp = copy(linkUp)
        self.trusted = copy(trusted)
    }

    deinit {
        adjacencyStart.deallocate()
        adjacentNode.deallocate()
        adjacentLink.deallocate()
        for pointer in weights { pointer.deallocate() }
        spareBps.deallocate()
        linkUp.deallocate()
        trusted.deallocate()
    }
}

extension PathMetric {
    /// Position of the metric's weights in `SearchArrays.weights`.
    var ordinal: Int { PathMetric.allCases.firstIndex(of: self)! }
}
