import QonduitCore
import QonduitETSI
import QonduitInventory
import QonduitPathEngine

/// Chooses a key path's routes on the network as it is (spare rate after every reservation) and
/// writes the GS QKD 015 configuration its nodes need.
enum KeyPathPlanner {
    /// Routes for `request` with rate to spare on every link and every node available, or the reason there are none.
    static func routes(
        for request: KeyPathRequest, topology: Topology, reservedBps: [LinkID: Double], newID: () -> QKDUUID
    ) throws(PathComputationError) -> [KeyPathRoute] {
        // Nodes known to be down, or whose agents are silent, can neither relay nor end a new route.
        let unavailable = Dictionary(topology.nodes.filter { $0.status == .down || $0.status == .unreachable }.map { ($0.id, $0.status) },
                                     uniquingKeysWith: { first, _ in first })
        for end in [request.source, request.destination] {
            if let status = unavailable[end] {
                throw .noPath(source: request.source, destination: request.destination, reason: "node '\(end)' is \(status.rawValue)")
            }
        }
        let excluded = request.excludeNodes.union(unavailable.keys)
        let engine = PathEngine(graph: RelayGraph(topology: topology, reservedBps: reservedBps))
        func constraints(_ rate: Double) -> PathConstraints {
            PathConstraints(minRateBps: rate, maxHops: request.maxHops, excludeNodes: excluded, excludeLinks: request.excludeLinks)
        }
        func route(_ path: RelayPath, _ role: KeyPathRoute.Role, _ rate: Double) -> KeyPathRoute {
            KeyPathRoute(role: role, nodes: path.nodes, links: path.links, rateBps: rate, qkdlID: newID())
        }
        switch request.protection {
        case .none:
            let path = try engine.shortestPath(from: request.source, to: request.destination, metric: request.metric, constraints: constraints(request.rateBps))
            return [route(path, .primary, request.rateBps)]
        case .disjointBackup:
            // Node-disjoint pairs of least total; the better one carries the key.
            let paths = try engine.disjointPaths(
                from: request.source, to: request.destination, k: 2, disjointness: .node, metric: request.metric,
                constraints: constraints(request.rateBps)
            )
            return [route(paths[0], .primary, request.rateBps), route(paths[1], .backup, request.rateBps)]
        case .multipath:
            let share = request.rateBps / Double(request.paths)
            let paths = try engine.disjointPaths(
                from: request.source, to: request.destination, k: request.paths, disjointness: .node, metric: request.metric,
                constraints: constraints(share)
            )
            return paths.map { route($0, .primary, share) }
        }
    }

    /// The ids of the entries a node holds for a key path.
    typealias Placed = (links: [QKDUUID], applications: [QKDUUID])

    /// Which entries `path` puts on which node, as `configuration(of:topology:)` places them: each
    /// route's virtual link on every node of the route, the application (`withApplication`) at the ends.
    static func placement(of path: KeyPath, withApplication: Bool = true) -> [NodeID: Placed] {
        var placed: [NodeID: Placed] = [:]
        for route in path.routes {
            for node in route.nodes { placed[node, default: ([], [])].links.append(route.qkdlID) }
        }
        if withApplication && path.hasApplication {
            for end in [path.source, path.destination] { placed[end, default: ([], [])].applications.append(path.appID) }
        }
        return placed
    }

    /// The virtual links of `path`'s routes other than `routes` (by `qkdl_id`), by node; nodes left with none are left out.
    static func virtualLinks(of path: KeyPath, except routes: Set<QKDUUID>) -> [NodeID: Placed] {
        placement(of: path, withApplication: false).compactMapValues { placed in
            let links = placed.links.filter { !routes.contains($0) }
            return links.isEmpty ? nil : (links, [])
        }
    }

    /// The configuration of `path` on its nodes: on every node of each route the route's virtual
    /// link (`VIRT`, this node as its local end, previous and next hop, bandwidth); at the two ends the application backed by
    /// those virtual links, when the request named one.
    static func configuration(of path: KeyPath, topology: Topology) throws(ProvisioningError) -> KeyPathPlan {
        let qkdnIDs = Dictionary(topology.nodes.compactMap { node in node.qkdnID.map { (node.id, $0) } }, uniquingKeysWith: { first, _ in first })
        func qkdn(_ node: NodeID) throws(ProvisioningError) -> QKDUUID {
            guard let id = qkdnIDs[node] else { throw .unidentifiedNode(node) }
            return id
        }
        let source = try qkdn(path.source), destination = try qkdn(path.destination)
        var links: [DesiredEntry] = []
        for route in path.routes {
            for (index, node) in route.nodes.enumerated() {
                // Each node describes the virtual link from where it stands: itself as the local end,
                // the far end of the key path as the remote one.
                let here = try qkdn(node)
                let link = ETSILink(
                    id: route.qkdlID, enabled: true, local: .init(nodeID: here),
                    remote: .init(nodeID: node == path.destination ? source : destination), type: .virtual,
                    applications: path.hasApplication ? [path.appID] : [],
                    virtualPreviousHop: index > 0 ? try qkdn(route.nodes[index - 1]) : nil,
                    virtualNextHops: index + 1 < route.nodes.count ? [try qkdn(route.nodes[index + 1])] : [],
                    virtualBandwidthBps: UInt32(route.rateBps.rounded(.up))
                )
                links.append(DesiredEntry(node: node, id: route.qkdlID, entry: link.encodedEntry()))
            }
        }
        var applications: [DesiredEntry] = []
        if path.hasApplication {
            for (end, local, remote) in [(path.source, source, destination), (path.destination, destination, source)] {
                let application = ETSIApplication(
                    id: path.appID, type: .client, serverAppID: path.serverAppID, clientAppIDs: path.clientAppID.map { [$0] } ?? [],
                    qos: .init(maxBandwidthBps: UInt32(path.rateBps.rounded(.up)), minBandwidthBps: UInt32(path.rateBps.rounded(.down))),
                    backingLinkIDs: path.routes.map(\.qkdlID), localNodeID: local, remoteNodeID: remote
                )
                applications.append(DesiredEntry(node: end, id: path.appID, entry: application.encodedEntry()))
            }
        }
        return KeyPathPlan(routes: path.routes, links: links, applications: applications)
    }
}
