public import QonduitCore

/// Changes to key paths that take no rate, as one write transaction sees and makes them: reading
/// paths, their states, releasing and removing them, retiring routes, and the events and audit
/// entries that go with them. Provisioning decides; these store what it decides. Valid only inside
/// `KeyPathStore.withKeyPathChanges` (or a ledger, which can do all of it too).
public protocol KeyPathChanges: AnyObject {
    /// Key paths by id, with their routes; ids not found are left out.
    func keyPaths(_ ids: [QKDUUID]) async throws -> [QKDUUID: QKDKeyPath]
    /// Key paths by id as stored, with the times they were stored and changed; ids not found are left out.
    func storedKeyPaths(_ ids: [QKDUUID]) async throws -> [QKDUUID: Stored<QKDKeyPath>]
    /// Sets the state and reason of paths (with `from`, only of those in one of these states), and logs
    /// a `key_path.state` event for each whose state changes.
    func setStates(of ids: [QKDUUID], to state: KeyPathState, reason: String?, from: [KeyPathState]?) async throws
    /// Logs a `key_path.rerouted` event for each re-route (the path, why, and its routes' nodes before
    /// and after), in order.
    func logReroutes(_ reroutes: [Reroute]) async throws
    /// Drops the routes of `paths` (as stored), their retiring routes and their reservations, and
    /// gives back what they reserved (to a ledger's book too): a failed path holds nothing.
    func release(_ paths: [QKDKeyPath]) async throws
    /// Deletes `paths` (as stored), releasing what they held, and logs a `key_path.deleted` event for each.
    func remove(_ paths: [QKDKeyPath]) async throws
    /// Appends to the audit log in this transaction: what a request did is logged with it, or not at all.
    func appendAudit(_ entries: [AuditEntry]) async throws
    /// Keeps routes that are being replaced but still carry key on their nodes (see `RetiringRoute`).
    func holdRetiring(_ routes: [RetiringRoute]) async throws
    /// The retiring routes of `paths` are let go: their entries are no longer asked of the nodes, and
    /// the reconciler removes them.
    func dropRetiring(of paths: [QKDUUID]) async throws
}

/// Key paths and the key rate reserved on links, as one write transaction sees and changes them: all
/// of `KeyPathChanges`, and what takes rate. Provisioning decides (which paths, which routes, in what
/// order); the ledger stores what it decides, and enforces admission: a path is held only if no link
/// would end up with more reserved than its key rate and every link is up. Valid only inside
/// `KeyPathStore.withKeyPathLedger`.
public protocol KeyPathLedger: KeyPathChanges {
    /// Every node and link as the transaction sees them, and what is reserved on each link, with
    /// what this transaction held and gave back so far.
    var book: ReservationBook { get set }

    /// Stores admitted paths, with their routes and reservations. A path that cannot be written
    /// leaves nothing behind and is answered with its error; the others stand.
    func insert(_ paths: [QKDKeyPath]) async throws -> [Result<Void, any Error>]
    /// Replaces the routes and reservations of re-routed paths: `replaced` as stored, `rerouted` with
    /// their new routes (states are `setStates`').
    func replaceRoutes(of replaced: [QKDKeyPath], with rerouted: [QKDKeyPath]) async throws
}

extension KeyPathLedger {
    public var network: Topology { book.network }
    public var reservedBps: [LinkID: Double] { book.reservedBps }

    /// Admits and holds a new path (see `ReservationBook.admit`).
    public func admit(plan: ([LinkID: Double]) throws -> QKDKeyPath) throws -> QKDKeyPath {
        try book.admit(plan: plan)
    }

    /// Admits and holds new routes for `old` (see `ReservationBook.readmit`).
    public func readmit(_ old: QKDKeyPath, requireUp: Bool = true, plan: ([LinkID: Double]) throws -> QKDKeyPath) throws -> QKDKeyPath {
        try book.readmit(old, requireUp: requireUp, plan: plan)
    }

    /// Stores one admitted path; throws what kept it from being stored.
    public func insert(_ path: QKDKeyPath) async throws {
        for case .failure(let error) in try await insert([path]) { throw error }
    }

}

extension KeyPathChanges {
    public func setStates(of ids: [QKDUUID], to state: KeyPathState, reason: String?) async throws {
        try await setStates(of: ids, to: state, reason: reason, from: nil)
    }
}

/// One re-routed path, for the event log: the path before and after, and why.
public struct Reroute: Sendable {
    public var old: QKDKeyPath
    public var new: QKDKeyPath
    public var reason: String

    public init(old: QKDKeyPath, new: QKDKeyPath, reason: String) {
        self.old = old
        self.new = new
        self.reason = reason
    }
}
