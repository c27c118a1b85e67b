import QonduitCore
import QonduitStorage

/// A ledger that refuses what its faults say and passes the rest to the ledger it wraps.
final class FaultyLedger: KeyPathLedger {
    let base: any KeyPathLedger
    let faults: FaultyInventory.Faults

    init(base: any KeyPathLedger, faults: FaultyInventory.Faults) {
        self.base = base
        self.faults = faults
    }

    var book: ReservationBook {
        get { base.book }
        set { base.book = newValue }
    }

    private var routesRefused: FaultyInventory.InjectedFault { .init(description: "injected failure: routes cannot be stored") }

    func keyPaths(_ ids: [QKDUUID]) async throws -> [QKDUUID: QKDKeyPath] {
        try await base.keyPaths(ids)
    }

    func storedKeyPaths(_ ids: [QKDUUID]) async throws -> [QKDUUID: Stored<QKDKeyPath>] {
        try await base.storedKeyPaths(ids)
    }

    func insert(_ paths: [QKDKeyPath]) async throws -> [Result<Void, any Error>] {
        guard !faults.refuseRoutes else { return paths.map { _ in .failure(routesRefused) } }
        return try await base.insert(paths)
    }

    func replaceRoutes(of replaced: [QKDKeyPath], with rerouted: [QKDKeyPath]) async throws {
        if faults.refuseRoutes, !rerouted.isEmpty { throw routesRefused }
        try await base.replaceRoutes(of: replaced, with: rerouted)
    }

    func setStates(of ids: [QKDUUID], to state: KeyPathState, reason: String?, from: [KeyPathState]?) async throws {
        try await base.setStates(of: ids, to: state, reason: reason, from: from)
    }

    func logReroutes(_ reroutes: [Reroute]) async throws {
        try await base.logReroutes(reroutes)
    }

    func release(_ paths: [QKDKeyPath]) async throws {
        try await base.release(paths)
    }

    func remove(_ paths: [QKDKeyPath]) async throws {
        try await base.remove(paths)
    }

    func appendAudit(_ entries: [AuditEntry]) async throws {
        try await base.appendAudit(entries)
    }

    func holdRetiring(_ routes: [RetiringRoute]) async throws {
        try await base.holdRetiring(routes)
    }

    func dropRetiring(of paths: [QKDUUID]) async throws {
        try await base.dropRetiring(of: paths)
    }
}
