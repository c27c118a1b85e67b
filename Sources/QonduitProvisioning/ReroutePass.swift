import QonduitCore
import QonduitStorage

/// Decides, for a re-route pass and on the network as its transaction sees it, what becomes of each
/// key path, and plans new routes for those that need them: repair's policy and re-optimisation's.
protocol ReroutePolicy: SendableMetatype {
    /// What to do with `path`.
    func decide(_ path: QKDKeyPath) -> RerouteDecision
    /// New routes for `path`, given the rate reserved on each link (the path's own given back).
    mutating func routes(for path: QKDKeyPath, reservedBps: [LinkID: Double]) throws -> [KeyPathRoute]
    /// Why a path no routes were found for (`error`) becomes `degraded`; nil leaves it as it is.
    func unroutable(_ path: QKDKeyPath, _ error: any Error) -> String?
    /// Whether a route being replaced still carries key: it is then kept on its nodes as a
    /// `RetiringRoute` until the path is active on its new routes (make before break). A broken
    /// route carries nothing; provisioning removes its virtual links after activation all the same.
    func carriesKey(_ route: KeyPathRoute) -> Bool
}

/// What a re-route pass does with a key path.
enum RerouteDecision: Sendable, Equatable {
    /// New routes, for this reason.
    case reroute(reason: String)
    /// Its routes work again: `active` once more.
    case recover
    case leave
}

/// What re-routing did to one key path.
enum RerouteOutcome: Sendable {
    /// New routes are reserved (old ones that still carry key are kept as retiring until
    /// activation: make before break); `new` is `pending`, or still `active` when it kept a
    /// configured route as primary.
    case rerouted(old: QKDKeyPath, new: QKDKeyPath)
    /// No route fits: the path keeps its routes and is `degraded` with this reason.
    case degraded(QKDKeyPath, reason: String)
    /// Its routes work again: it is `active` once more.
    case recovered(QKDKeyPath)
    /// Left as it was: nothing to do, or no route fits and it stays as it is.
    case unchanged(QKDKeyPath)
    /// The path was deleted, or failed, meanwhile.
    case gone(QKDUUID)
}

extension KeyPathProvisioner {
    /// How many re-routed paths a pass decides before it sends their configuration: enough that each
    /// node gets a few requests, not one per path; few enough that the first go out while the pass
    /// still plans the rest.
    public static let rerouteSliceDefault = 2_500

    /// Re-routes key paths in one transaction, however many: the network and the paths are read once,
    /// and the policy (made for the network as the transaction sees it) decides for each path in turn
    /// whether it needs new routes, recovers or is left. One that needs new routes is planned and
    /// readmitted (see `KeyPathLedger.readmit`), so that later paths of the pass see what earlier ones
    /// took. A path no route is found for becomes `degraded`, with the reason the policy words from
    /// the error, or is left as it is when it says nil.
    ///
    /// Every `rerouteSlice` re-routed paths, and for the rest once all are decided, the new
    /// configuration is sent to the nodes through `rollout` while the pass decides the rest and writes.
    /// The pass never waits for their answers: paths whose nodes have all confirmed by the time it
    /// writes states are written `active` at once, the others `pending` (or `active` when they kept a
    /// configured primary), and what the nodes answer later is acted on once it has committed
    /// (`Rollout.finish`, given `rerouted(in:)`). Should the pass throw, the caller withdraws the rollout.
    func reroute<Policy: ReroutePolicy>(
        _ ids: [QKDUUID], policy makePolicy: @escaping @Sendable (Topology) -> Policy, rollout: Rollout
    ) async throws -> [RerouteOutcome] {
        try await inventory.withKeyPathLedger { [self] ledger in
            var policy = makePolicy(ledger.network)
            let qkdnIDs = ledger.network.qkdnIDs
            let current = try await ledger.keyPaths(ids)
            var outcomes: [RerouteOutcome] = []
            outcomes.reserveCapacity(ids.count)
            var handedOver = 0
            var reroutedSince = 0
            func sendDecided() {
                rollout.send(Self.changes(in: outcomes[handedOver...]), qkdnIDs: qkdnIDs)
                (handedOver, reroutedSince) = (outcomes.count, 0)
            }
            // Decided path by path against the running ledger, written at the end with a few statements for all.
            var writes = RerouteWrites()
            for id in ids {
                guard let old = current[id], old.state == .active || old.state == .degraded else {
                    outcomes.append(.gone(id))
                    continue
                }
                let reason: String
                switch policy.decide(old) {
                case .leave:
                    outcomes.append(.unchanged(old))
                    continue
                case .recover:
                    if old.state == .degraded {
                        writes.states[StateChange(state: .active, reason: nil), default: []].append(id)
                        outcomes.append(.recovered(old))
                    } else {
                        outcomes.append(.unchanged(old))
                    }
                    continue
                case .reroute(let why):
                    reason = why
                }
                var new: QKDKeyPath
                do {
                    new = try ledger.readmit(old) { reserved in
                        var path = old
                        path.routes = try policy.routes(for: old, reservedBps: reserved)
                        return path
                    }
                } catch {
                    guard let why = policy.unroutable(old, error) else {
                        outcomes.append(.unchanged(old))
                        continue
                    }
                    if old.state != .degraded || old.reason != why {
                        writes.states[StateChange(state: .degraded, reason: why), default: []].append(id)
                    }
                    outcomes.append(.degraded(old, reason: why))
                    continue
                }
                // A primary route the path already had is configured on its nodes: the key keeps flowing
                // (a backup switched over), so the path stays active while the rest is configured.
                let keptPrimary = new.routes.first.map { primary in old.routes.contains { $0.qkdlID == primary.qkdlID } } ?? false
                new.state = keptPrimary ? .active : .pending
                new.reason = reason
                writes.add(rerouted: new, from: old, reason: reason, retiring: Self.retiring(old, new).filter { policy.carriesKey($0.route) })
                outcomes.append(.rerouted(old: old, new: new))
                reroutedSince += 1
                if reroutedSince >= rerouteSlice { sendDecided() }
            }
            sendDecided()
            let active = try await writes.apply(ledger, confirmed: { rollout.confirmedSoFar(among: $0) })
            guard !active.isEmpty else { return outcomes }
            return outcomes.map { outcome in
                guard case .rerouted(let old, var new) = outcome, active.contains(new.id) else { return outcome }
                new.state = .active
                new.reason = nil
                return .rerouted(old: old, new: new)
            }
        }
    }

    /// The changes a re-route pass made: each path given new routes.
    static func changes(in outcomes: some Sequence<RerouteOutcome>) -> [PathChange] {
        outcomes.compactMap { outcome in
            guard case .rerouted(let old, let new) = outcome else { return nil }
            return .rerouted(old: old, new: new)
        }
    }

    /// The paths a re-route pass gave new routes, as it wrote them.
    static func rerouted(in outcomes: some Sequence<RerouteOutcome>) -> [QKDKeyPath] {
        outcomes.compactMap { outcome in
            guard case .rerouted(_, let new) = outcome else { return nil }
            return new
        }
    }

    /// The routes of `old` that `new` no longer has.
    private static func retiring(_ old: QKDKeyPath, _ new: QKDKeyPath) -> [RetiringRoute] {
        let kept = Set(new.routes.map(\.qkdlID))
        return old.routes.filter { !kept.contains($0.qkdlID) }.map { RetiringRoute(keyPath: old.id, route: $0) }
    }
}

/// A new state and reason, shared by the paths of a re-route pass broken by the same failure.
private struct StateChange: Hashable {
    var state: KeyPathState
    var reason: String?
}

/// What a re-route pass writes, gathered path by path and written with a few statements for all:
/// one statement per row was most of a pass over thousands of paths.
private struct RerouteWrites {
    /// What each re-route is logged as (`key_path.rerouted` events).
    var reroutes: [Reroute] = []
    /// Paths with new routes, and as they were (their old routes go).
    var rerouted: [QKDKeyPath] = []
    var replaced: [QKDKeyPath] = []
    var states: [StateChange: [QKDUUID]] = [:]
    var retiring: [RetiringRoute] = []

    mutating func add(rerouted new: QKDKeyPath, from old: QKDKeyPath, reason: String, retiring routes: [RetiringRoute]) {
        reroutes.append(Reroute(old: old, new: new, reason: reason))
        rerouted.append(new)
        replaced.append(old)
        states[StateChange(state: new.state, reason: reason), default: []].append(new.id)
        retiring += routes
    }

    /// Writes it all; `confirmed` picks, without waiting, the re-routed paths whose nodes have all
    /// confirmed already: they are written active (no retiring routes to keep), and returned.
    mutating func apply(_ ledger: any KeyPathLedger, confirmed: (_ pending: [QKDUUID]) -> Set<QKDUUID>) async throws -> Set<QKDUUID> {
        // Each path's event is logged before the state change it causes.
        try await ledger.logReroutes(reroutes)
        try await ledger.replaceRoutes(of: replaced, with: rerouted)
        // Asked last, so that the nodes have had as long as the writes above took to answer.
        let pending = rerouted.filter { $0.state == .pending }.map(\.id)
        let active = pending.isEmpty ? [] : confirmed(pending)
        if !active.isEmpty {
            for (change, paths) in states where change.state == .pending { states[change] = paths.filter { !active.contains($0) } }
            states[StateChange(state: .active, reason: nil), default: []] += active
            retiring.removeAll { active.contains($0.keyPath) }
        }
        for (change, ids) in states { try await ledger.setStates(of: ids, to: change.state, reason: change.reason) }
        try await ledger.holdRetiring(retiring)
        return active
    }
}
