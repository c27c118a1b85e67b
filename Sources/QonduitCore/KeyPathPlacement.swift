/// Which entries key paths put on which node, the rule stated once: each route's virtual link (by
/// `qkdl_id`) on every node of the route, and the path's application (by `app_id`, when it names
/// one) at its two ends. GS QKD 015 entries are built along it (`KeyPathConfiguration`, whose tests
/// check that it places exactly these), provisioning takes entries off nodes by it, and what is in
/// progress on a node (`NodeHolding`) is its entries.
public struct KeyPathPlacement: Sendable, Equatable {
    /// The ids of the entries a node holds.
    public struct Entries: Sendable, Equatable {
        public var links: [QKDUUID] = []
        public var applications: [QKDUUID] = []

        public init(links: [QKDUUID] = [], applications: [QKDUUID] = []) {
            self.links = links
            self.applications = applications
        }
    }

    public private(set) var byNode: [NodeID: Entries] = [:]

    public init(byNode: [NodeID: Entries] = [:]) {
        self.byNode = byNode
    }

    /// `path`'s entries, less the virtual links of the routes in `skippingLinks` (by `qkdl_id`) and,
    /// without `withApplication`, its application. A node left with nothing is not in `byNode`.
    public init(of path: QKDKeyPath, skippingLinks: Set<QKDUUID> = [], withApplication: Bool = true) {
        for route in path.routes where !skippingLinks.contains(route.qkdlID) {
            for node in route.nodes { byNode[node, default: Entries()].links.append(route.qkdlID) }
        }
        if withApplication && path.hasApplication {
            for end in [path.source, path.destination] { byNode[end, default: Entries()].applications.append(path.appID) }
        }
    }

    /// Several placements as one (one request a node takes them all).
    public init(merging placements: some Sequence<KeyPathPlacement>) {
        for placement in placements {
            for (node, entries) in placement.byNode {
                byNode[node, default: Entries()].links += entries.links
                byNode[node, default: Entries()].applications += entries.applications
            }
        }
    }

    /// This placement on every node but `nodes`.
    public func excluding(_ nodes: Set<NodeID>) -> KeyPathPlacement {
        var kept = self
        kept.byNode = byNode.filter { !nodes.contains($0.key) }
        return kept
    }

    /// Every entry placed, each once, whatever the node: a virtual link is on every node of its route.
    public var entryIDs: Set<QKDUUID> {
        var ids = Set<QKDUUID>()
        for entries in byNode.values {
            ids.formUnion(entries.links)
            ids.formUnion(entries.applications)
        }
        return ids
    }
}
