public import QonduitCore

/// Key paths, their routes and the rate they reserve. Paths are created and re-routed only through a
/// ledger (`withKeyPathLedger`), where admission is checked; activated, failed and deleted through
/// it or `withKeyPathChanges`.
public protocol KeyPathStore: Sendable {
    /// Runs `body` in one write transaction over the key paths and reservations, and commits what
    /// it stored when it returns; nothing when it throws. Writers are serialised, so admission is
    /// exact however many requests arrive at once. `body` must not wait on anything but the ledger
    /// and its own computation: the store's writer is held until it returns.
    func withKeyPathLedger<T: Sendable>(_ body: @Sendable (any KeyPathLedger) async throws -> T) async throws -> T
    /// Runs `body` in one write transaction as `withKeyPathLedger` does, for changes that take no rate:
    /// without a book, the store need not read the network first.
    func withKeyPathChanges<T: Sendable>(_ body: @Sendable (any KeyPathChanges) async throws -> T) async throws -> T

    func keyPath(_ id: String) async throws -> Stored<QKDKeyPath>
    func keyPaths(_ filter: KeyPathFilter, limit: Int, offset: Int) async throws -> Page<Stored<QKDKeyPath>>
    /// The key paths with a route through `node`, its retiring routes' virtual links, and the
    /// identities of the nodes those paths run through, read in one snapshot.
    func keyPathsTouching(_ node: NodeID) async throws -> KeyPathsTouchingNode
    /// What the network offers paths waiting for it (see `NetworkHeadroom`), and the paths
    /// `RepairCandidacy` picks, oldest first, read in one snapshot: `includingWaiting` says, given the
    /// headroom, whether the waiting paths are candidates. Only ids: a re-route pass reads the paths,
    /// and decides, in its transaction.
    func keyPathsToRepair(
        qberThreshold: Double?, includingWaiting: @Sendable (NetworkHeadroom) -> Bool
    ) async throws -> (ids: [QKDUUID], headroom: NetworkHeadroom)
}

extension KeyPathStore {
    public func keyPaths(_ filter: KeyPathFilter = .init(), limit: Int = 1_000, offset: Int = 0) async throws -> Page<Stored<QKDKeyPath>> {
        try await keyPaths(filter, limit: limit, offset: offset)
    }
}
