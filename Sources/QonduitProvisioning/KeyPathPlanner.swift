import QonduitCore
import QonduitETSI
import QonduitPathEngine
import QonduitStorage

/// Chooses key paths' routes on one state of the network (spare rate after every reservation). One planner serves a whole batch or re-route
/// pass: what depends on the network alone is worked out once, and a route proven shortest is reused
/// for every later path with the same ends and constraints while it has the rate to spare.
struct KeyPathPlanner {
    let topology: Topology
    /// Nodes known to be down, or whose agents are silent: they can neither relay nor end a new route.
    private let unavailable: [NodeID: NodeStatus]
    /// Links that cannot carry key: not up, or with QBER above the threshold (key with that many
    /// errors is not worth relaying).
    private let unusableLinks: Set<LinkID>
    private let keyRateBps: [LinkID: Double]
    private let qkdnIDs: [NodeID: QKDUUID]
    /// The network as if nothing were reserved: a route shortest here and with the rate to spare
    /// now is shortest among the routes that fit, with no search on the reserved network.
    private let unreserved: PathEngine
    private let workspace: SearchWorkspace
    /// Shortest routes on `unreserved` by ends and constraints (nil: none there either).
    private var shortest: [KeyPathRequest: [RelayPath]?] = [:]

    init(topology: Topology, qberThreshold: Double? = nil) {
        self.topology = topology
        unavailable = topology.unavailableNodes
        unusableLinks = Set(topology.links.filter { !$0.current.carriesKey(qberThreshold: qberThreshold) }.map(\.id))
        keyRateBps = Dictionary(topology.links.map { ($0.id, $0.current.keyRateBps) }, uniquingKeysWith: { first, _ in first })
        qkdnIDs = topology.qkdnIDs
        unreserved = PathEngine(graph: RelayGraph(topology: topology))
        workspace = SearchWorkspace(for: unreserved.graph)
    }

    /// Routes for a path as `request` asks, through nodes that can all be configured.
    mutating func plan(_ request: KeyPathRequest, reservedBps: [LinkID: Double]) throws(ProvisioningError) -> [KeyPathRoute] {
        let planned: [KeyPathRoute]
        do throws(PathComputationError) {
            planned = try routes(for: request, reservedBps: reservedBps) { .random() }
        } catch {
            throw .unroutable(error)
        }
        return try identified(planned)
    }

    /// `routes`, once every node of them is known to have a GS QKD 015 id (their configuration names
    /// nodes by it: see `KeyPathConfiguration`).
    func identified(_ routes: [KeyPathRoute]) throws(ProvisioningError) -> [KeyPathRoute] {
        for route in routes {
            for node in route.nodes where qkdnIDs[node] == nil { throw .unidentifiedNode(node) }
        }
        return routes
    }

    /// Routes for `request` with rate to spare on every link and every node available, or the reason there are none.
    mutating func routes(
        for request: KeyPathRequest, reservedBps: [LinkID: Double], newID: () -> QKDUUID
    ) throws(PathComputationError) -> [KeyPathRoute] {
        for end in [request.source, request.destination] {
            if let status = unavailable[end] {
                throw .noPath(source: request.source, destination: request.destination, reason: "node '\(end)' is \(status.rawValue)")
            }
        }
        let rate = request.protection == .multipath ? request.rateBps / Double(request.paths) : request.rateBps
        func routes(_ paths: [RelayPath]) -> [KeyPathRoute] {
            paths.enumerated().map { index, path in
                let role: KeyPathRoute.Role = request.protection == .disjointBackup && index > 0 ? .backup : .primary
                return KeyPathRoute(role: role, nodes: path.nodes, links: path.links, rateBps: rate, qkdlID: newID())
            }
        }
        // Under `rate` a link's weight depends on what is reserved on it, so only the other metrics can reuse routes.
        if request.metric != .rate {
            let key = Self.routeKey(request)
            let best: [RelayPath]?
            if let known = shortest[key] {
                best = known
            } else {
                best = try? search(request, on: unreserved, minRateBps: 0, workspace: workspace)
                shortest[key] = .some(best)
            }
            if let best, fits(best, rate, reservedBps) { return routes(best) }
        }
        let engine = PathEngine(graph: RelayGraph(topology: topology, reservedBps: reservedBps))
        return routes(try search(request, on: engine, minRateBps: rate, workspace: nil))
    }

    /// The routes `request` asks for on `engine`'s network, best first.
    private func search(
        _ request: KeyPathRequest, on engine: PathEngine, minRateBps: Double, workspace: SearchWorkspace?
    ) throws(PathComputationError) -> [RelayPath] {
        let constraints = PathConstraints(
            minRateBps: minRateBps, maxHops: request.maxHops, excludeNodes: request.excludeNodes, excludeLinks: request.excludeLinks,
            unavailableNodes: unavailable, unusableLinks: unusableLinks
        )
        switch request.protection {
        case .none:
            return [
                try engine.shortestPath(
                    from: request.source, to: request.destination, metric: request.metric, constraints: constraints, workspace: workspace
                )
            ]
        case .disjointBackup, .multipath:
            // Node-disjoint routes of least total; for a backup pair the better one carries the key.
            return try engine.disjointPaths(
                from: request.source, to: request.destination, k: request.protection == .multipath ? request.paths : 2,
                disjointness: .node, metric: request.metric, constraints: constraints, workspace: workspace
            )
        }
    }

    /// Whether every link of `paths` has `rate` to spare for each path crossing it.
    private func fits(_ paths: [RelayPath], _ rate: Double, _ reservedBps: [LinkID: Double]) -> Bool {
        var asked: [LinkID: Double] = [:]
        for path in paths {
            for link in path.links { asked[link, default: 0] += rate }
        }
        return asked.allSatisfy { link, bps in
            guard let keyRate = keyRateBps[link] else { return false }
            return keyRate - (reservedBps[link] ?? 0) >= bps
        }
    }

    /// What makes two requests' routes the same: the request less its rate and applications.
    private static func routeKey(_ request: KeyPathRequest) -> KeyPathRequest {
        var key = request
        key.rateBps = 0
        key.clientAppID = nil
        key.serverAppID = nil
        return key
    }
}
