import QonduitCore
import QonduitETSI
import Testing

/// `KeyPathConfiguration` builds GS QKD 015 entries where `KeyPathPlacement` says they go: the same
/// entries on the same nodes, for single, protected and multipath paths, with and without an
/// application, skipping kept routes, and for one node's share.
@Suite struct KeyPathConfigurationPlacementTests {
    func route(_ nodes: [String], _ role: KeyPathRoute.Role = .primary) throws -> KeyPathRoute {
        let ids = try nodes.map { try NodeID($0) }
        let links = try zip(nodes, nodes.dropFirst()).map { try LinkID($0 + $1) }
        return KeyPathRoute(role: role, nodes: ids, links: links, rateBps: 100, qkdlID: .random())
    }

    func paths() throws -> [QKDKeyPath] {
        let (a, d) = (try NodeID("a"), try NodeID("d"))
        func path(_ routes: [KeyPathRoute], application: Bool) -> QKDKeyPath {
            var path = QKDKeyPath(id: .random(), source: a, destination: d, rateBps: 100, metric: .hops, appID: .random(), routes: routes)
            if application { path.serverAppID = "urn:app:server" }
            return path
        }
        var paths: [QKDKeyPath] = []
        for application in [false, true] {
            paths.append(path([try route(["a", "d"])], application: application))
            paths.append(path([try route(["a", "b", "c", "d"])], application: application))
            paths.append(path([try route(["a", "b", "d"]), try route(["a", "c", "d"], .backup)], application: application))
            paths.append(
                path([try route(["a", "b", "d"]), try route(["a", "c", "d"]), try route(["a", "e", "f", "d"])], application: application))
        }
        return paths
    }

    /// The ids of the entries `configuration` holds, by node.
    func entries(_ configuration: KeyPathConfiguration) -> KeyPathPlacement {
        var byNode: [NodeID: KeyPathPlacement.Entries] = [:]
        for node in configuration.nodes {
            let (links, applications) = (configuration.links[node, default: []], configuration.applications[node, default: []])
            byNode[node] = KeyPathPlacement.Entries(links: links.map(\.id), applications: applications.map(\.id))
        }
        return KeyPathPlacement(byNode: byNode)
    }

    @Test func entriesGoWherePlacementSays() throws {
        let qkdnIDs = Dictionary(uniqueKeysWithValues: try ["a", "b", "c", "d", "e", "f"].map { (try NodeID($0), QKDUUID.random()) })
        for path in try paths() {
            var configuration = KeyPathConfiguration()
            let placed = try configuration.add(path, qkdnID: { qkdnIDs[$0] })
            let placement = KeyPathPlacement(of: path)
            #expect(placed == Set(placement.byNode.keys), "\(path.routes.count) route(s), application \(path.hasApplication)")
            #expect(entries(configuration) == placement)

            let kept = Set([path.routes[0].qkdlID])
            var skipping = KeyPathConfiguration()
            try skipping.add(path, qkdnID: { qkdnIDs[$0] }, skippingLinks: kept)
            #expect(entries(skipping) == KeyPathPlacement(of: path, skippingLinks: kept))

            for node in placement.byNode.keys {
                var share = KeyPathConfiguration()
                try share.add(path, qkdnID: { qkdnIDs[$0] }, only: node)
                #expect(entries(share).byNode == placement.byNode.filter { $0.key == node }, "node \(node)'s share")
            }
        }
    }
}
