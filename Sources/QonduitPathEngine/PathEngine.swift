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
        try kShortestPaths(from: source, to: destination, k: 1, metric: metric, constraints: constraints, workspace: workspace)[0]
    }

    /// The path with the largest bottleneck spare rate; among those, the best under `metric`.
    public func widestPath(
        from source: NodeID, to destination: NodeID, metric: PathMetric, constraints: PathConstraints = .init(),
        workspace: SearchWorkspace? = nil
    ) throws(PathComputationError) -> RelayPath {
        let query = try PathQuery(graph, source, destination, constraints)
        let workspace = workspace ?? SearchWorkspace(for: graph)
        var rules = SearchRules(metric: metric, minRateBps: constraints.minRateBps, maxHops: constraints.maxHops)
        if rules.maxHops == nil && query.waypoints.isEmpty {
            // One bottleneck search finds the width; one constrained search at that width breaks ties by the metric.
            query.begin(workspace)
            if let width = graph.widestBottleneck(from: query.source, to: query.destination, rules: rules, workspace: workspace) {
                rules.minRateBps = max(rules.minRateBps, width)
            }
            let path = try bestPaths(query, rules: rules, k: 1, workspace: workspace, diagnoseFailure: true)[0]
            return RelayPath(graph: graph, nodeIndices: path.nodes, linkIndices: path.links)
        }
        // Under a hop limit or waypoints the width must be searched for: binary-search the largest
        // feasible spare rate among the links'.
        let candidates = Array(Set(graph.spareBps.filter { $0 >= constraints.minRateBps && $0 > 0 })).sorted()
        var low = 0
        var high = candidates.count - 1
        var best: PathCandidate?
        while low <= high {
            let middle = (low + high) / 2
            rules.minRateBps = candidates[middle]
            if let found = try bestPaths(query, rules: rules, k: 1, workspace: workspace).first {
                best = found
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        guard let best else {
            // No path has spare rate at all: the search below throws the reason.
            rules.minRateBps = constraints.minRateBps
            let narrow = try bestPaths(query, rules: rules, k: 1, workspace: workspace, diagnoseFailure: true)[0]
            return RelayPath(graph: graph, nodeIndices: narrow.nodes, linkIndices: narrow.links)
        }
        return RelayPath(graph: graph, nodeIndices: best.nodes, linkIndices: best.links)
    }

    /// Up to `k` loopless paths in order of `metric`.
    public func kShortestPaths(
        from source: NodeID, to destination: NodeID, k: Int, metric: PathMetric, constraints: PathConstraints = .init(),
        workspace: SearchWorkspace? = nil
    ) throws(PathComputationError) -> [RelayPath] {
        guard (1...64).contains(k) else { throw .invalidRequest("k must be from 1 to 64, got \(k)") }
        let query = try PathQuery(graph, source, destination, constraints)
        let workspace = workspace ?? SearchWorkspace(for: graph)
        let rules = SearchRules(metric: metric, minRateBps: constraints.minRateBps, maxHops: constraints.maxHops)
        let found = try bestPaths(query, rules: rules, k: k, workspace: workspace, diagnoseFailure: true)
        return found.map { RelayPath(graph: graph, nodeIndices: $0.nodes, linkIndices: $0.links) }
    }

    /// Up to `k` best paths for `query`, through its waypoints if it has any. Empty when there is
    /// none, unless `diagnoseFailure`, which throws the reason instead.
    func bestPaths(
        _ query: PathQuery, rules: SearchRules, k: Int, workspace: SearchWorkspace, diagnoseFailure: Bool = false
    ) throws(PathComputationError) -> [PathCandidate] {
        var found: [PathCandidate] = []
        if query.waypoints.isEmpty && k == 1 {
            query.begin(workspace)
            if let path = graph.shortestPath(from: query.source, to: query.destination, rules: rules, workspace: workspace) {
                return [PathCandidate(nodes: path.nodes, links: path.links, value: path.value)]
            }
            if diagnoseFailure { throw diagnose(query, rules: rules, workspace: workspace) }
            return []
        }
        if query.waypoints.isEmpty {
            var paths = LooplessPathEnumerator(graph: graph, query: query, rules: rules, workspace: workspace)
            while found.count < k, let path = paths.next() { found.append(path) }
            if found.isEmpty && diagnoseFailure { throw diagnose(query, rules: rules, workspace: workspace) }
            return found
        }
        var routes: WaypointRouteSearch
        do {
            routes = try WaypointRouteSearch(graph: graph, query: query, rules: rules, workspace: workspace)
        } catch {
            guard diagnoseFailure else { return [] }
            let legFailure = diagnose(error.query, rules: error.rules, workspace: workspace)
            throw .noPath(
                source: graph.nodeIDs[query.source], destination: graph.nodeIDs[query.destination],
                reason: "the leg from '\(graph.nodeIDs[error.query.source])' to '\(graph.nodeIDs[error.query.destination])' "
                    + "of the route through include_nodes has no path: \(legFailure)"
            )
        }
        while found.count < k, let route = try routes.next() { found.append(route) }
        if found.isEmpty && diagnoseFailure {
            let source = graph.nodeIDs[query.source]
            let destination = graph.nodeIDs[query.destination]
            let reason =
                routes.rejectedForHops
                ? "every loopless route from '\(source)' to '\(destination)' through include_nodes needs more than \(rules.maxHops ?? 0) hop(s)"
                : "every route from '\(source)' to '\(destination)' through include_nodes in order would visit a node twice"
            throw .noPath(source: source, destination: destination, reason: reason)
        }
        return found
    }
}
