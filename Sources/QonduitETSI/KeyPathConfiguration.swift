public import QonduitCore

/// The GS QKD 015 configuration a key path asks of its nodes: on every node of each route the
/// route's virtual link (`VIRT`, this node as its local end, previous and next hop, bandwidth); at
/// the two ends the application backed by those virtual links, when the path names one. Derived
/// from the path's routes whenever it is needed (to push, or to reconcile), never stored.
public struct KeyPathConfiguration: Sendable, Equatable {
    public var links: [NodeID: [ETSILink]] = [:]
    public var applications: [NodeID: [ETSIApplication]] = [:]

    public init() {}

    /// A node of the path has no GS QKD 015 id (`qkdn_id`), so no entry can name it.
    public struct UnidentifiedNode: Error, Sendable, Equatable {
        public var node: NodeID
    }

    /// Adds `path`'s entries, and returns the nodes it placed them on; `qkdnID` gives each node's GS
    /// QKD 015 id. Only the entries placed on `node` are added when one is given (a reconciler wants
    /// one agent's share), and none for the routes in `skippingLinks` (by `qkdl_id`: routes a
    /// re-route kept are configured already).
    @discardableResult
    public mutating func add(
        _ path: QKDKeyPath, qkdnID: (NodeID) -> QKDUUID?, only node: NodeID? = nil, skippingLinks: Set<QKDUUID> = []
    ) throws(UnidentifiedNode) -> Set<NodeID> {
        func qkdn(_ node: NodeID) throws(UnidentifiedNode) -> QKDUUID {
            guard let id = qkdnID(node) else { throw UnidentifiedNode(node: node) }
            return id
        }
        let source = try qkdn(path.source)
        let destination = try qkdn(path.destination)
        var placed = Set<NodeID>()
        for route in path.routes where !skippingLinks.contains(route.qkdlID) {
            for (index, here) in route.nodes.enumerated() where node == nil || node == here {
                // Each node describes the virtual link from where it stands: itself as the local end,
                // the far end of the key path as the remote one.
                links[here, default: []].append(
                    ETSILink(
                        id: route.qkdlID, enabled: true, local: .init(nodeID: try qkdn(here)),
                        remote: .init(nodeID: here == path.destination ? source : destination), type: .virtual,
                        applications: path.hasApplication ? [path.appID] : [],
                        virtualPreviousHop: index > 0 ? try qkdn(route.nodes[index - 1]) : nil,
                        virtualNextHops: index + 1 < route.nodes.count ? [try qkdn(route.nodes[index + 1])] : [],
                        virtualBandwidthBps: UInt32(route.rateBps.rounded(.up))
                    ))
                placed.insert(here)
            }
        }
        guard path.hasApplication else { return placed }
        for (end, local, remote) in [(path.source, source, destination), (path.destination, destination, source)] where node == nil || node == end {
            applications[end, default: []].append(
                ETSIApplication(
                    id: path.appID, type: .client, serverAppID: path.serverAppID, clientAppIDs: path.clientAppID.map { [$0] } ?? [],
                    qos: .init(maxBandwidthBps: UInt32(path.rateBps.rounded(.up)), minBandwidthBps: UInt32(path.rateBps.rounded(.down))),
                    backingLinkIDs: path.routes.map(\.qkdlID), localNodeID: local, remoteNodeID: remote
                ))
            placed.insert(end)
        }
        return placed
    }

    /// Every node with an entry to take.
    public var nodes: Set<NodeID> { Set(links.keys).union(applications.keys) }
}
