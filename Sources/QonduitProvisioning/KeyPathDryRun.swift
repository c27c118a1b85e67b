public import QonduitCore
import QonduitStorage

extension KeyPathProvisioner {
    /// The key path `request` would get now, routes and all, planned as a provisioning batch plans
    /// (the same planner, on the same spare rates and node states): nothing is reserved and nothing
    /// is sent to a node. Throws as `provision` does when no route can carry it.
    public func dryRun(_ request: KeyPathRequest) async throws -> QKDKeyPath {
        try request.validate()
        let (nodes, links, reservedBps) = try await inventory.topologyAndReservations()
        var planner = KeyPathPlanner(topology: Topology(nodes: nodes.map(\.value), links: links.map(\.value)), qberThreshold: qberThreshold)
        var path = QKDKeyPath(
            id: .random(), source: request.source, destination: request.destination, rateBps: request.rateBps,
            metric: request.metric, maxHops: request.maxHops, excludeNodes: request.excludeNodes.sorted(),
            excludeLinks: request.excludeLinks.sorted(), protection: request.protection, pathCount: request.paths,
            clientAppID: request.clientAppID, serverAppID: request.serverAppID, appID: .random()
        )
        path.routes = try planner.plan(request, reservedBps: reservedBps)
        return path
    }
}
