public import QonduitCore

/// Key paths, their routes and the rate they reserve. Paths are created, re-routed, failed and
/// deleted only through a ledger (`withKeyPathLedger`), where admission is checked.
public protocol KeyPathStore: Sendable {
    /// Runs `body` in one write transaction over the key paths and reservations, and commits what
    /// it stored when it returns; nothing when it throws. Writers are serialised, so admission is
    /// exact however many requests arrive at once. `body` must not wait on anything but the ledger
    /// and its own computation: the store's writer is held until it returns.
    func withKeyPathLedger<T: Sendable>(_ body: @Sendable (any KeyPathLedger) async throws -> T) async throws -> T

    func keyPath(_ id: String) async throws -> Stored<QKDKeyPath>
    func keyPaths(_ filter: KeyPathFilter, limit: Int, offset: Int) async throws -> Page<Stored<QKDKeyPath>>
    /// The key paths with a route through `node`, its retiring routes' virtual links, and the
    /// identities of the nodes those paths run through, read in one snapshot.
    func keyPathsTouching(_ node: NodeID) async throws -> KeyPathsTouchingNode
    /// Paths that need a new route (a route over an unusable link or node, degraded ones, protected
    /// ones without a backup), with what the network offers now. Degraded and backup-less paths are
    /// left out when the network offers nothing beyond `waitingPlannedOn`.
    func keyPathsToRepair(qberThreshold: Double?, waitingPlannedOn: NetworkHeadroom?) async throws -> (ids: [QKDUUID], headroom: NetworkHeadroom)
}

extension KeyPathStore {
    public func keyPaths(_ filter: KeyPathFilter = .init(), limit: Int = 1_000, offset: Int = 0) async throws -> Page<Stored<QKDKeyPath>> {
        try await keyPaths(filter, limit: limit, offset: offset)
    }

    public func keyPathsToRepair(qberThreshold: Double? = nil) async throws -> (ids: [QKDUUID], headroom: NetworkHeadroom) {
        try await keyPathsToRepair(qberThreshold: qberThreshold, waitingPlannedOn: nil)
    }
}
