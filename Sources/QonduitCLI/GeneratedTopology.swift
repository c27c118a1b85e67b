import QonduitCore

/// Synthetic topologies for benchmarks: nodes on a jittered grid over central Europe, each joined
/// to its grid neighbours, with key rates from the fiber-link model. Deterministic for a seed.
enum GeneratedTopology {
    static func grid(nodes count: Int, links linkCount: Int, seed: UInt64) -> Topology {
        var random = SplitMix64(seed: seed)
        let side = Int((Double(count)).squareRoot().rounded(.up))
        let spacingDegrees = 0.25  // about 20–28 km between neighbours
        var nodes: [QKDNode] = []
        nodes.reserveCapacity(count)
        for index in 0..<count {
            let row = index / side
            let column = index % side
            let location = GeoCoordinate(
                latitude: min(89, 40 + Double(row) * spacingDegrees * 0.7 + random.unit() * 0.05),
                longitude: min(179, -5 + Double(column) * spacingDegrees + random.unit() * 0.05)
            )
            nodes.append(
                QKDNode(
                    id: try! NodeID("n\(index)"), name: "Node \(index)", trusted: random.unit() > 0.1, location: location
                ).quantized())
        }
        var links: [QKDLink] = []
        links.reserveCapacity(linkCount)
        let model = FiberLinkModel.standard
        // Right, down, diagonal, anti-diagonal neighbours: up to four links per node.
        let offsets = [(0, 1), (1, 0), (1, 1), (1, -1)]
        outer: for (dr, dc) in offsets {
            for index in 0..<count {
                let row = index / side
                let column = index % side
                let other = (row + dr) * side + (column + dc)
                guard column + dc >= 0, column + dc < side, other < count else { continue }
                let a = nodes[index]
                let b = nodes[other]
                let length = a.location!.distanceKm(to: b.location!) * 1.2  // fiber is longer than the crow flies
                links.append(
                    QKDLink(
                        id: try! LinkID("l\(links.count)"), nodeA: a.id, nodeB: b.id, lengthKm: length,
                        keyRateBps: model.keyRateBps(lengthKm: length) ?? 0
                    ).quantized())
                if links.count == linkCount { break outer }
            }
        }
        return Topology(nodes: nodes, links: links)
    }
}

/// A small, fast, seedable generator (Steele et al.), so benchmarks are repeatable.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

extension GeneratedTopology {
    /// A random geometric graph: `count` nodes uniform in a square of `sideKm`, joined when closer
    /// than the radius that gives `averageDegree` neighbours on average. All nodes are trusted.
    static func randomGeometric(nodes count: Int, averageDegree: Double = 6, sideKm: Double = 2_000, seed: UInt64) -> Topology {
        var random = SplitMix64(seed: seed)
        let points = (0..<count).map { _ in (x: random.unit(), y: random.unit()) }
        let radius = (averageDegree / (Double.pi * Double(count))).squareRoot()
        // Bucket points into cells of the radius so that each node checks only nearby cells.
        let cells = max(1, Int(1 / radius))
        var buckets = [[Int]](repeating: [], count: cells * cells)
        func cell(_ value: Double) -> Int { min(cells - 1, Int(value * Double(cells))) }
        for (index, point) in points.enumerated() { buckets[cell(point.y) * cells + cell(point.x)].append(index) }
        let nodes = (0..<count).map { QKDNode(id: try! NodeID("g\($0)"), trusted: true) }
        var links: [QKDLink] = []
        let model = FiberLinkModel.standard
        for (index, point) in points.enumerated() {
            let cx = cell(point.x)
            let cy = cell(point.y)
            for dy in -1...1 {
                for dx in -1...1 {
                    let x = cx + dx
                    let y = cy + dy
                    guard x >= 0, y >= 0, x < cells, y < cells else { continue }
                    for other in buckets[y * cells + x] where other > index {
                        let distance =
                            ((points[other].x - point.x) * (points[other].x - point.x)
                            + (points[other].y - point.y) * (points[other].y - point.y)).squareRoot()
                        guard distance <= radius else { continue }
                        let lengthKm = max(0.001, distance * sideKm)
                        // Beyond the model's reach a link produces no key: down, as an import makes it.
                        let rate = model.keyRateBps(lengthKm: lengthKm)
                        links.append(
                            QKDLink(
                                id: try! LinkID("e\(links.count)"), nodeA: nodes[index].id, nodeB: nodes[other].id,
                                lengthKm: lengthKm, keyRateBps: rate ?? 0, status: rate == nil ? .down : .up
                            ).quantized())
                    }
                }
            }
        }
        return Topology(nodes: nodes, links: links)
    }
}
