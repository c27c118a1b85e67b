import QonduitCore

/// A request resolved to graph indices, with its exclusions ready to apply.
struct PathQuery {
    var source: Int
    var destination: Int
    var excludedNodes: [Int]
    var excludedLinks: [Int]
    /// Nodes and links that cannot carry key now: blocked with the exclusions, told apart in diagnoses.
    var unavailableNodes: [Int] = []
    var unusableLinks: [Int] = []
    /// Nodes the path must pass through, in order.
    var waypoints: [Int]

    init(_ graph: RelayGraph, _ source: NodeID, _ destination: NodeID, _ constraints: PathConstraints) throws(PathComputationError) {
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
        var waypoints: [Int] = []
        for id in constraints.includeNodes {
            guard let index = graph.index(of: id) else { throw .unknownNode(id.rawValue) }
            if id == source || id == destination { throw .invalidRequest("'\(id)' is an end of the path; include_nodes lists relays only") }
            if waypoints.contains(index) { throw .invalidRequest("'\(id)' appears twice in include_nodes; a path visits a node once") }
            if constraints.excludeNodes.contains(id) { throw .invalidRequest("'\(id)' is both included and excluded") }
            if !graph.trusted[index] { throw .invalidRequest("'\(id)' is not a trusted node, so it cannot relay a key") }
            waypoints.append(index)
        }
        if let maxHops = constraints.maxHops, maxHops < waypoints.count + 1 {
            throw .invalidRequest("\(waypoints.count) waypoint(s) need at least \(waypoints.count + 1) hops; max_hops is \(maxHops)")
        }
        self.init(source: s, destination: d, excludedNodes: nodes, excludedLinks: links, waypoints: waypoints)
        // Unknown ids here are the caller's bookkeeping, not the operator's request: they are skipped.
        unavailableNodes = constraints.unavailableNodes.keys.sorted().compactMap { graph.index(of: $0) }.filter { $0 != s && $0 != d }
        unusableLinks = constraints.unusableLinks.sorted().compactMap { graph.index(of: $0) }
    }

    init(source: Int, destination: Int, excludedNodes: [Int], excludedLinks: [Int], waypoints: [Int] = []) {
        self.source = source
        self.destination = destination
        self.excludedNodes = excludedNodes
        self.excludedLinks = excludedLinks
        self.waypoints = waypoints
    }

    /// Starts a query on `workspace` with its exclusions blocked (the operator's, and what cannot
    /// carry key), less those a diagnosis lifts.
    func begin(_ workspace: SearchWorkspace, applyExclusions: Bool = true, applyUnavailable: Bool = true) {
        workspace.begin()
        if applyExclusions {
            for node in excludedNodes { workspace.blockNode(node) }
            for link in excludedLinks { workspace.blockLink(link) }
        }
        if applyUnavailable {
            for node in unavailableNodes { workspace.blockNode(node) }
            for link in unusableLinks { workspace.blockLink(link) }
        }
    }
}
