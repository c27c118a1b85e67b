public import QonduitCore

/// Key-relay path computation over one graph snapshot.
public struct PathEngine: Sendable {
    public let graph: RelayGraph

    public init(graph: RelayGraph) {
        self.graph = graph
    }

    /// The best path under `metric` that meets `constraints`.
    public func shortestPath(
        from source: NodeID, to destination: NodeID, metric: PathMetric, constraints: PathConstraints = .init(),
        workspace: SearchWorkspace? = nil
    ) throws(PathComputationError) -> RelayPath {
        let query = try Query(self, source, destination, constraints)
        let workspace = workspace ?? SearchWorkspace(for: graph)
        let rules = SearchRules(metric: metric, minRateBps: constraints.minRateBps, maxHops: constraints.maxHops)
        query.begin(workspace)
        guard let found = graph.shortestPath(from: query.source, to: query.destination, rules: rules, workspace: workspace) else {
            throw diagnose(query, rules: rules, workspace: workspace)
        }
        return RelayPath(graph: graph, nodeIndices: found.nodes, linkIndices: found.links)
    }

    /// The path with the largest bottleneck spare rate; among those, the best under `metric`.
    public func widestPath(
        from source: NodeID, to destination: NodeID, metric: PathMetric, constraints: PathConstraints = .init(),
        workspace: SearchWorkspace? = nil
    ) throws(PathComputationError) -> RelayPath {
        let query = try Query(self, source, destination, constraints)
        let workspace = workspace ?? SearchWorkspace(for: graph)
        var rules = SearchRules(metric: metric, minRateBps: constraints.minRateBps, maxHops: constraints.maxHops)
        // The widest bottleneck is one of the links' spare rates: binary-search the largest feasible one.
        let candidates = Array(Set(graph.spareBps.filter { $0 >= constraints.minRateBps && $0 > 0 })).sorted()
        var low = 0, high = candidates.count - 1, best: (nodes: [Int32], links: [Int32], value: Double)?
        while low <= high {
            let middle = (low + high) / 2
            rules.minRateBps = candidates[middle]
            query.begin(workspace)
            if let found = graph.shortestPath(from: query.source, to: query.destination, rules: rules, workspace: workspace) {
                best = found
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        guard let best else {
            rules.minRateBps = constraints.minRateBps
            throw diagnose(query, rules: rules, workspace: workspace)
        }
        return RelayPath(graph: graph, nodeIndices: best.nodes, linkIndices: best.links)
    }

    /// Up to `k` loopless paths in order of `metric` (Yen's algorithm over the constrained search).
    public func kShortestPaths(
        from source: NodeID, to destination: NodeID, k: Int, metric: PathMetric, constraints: PathConstraints = .init(),
        workspace: SearchWorkspace? = nil
    ) throws(PathComputationError) -> [RelayPath] {
        guard (1...64).contains(k) else { throw .invalidRequest("k must be from 1 to 64, got \(k)") }
        let query = try Query(self, source, destination, constraints)
        let workspace = workspace ?? SearchWorkspace(for: graph)
        let rules = SearchRules(metric: metric, minRateBps: constraints.minRateBps, maxHops: constraints.maxHops)
        query.begin(workspace)
        guard let first = graph.shortestPath(from: query.source, to: query.destination, rules: rules, workspace: workspace) else {
            throw diagnose(query, rules: rules, workspace: workspace)
        }
        var accepted: [Candidate] = [Candidate(nodes: first.nodes, links: first.links, value: first.value)]
        var pending: [Candidate] = []
        var seen: Set<[Int32]> = [first.links]
        while accepted.count < k {
            let previous = accepted[accepted.count - 1]
            for spurIndex in 0..<(previous.nodes.count - 1) {
                let rootNodes = Array(previous.nodes[0...spurIndex])
                let rootLinks = Array(previous.links[0..<spurIndex])
                var spurRules = rules
                if let maxHops = rules.maxHops {
                    guard maxHops - rootLinks.count > 0 else { continue }
                    spurRules.maxHops = maxHops - rootLinks.count
                }
                // The spur node relays the key onward, so it must be trusted unless it is the source.
                let spurNode = Int(rootNodes[spurIndex])
                guard graph.mayRelay(from: spurNode, source: query.source, rules: rules) else { continue }
                query.begin(workspace)
                // Roots compare as link sequences: parallel links make equal node sequences different paths.
                for path in accepted where path.links.count > spurIndex && Array(path.links[0..<spurIndex]) == rootLinks {
                    workspace.blockLink(Int(path.links[spurIndex]))
                }
                for node in rootNodes.dropLast() { workspace.blockNode(Int(node)) }
                // A spur search treats the spur node as its own source; trust is already checked above.
                guard let spur = graph.shortestPath(from: spurNode, to: query.destination, rules: spurRules, workspace: workspace)
                else { continue }
                let links = rootLinks + spur.links
                guard seen.insert(links).inserted else { continue }
                let value = links.reduce(0) { $0 + graph.weight(Int($1), metric) }
                pending.append(Candidate(nodes: rootNodes.dropLast() + spur.nodes, links: links, value: value))
            }
            guard let next = pending.indices.min(by: { Candidate.precedes(pending[$0], pending[$1]) }) else { break }
            accepted.append(pending.remove(at: next))
        }
        return accepted.map { RelayPath(graph: graph, nodeIndices: $0.nodes, linkIndices: $0.links) }
    }

    struct Candidate {
        var nodes: [Int32]
        var links: [Int32]
        var value: Double

        /// Lower value first, then fewer hops, then link indices: a deterministic order.
        static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
            if a.value != b.value { return a.value < b.value }
            if a.links.count != b.links.count { return a.links.count < b.links.count }
            return a.links.lexicographicallyPrecedes(b.links)
        }
    }

    /// A request resolved to indices, with its exclusions ready to apply.
    struct Query {
        var source: Int
        var destination: Int
        var excludedNodes: [Int]
        var excludedLinks: [Int]

        init(_ engine: PathEngine, _ source: NodeID, _ destination: NodeID, _ constraints: PathConstraints) throws(PathComputationError) {
            let graph = engine.graph
            guard let s = graph.index(of: source) else { throw .unknownNode(source.rawValue) }
            guard let d = graph.index(of: destination) else { throw .unknownNode(destination.rawValue) }
            guard s != d else { throw .sameEnds(source) }
            guard constraints.minRateBps.isFinite, constraints.minRateBps >= 0 else {
                throw .invalidRequest("the requested rate must be a non-negative number of bit/s")
            }
            if let maxHops = constraints.maxHops, maxHops < 1 { throw .invalidRequest("max_hops must be at least 1") }
            if constraints.excludeNodes.contains(source) || constraints.excludeNodes.contains(destination) {
                throw .invalidRequest("the source and destination cannot be excluded")
            }
            var nodes: [Int] = []
            for id in constraints.excludeNodes.sorted() {
                guard let index = graph.index(of: id) else { throw .unknownNode(id.rawValue) }
                nodes.append(index)
            }
            var links: [Int] = []
            for id in constraints.excludeLinks.sorted() {
                guard let index = graph.index(of: id) else { throw .unknownLink(id.rawValue) }
                links.append(index)
            }
            self.source = s
            self.destination = d
            excludedNodes = nodes
            excludedLinks = links
        }

        func begin(_ workspace: SearchWorkspace, applyExclusions: Bool = true) {
            workspace.begin()
            guard applyExclusions else { return }
            for node in excludedNodes { workspace.blockNode(node) }
            for link in excludedLinks { workspace.blockLink(link) }
        }
    }

    /// Relaxes one rule at a time to name the one that ruled out every path.
    func diagnose(_ query: Query, rules: SearchRules, workspace: SearchWorkspace) -> PathComputationError {
        let source = graph.nodeIDs[query.source], destination = graph.nodeIDs[query.destination]
        func found(_ rules: SearchRules, exclusions: Bool = true) -> (nodes: [Int32], links: [Int32], value: Double)? {
            query.begin(workspace, applyExclusions: exclusions)
            return graph.shortestPath(from: query.source, to: query.destination, rules: rules, workspace: workspace)
        }
        func failure(_ reason: String) -> PathComputationError { .noPath(source: source, destination: destination, reason: reason) }

        var relaxed = rules
        relaxed.minRateBps = 0
        if rules.minRateBps > 0, let path = found(relaxed) {
            let best = path.links.map { graph.spareBps[Int($0)] }.min() ?? 0
            return failure("no trusted relay path connects '\(source)' and '\(destination)' with \(Self.rate(rules.minRateBps)) spare "
                + "on every link (a path within the other constraints has \(Self.rate(best)) at its bottleneck)")
        }
        relaxed = rules
        relaxed.maxHops = nil
        if let maxHops = rules.maxHops, let path = found(relaxed) {
            return failure("every path from '\(source)' to '\(destination)' needs more than \(maxHops) hop(s) (the shortest has \(path.links.count))")
        }
        if !query.excludedNodes.isEmpty || !query.excludedLinks.isEmpty, found(rules, exclusions: false) != nil {
            return failure("the excluded nodes and links cut every path from '\(source)' to '\(destination)'")
        }
        relaxed = rules
        relaxed.requireUp = false
        if found(relaxed) != nil {
            return failure("every path from '\(source)' to '\(destination)' crosses a link that is not up")
        }
        relaxed = rules
        relaxed.requireTrustedRelays = false
        if found(relaxed) != nil {
            return failure("every path from '\(source)' to '\(destination)' would relay the key through an untrusted node")
        }
        return failure("'\(source)' and '\(destination)' are not connected by QKD links")
    }

    static func rate(_ bps: Double) -> String {
        bps == bps.rounded() && abs(bps) < 1e15 ? "\(Int64(bps)) bit/s" : "\(bps) bit/s"
    }
}
