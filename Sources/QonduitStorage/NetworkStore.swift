public import QonduitCore
public import QonduitTopology

/// The network as the controller keeps it: nodes, links and what nodes measure on them, with the
/// rate key paths reserve on each link. Every write is one transaction; a read sees one snapshot.
public protocol NetworkStore: Sendable {
    func nodes(limit: Int, offset: Int) async throws -> Page<Stored<QKDNode>>
    func node(_ id: String) async throws -> Stored<QKDNode>
    /// Stores a new node, with a GS QKD 015 identity made for it when it has none.
    func createNode(_ node: QKDNode) async throws -> Stored<QKDNode>
    /// Applies `change` to the stored node and saves the result if it is still valid. The id cannot
    /// change: it is the node's identity.
    func updateNode(_ id: String, _ change: @Sendable (inout QKDNode) throws -> Void) async throws -> Stored<QKDNode>
    /// Deletes a node; with `cascade` its links go too, otherwise a node with links is refused. A node
    /// or link a key path holds or ends at is refused. Returns the ids of the links deleted with it.
    @discardableResult
    func deleteNode(_ id: String, cascade: Bool) async throws -> [LinkID]

    func links(limit: Int, offset: Int) async throws -> Page<Stored<QKDLink>>
    func link(_ id: String) async throws -> Stored<QKDLink>
    func createLink(_ link: QKDLink) async throws -> Stored<QKDLink>
    /// Applies `change` to the stored link and saves the result if it is still valid. With
    /// `operatorHold`, a status it changes is an operator's: a link set down stays down whatever a
    /// topology import says, until set up the same way.
    func updateLink(_ id: String, operatorHold: Bool, _ change: @Sendable (inout QKDLink) throws -> Void) async throws -> Stored<QKDLink>
    func deleteLink(_ id: String) async throws

    /// The whole network, read in one snapshot.
    func topology() async throws -> (nodes: [Stored<QKDNode>], links: [Stored<QKDLink>])
    /// The whole network and the rate reserved on each link, read in one snapshot: what path
    /// computation needs to answer on spare rate as admission decides.
    func topologyAndReservations() async throws -> (nodes: [Stored<QKDNode>], links: [Stored<QKDLink>], reservedBps: [LinkID: Double])
    /// Rate reserved on each link by key paths, bit/s.
    func reservedBps() async throws -> [LinkID: Double]
    /// The rate reserved on each link and which links an operator holds down.
    func linkOperationalState() async throws -> LinkOperationalState
    /// The GS QKD 015 identity of each of `nodes` the inventory has.
    func qkdnIDs(of nodes: Set<NodeID>) async throws -> [NodeID: QKDUUID]
    /// What the network holds now, counted for metrics.
    func census() async throws -> NetworkCensus

    /// Imports a topology in one transaction: all of it or nothing.
    func importTopology(_ draft: TopologyDraft, file: String, mode: ImportMode, fiberModel: FiberLinkModel) async throws -> ImportSummary
}

extension NetworkStore {
    public func updateLink(_ id: String, _ change: @Sendable (inout QKDLink) throws -> Void) async throws -> Stored<QKDLink> {
        try await updateLink(id, operatorHold: false, change)
    }

    public func importTopology(_ draft: TopologyDraft, file: String, mode: ImportMode) async throws -> ImportSummary {
        try await importTopology(draft, file: file, mode: mode, fiberModel: .standard)
    }
}
