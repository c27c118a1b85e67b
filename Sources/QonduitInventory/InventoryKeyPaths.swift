import Foundation
import GRDB
public import QonduitCore

/// Decides, for a re-route pass and on the network as its transaction sees it, what becomes of each
/// key path, and plans new routes for those that need them.
public protocol KeyPathRerouter: SendableMetatype {
    /// What to do with `path`.
    func decide(_ path: KeyPath) -> Inventory.RerouteDecision
    /// New routes for `path`, given the rate reserved on each link (the path's own given back).
    mutating func routes(for path: KeyPath, reservedBps: [LinkID: Double]) throws -> [KeyPathRoute]
    /// Why a path no routes were found for (`error`) becomes `degraded`; nil leaves it as it is.
    func unroutable(_ path: KeyPath, _ error: any Error) -> String?
    /// Whether a route being replaced still carries key: its virtual links are then kept from the
    /// reconciler until the path is active on its new routes (make before break). Those of a broken
    /// route carry nothing, and provisioning removes them after activation all the same.
    func carriesKey(_ route: KeyPathRoute) -> Bool
}

/// What a node's agent is asked to hold for key paths, read for the reconciler.
public struct KeyPathsAtNode: Sendable {
    /// Active and degraded paths with a route through the node: their configuration there is desired.
    public var settled: [KeyPath]
    /// Entries (virtual links and applications, by id) provisioning is still putting on the node or
    /// taking off it: those of pending paths, and the virtual links of retiring routes. The
    /// reconciler neither puts nor removes them.
    public var inProgress: Set<QKDUUID>
    /// The GS QKD 015 id of every node the settled paths run through.
    public var qkdnIDs: [NodeID: QKDUUID]
}

/// Which key paths to list.
public struct KeyPathFilter: Sendable {
    public var state: KeyPathState?
    /// Paths that start, end or relay at this node.
    public var node: NodeID?
    /// Paths with rate reserved on this link.
    public var link: LinkID?

    public init(state: KeyPathState? = nil, node: NodeID? = nil, link: LinkID? = nil) {
        self.state = state
        self.node = node
        self.link = link
    }
}

/// Key paths, their routes, and the key rate they reserve on links.
extension Inventory {
    /// Reserves new key paths, in order, in one transaction: `plan` is given the network once, and
    /// what it returns is given each path's position and the rate already reserved on each link (by
    /// those before it too), and chooses routes that fit; every link's reservations are checked again
    /// against its key rate before anything is written. Writers are serialised, so admission is exact however many requests arrive at once.
    /// Each path is stored `pending` (the configuration its nodes need follows from its routes). A
    /// path that cannot be planned or admitted gets its error and leaves nothing behind; the others
    /// are reserved all the same.
    ///
    /// `admitted`, when given, is called with the admitted paths and the network once they are all
    /// planned, before they are written: the caller may start configuring their nodes while the
    /// transaction writes and commits. It must then take back what it sent for any path this does
    /// not return reserved (should a write fail), or for all of them should this throw.
    public func reserveKeyPaths(
        _ paths: [KeyPath], plan: @Sendable (Topology) -> (_ position: Int, _ reservedBps: [LinkID: Double]) throws -> [KeyPathRoute],
        admitted: (@Sendable ([KeyPath], Topology) -> Void)? = nil
    ) async throws -> [Result<KeyPath, any Error>] {
        try await write { db in
            var (topology, reserved) = try Self.network(db)
            let links = Self.byID(topology.links)
            let planned = plan(topology)
            let now = Self.now().databaseValue  // formatted once, not per statement
            var results = paths.enumerated().map { position, draft in
                Result {
                    var path = draft
                    path.routes = try planned(position, reserved)
                    path.state = .pending
                    let asked = path.reservedBps
                    try Self.checkAdmission(asked, links: links, reserved: reserved)
                    // Taken before it is written: should the write fail, those after it were admitted against a little less.
                    Self.take(asked, into: &reserved)
                    return path
                }
            }
            admitted?(results.compactMap { try? $0.get() }, topology)
            var sums = ReservedSums()
            for (position, result) in results.enumerated() {
                guard case .success(let path) = result else { continue }
                do {
                    try db.inSavepoint {
                        try Self.insert(path, at: now, db)
                        return .commit
                    }
                    sums.add(path.reservedBps)
                } catch {
                    results[position] = .failure(error)
                }
            }
            try sums.write(db)
            return results
        }
    }

    /// Moves pending key paths to `active` (every node confirmed), in one transaction, and returns
    /// them as stored (`returning` false reads none back: a re-route pass over thousands only counts
    /// them); a path no longer pending (deleted or failed meanwhile) is left as it is. The routes a
    /// re-route replaced stop being retired in the same transaction (so also when a re-route is
    /// finished after a restart): from then on, their virtual links are strays to the reconciler.
    ///
    /// `audit` holds, by path, what the audit log is to say of the request that provisioned it: each
    /// entry is appended in the same transaction, for a path that is returned.
    @discardableResult
    public func activateKeyPaths(_ ids: [QKDUUID], returning: Bool = true, audit: [QKDUUID: AuditEntry] = [:]) async throws -> [Stored<KeyPath>] {
        guard !ids.isEmpty else { return [] }
        return try await write { db in
            // Set-based: a re-route pass activates thousands of paths at once.
            let list = JSONText.array(ids.map(\.text))
            // A path that kept its primary through a switch-over is active already: the reason it was given goes.
            try Self.setStates(of: list, .active, reason: nil, at: Self.now().databaseValue, from: [.pending, .active], db)
            try Self.forgetRetiringRoutes(of: list, db)
            guard returning else { return [] }
            let stored = try Self.storedKeyPaths(ids.map(\.text), db)
            let activated = ids.compactMap { stored[$0.text] }
            try Self.insertAudit(activated.compactMap { audit[$0.value.id] }, db)
            return activated
        }
    }

    /// Key paths that may need repair, oldest first: active ones with a route over a link that is
    /// not up (or whose QBER is above `qberThreshold`) or through a node that is down or unreachable
    /// (to re-route), protected ones running without a backup (to find one), and degraded ones (to
    /// re-route, or to recover when their routes are up again). Only their ids: a re-route pass
    /// reads them, and decides, in its transaction.
    ///
    /// The degraded ones and the protected ones without a backup wait for the network: they are
    /// included only when it offers more than `waitingPlannedOn` (what it offered when they were last
    /// planned; nil: always), and otherwise only active paths with something broken are. Returns the
    /// headroom the candidates were read with, for the next look.
    public func keyPathsToRepair(
        qberThreshold: Double? = nil, waitingPlannedOn: NetworkHeadroom? = nil
    ) async throws -> (ids: [QKDUUID], headroom: NetworkHeadroom) {
        try await database.read { db in
            // Repair looks whenever the inventory changes: with the network whole (the usual case), the
            // routes of every path need not be searched for a broken link or node.
            let broken = try Row.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM link WHERE \(Self.unusableLink)), EXISTS (SELECT 1 FROM node WHERE \(Self.unusableNode))
                """, arguments: [qberThreshold])
            let (linkBroken, nodeBroken): (Bool, Bool) = broken.map { ($0[0], $0[1]) } ?? (true, true)
            let headroom = try Self.headroom(qberThreshold: qberThreshold, db)
            let includingWaiting = waitingPlannedOn.map { headroom.gains(over: $0) } ?? true
            // Each kind of candidate is found through an index: degraded paths by state, protected ones by
            // the partial index on them, so that a look costs what there is to repair, not every path.
            // Paths through a node are found by reading every route's nodes: only when a node is down.
            // Broken links first, then their reservations by index: a join scanned every reservation.
            var candidates: [String] = []
            if includingWaiting {
                candidates.append("SELECT id FROM key_path WHERE state = 'degraded'")
                candidates.append("""
                    SELECT id FROM key_path INDEXED BY key_path_protected WHERE protection = 'disjoint_backup' AND state = 'active'
                        AND (SELECT count(*) FROM key_path_route r WHERE r.key_path_id = key_path.id) < 2
                    """)
            }
            if linkBroken {
                candidates.append("""
                    SELECT key_path_id FROM reservation
                        WHERE link_id IN (SELECT id FROM link WHERE \(Self.unusableLink))
                    """)
            }
            if nodeBroken {
                candidates.append("""
                    SELECT k.key_path_id FROM key_path_route k, json_each(k.nodes) j
                        WHERE j.value IN (SELECT id FROM node WHERE \(Self.unusableNode))
                    """)
            }
            guard !candidates.isEmpty else { return ([], headroom) }
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM key_path WHERE \(includingWaiting ? "(state = 'degraded' OR state = 'active')" : "state = 'active'")
                    AND id IN (\(candidates.joined(separator: " UNION ")))
                ORDER BY created_at, id
                """, arguments: linkBroken ? [qberThreshold] : [])
            return (try ids.map(Self.uuid), headroom)
        }
    }

    /// When a link cannot carry key (`?1`: the QBER threshold, or NULL for none), and when a node
    /// cannot, in SQL: the rule repair's look and the headroom share (`KeyPathProvisioner.Usability`
    /// applies it to a topology in memory).
    private static let unusableLink = "(status <> 'up' OR (?1 IS NOT NULL AND coalesce(qber, 0) > ?1))"
    private static let unusableNode = "status IN ('down', 'unreachable')"

    private static func headroom(qberThreshold: Double?, _ db: Database) throws -> NetworkHeadroom {
        var spare: [String: Double] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT id, key_rate_bps - reserved_bps FROM link WHERE NOT \(unusableLink)
            """), arguments: [qberThreshold]) {
            spare[row[0]] = row[1]
        }
        let nodes = try String.fetchSet(db.cachedStatement(sql: "SELECT id FROM node WHERE NOT (\(unusableNode))"))
        return NetworkHeadroom(spareBps: spare, usableNodes: nodes)
    }

    /// What a re-route pass does with a key path.
    public enum RerouteDecision: Sendable, Equatable {
        /// New routes, for this reason.
        case reroute(reason: String)
        /// Its routes work again: `active` once more.
        case recover
        case leave
    }

    /// What re-routing did to one key path.
    public enum RerouteOutcome: Sendable {
        /// New routes are reserved (old ones that still carry key are kept as retiring until
        /// activation: make before break); `new` is `pending`, or still `active` when it kept a
        /// configured route as primary.
        case rerouted(old: KeyPath, new: KeyPath)
        /// No route fits: the path keeps its routes and is `degraded` with this reason.
        case degraded(KeyPath, reason: String)
        /// Its routes work again: it is `active` once more.
        case recovered(KeyPath)
        /// Left as it was: nothing to do, or no route fits and it stays as it is.
        case unchanged(KeyPath)
        /// The path was deleted, or failed, meanwhile.
        case gone(QKDUUID)
    }

    /// Re-routes key paths in one transaction, however many: the network and the paths are read
    /// once, and `rerouter` (made for the network as the transaction sees it) decides for each path in
    /// turn whether it needs new routes, recovered or is to be left. One that needs new routes is given
    /// back its own reservations (so a new route may reuse the healthy links of the old), planned,
    /// checked against every link's key rate and reserved, so that later paths of the pass see what
    /// earlier ones took. A path no route is found for becomes `degraded`, with the reason the
    /// rerouter words from the error, or is left as it is when it says nil.
    ///
    /// `decided` is called with the outcomes the pass returns if it commits, in turn as they are
    /// decided (every `slice` re-routed paths, and the rest once all are decided, before the pass
    /// writes anything), and the network it decided on: work that follows from the decisions alone
    /// (getting the new configuration ready, and sending it) can start there and run while the pass
    /// decides the rest and writes. The outcomes hold only if the pass returns: work started on them
    /// is undone if it throws.
    ///
    /// `confirmed` is called as the pass writes, before it writes states, with the paths it re-routed
    /// to `pending`: those it returns have had their new routes confirmed by every node already, and
    /// are written `active` at once (their old routes retired: nothing keeps their virtual links from
    /// the reconciler).
    public func rerouteKeyPaths<Rerouter: KeyPathRerouter>(
        _ ids: [QKDUUID], using rerouter: @Sendable (Topology) -> Rerouter,
        decided: @Sendable (_ outcomes: [RerouteOutcome], _ network: Topology) -> Void = { _, _ in },
        slice: Int = decidedSlice, confirmed: @Sendable (_ pending: [QKDUUID]) -> Set<QKDUUID> = { _ in [] }
    ) async throws -> [RerouteOutcome] {
        try await write { db in
            var (topology, reserved) = try Self.network(db)
            let links = Self.byID(topology.links)
            var rerouter = rerouter(topology)
            let current = try Self.keyPaths(ids.map(\.text), db)
            var outcomes: [RerouteOutcome] = []
            outcomes.reserveCapacity(ids.count)
            var handedOver = 0, reroutedSince = 0
            // Decided path by path against the running ledger, written at the end with a few statements for all.
            var writes = RerouteWrites()
            for id in ids {
                guard let old = current[id.text], old.state == .active || old.state == .degraded else {
                    outcomes.append(.gone(id))
                    continue
                }
                let reason: String
                switch rerouter.decide(old) {
                case .leave:
                    outcomes.append(.unchanged(old))
                    continue
                case .recover:
                    if old.state == .degraded {
                        writes.states[StateChange(state: .active, reason: nil), default: []].append(id.text)
                        outcomes.append(.recovered(old))
                    } else {
                        outcomes.append(.unchanged(old))
                    }
                    continue
                case .reroute(let why):
                    reason = why
                }
                let held = old.reservedBps
                Self.giveBack(held, from: &reserved)
                var new = old
                let asked: [LinkID: Double]
                do {
                    new.routes = try rerouter.routes(for: old, reservedBps: reserved)
                    asked = new.reservedBps
                    try Self.checkAdmission(asked, links: links, reserved: reserved)
                } catch {
                    Self.take(held, into: &reserved)
                    guard let why = rerouter.unroutable(old, error) else {
                        outcomes.append(.unchanged(old))
                        continue
                    }
                    if old.state != .degraded || old.reason != why { writes.states[StateChange(state: .degraded, reason: why), default: []].append(id.text) }
                    outcomes.append(.degraded(old, reason: why))
                    continue
                }
                Self.take(asked, into: &reserved)
                // A primary route the path already had is configured on its nodes: the key keeps flowing
                // (a backup switched over), so the path stays active while the rest is configured.
                let keptPrimary = new.routes.first.map { primary in old.routes.contains { $0.qkdlID == primary.qkdlID } } ?? false
                new.state = keptPrimary ? .active : .pending
                new.reason = reason
                writes.events.append((id.text, JSONText.object([
                    ("key_path", JSONText.string(id.text)), ("reason", JSONText.string(reason)),
                    ("from", "[" + old.routes.map { JSONText.array($0.nodes.map(\.rawValue)) }.joined(separator: ",") + "]"),
                    ("to", "[" + new.routes.map { JSONText.array($0.nodes.map(\.rawValue)) }.joined(separator: ",") + "]"),
                ])))
                writes.rerouted.append(new)
                writes.replaced.append(old)
                writes.states[StateChange(state: new.state, reason: reason), default: []].append(id.text)
                writes.retiring += Self.retiring(old, new).filter { rerouter.carriesKey($0.route) }
                writes.sums.remove(held)
                writes.sums.add(asked)
                outcomes.append(.rerouted(old: old, new: new))
                reroutedSince += 1
                if reroutedSince >= slice {
                    decided(Array(outcomes[handedOver...]), topology)
                    (handedOver, reroutedSince) = (outcomes.count, 0)
                }
            }
            decided(Array(outcomes[handedOver...]), topology)
            let active = try writes.apply(db, confirmed: confirmed)
            guard !active.isEmpty else { return outcomes }
            return outcomes.map { outcome in
                guard case .rerouted(let old, var new) = outcome, active.contains(new.id) else { return outcome }
                new.state = .active
                new.reason = nil
                return .rerouted(old: old, new: new)
            }
        }
    }

    /// How many re-routed paths a pass decides before it hands them to `decided`: enough that each
    /// node gets a few requests, not one per path; few enough that the first go out while the pass
    /// still plans the rest.
    public static let decidedSlice = 2_500

    /// A new state and reason, shared by the paths of a re-route pass broken by the same failure.
    private struct StateChange: Hashable {
        var state: KeyPathState
        var reason: String?
    }

    /// What a re-route pass writes, gathered path by path and written with a few statements for
    /// all: one statement per row was most of a pass over thousands of paths.
    private struct RerouteWrites {
        /// `key_path.rerouted` events: subject and details.
        var events: [(subject: String, data: String)] = []
        /// Paths with new routes, and as they were (their old routes go).
        var rerouted: [KeyPath] = []
        var replaced: [KeyPath] = []
        var states: [StateChange: [String]] = [:]
        /// Old routes whose virtual links stay on their nodes until the new ones are active.
        var retiring: [RetiringRoute] = []
        var sums = ReservedSums()

        /// Writes it all; `confirmed` picks the re-routed paths that are active at once (see
        /// `rerouteKeyPaths`), and they are returned.
        mutating func apply(_ db: Database, confirmed: (_ pending: [QKDUUID]) -> Set<QKDUUID>) throws -> Set<QKDUUID> {
            // Each path's event is logged before the state change it causes.
            var logged = BatchedInsert("INSERT INTO event (time, kind, subject, data)", row: "(\(nowSQL), 'key_path.rerouted', ?, ?)", bound: 2)
            for event in events { try logged.add(event.subject.databaseValue, event.data.databaseValue, db: db) }
            try logged.flush(db)
            if !rerouted.isEmpty {
                try Inventory.releaseRoutes(of: replaced, db)
                // Rates are bound as they are, not read back from JSON text.
                try RouteRows(paths: rerouted).write(db)
            }
            // Asked last, so that the nodes have had all of the writes above to answer.
            let pending = rerouted.filter { $0.state == .pending }.map(\.id)
            let active = pending.isEmpty ? [] : confirmed(pending)
            if !active.isEmpty {
                let ids = Set(active.map(\.text))
                for (change, paths) in states where change.state == .pending { states[change] = paths.filter { !ids.contains($0) } }
                states[StateChange(state: .active, reason: nil), default: []] += active.map(\.text)
                retiring.removeAll { active.contains($0.keyPath) }
            }
            let now = Inventory.now().databaseValue
            for (change, ids) in states where !ids.isEmpty { try Inventory.setStates(of: JSONText.array(ids), change.state, reason: change.reason, at: now, db) }
            try Inventory.insertRetiring(retiring, db)
            try sums.write(db)
            return active
        }
    }

    /// Puts a re-routed path back on the routes it had (`old`), when its new ones could not be
    /// configured: the new routes' reservations go, the old ones come back (no longer retiring), and
    /// the path takes `state` with `reason`. Throws `overReservation` when the old routes' rate was
    /// taken meanwhile (the caller then fails the path).
    public func restoreRoutes(of old: KeyPath, state: KeyPathState, reason: String?) async throws {
        try await write { db in
            let current = try Self.keyPath(old.id.text, db)
            var (topology, reserved) = try Self.network(db)
            Self.giveBack(current.reservedBps, from: &reserved)
            // Only the rate is checked again: links that went down are why a repair's old routes are restored degraded.
            try Self.checkAdmission(old.reservedBps, links: Self.byID(topology.links), reserved: reserved, requireUp: false)
            try Self.releaseRoutes(of: [current], db)
            try Self.insertRoutes(old, db)
            var sums = ReservedSums()
            sums.remove(current.reservedBps)
            sums.add(old.reservedBps)
            try sums.write(db)
            try Self.forgetRetiringRoutes(of: JSONText.array([old.id.text]), db)
            try Self.setStates(of: JSONText.array([old.id.text]), state, reason: reason, at: Self.now().databaseValue, db)
        }
    }

    /// Marks a key path `failed` with `reason`, releasing its reservations (and so the configuration
    /// it asked of its nodes), in one transaction; returns it as stored.
    @discardableResult
    public func failKeyPath(_ id: QKDUUID, reason: String, audit: AuditEntry? = nil) async throws -> Stored<KeyPath> {
        try await write { db in
            let path = try Self.keyPath(id.text, db)
            try Self.release(path, db)
            try Self.setStates(of: JSONText.array([id.text]), .failed, reason: reason, at: Self.now().databaseValue, db)
            try Self.insertAudit(audit.map { [$0] } ?? [], db)
            return try Self.storedKeyPath(id.text, db)
        }
    }

    /// Deletes a key path and its reservations; returns it as it was.
    public func deleteKeyPath(_ id: String) async throws -> KeyPath {
        try await write { db in
            let path = try Self.keyPath(id, db)
            try Self.release(path, db)
            try db.execute(sql: "DELETE FROM key_path WHERE id = ?", arguments: [path.id.text])
            return path
        }
    }

    public func keyPath(_ id: String) async throws -> Stored<KeyPath> {
        try await database.read { db in try Self.storedKeyPath(id, db) }
    }

    public func keyPaths(_ filter: KeyPathFilter = .init(), limit: Int = 1_000, offset: Int = 0) async throws -> Page<Stored<KeyPath>> {
        try await database.read { db in
            var conditions: [String] = [], arguments: StatementArguments = []
            if let state = filter.state {
                conditions.append("state = ?")
                arguments += [state.rawValue]
            }
            if let node = filter.node {
                // A relay appears in its route's node list, written as a JSON array of strings.
                conditions.append("""
                    (source = ? OR destination = ? OR id IN (SELECT key_path_id FROM key_path_route, json_each(key_path_route.nodes) \
                    WHERE json_each.value = ?))
                    """)
                arguments += [node.rawValue, node.rawValue, node.rawValue]
            }
            if let link = filter.link {
                conditions.append("id IN (SELECT key_path_id FROM reservation WHERE link_id = ?)")
                arguments += [link.rawValue]
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM key_path \(whereClause)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(Self.keyPathColumns) FROM key_path \(whereClause) ORDER BY created_at, id LIMIT ? OFFSET ?",
                arguments: arguments + [limit, offset]
            )
            let routes = try Self.routes(of: rows.map { $0[0] }, db)
            return Page(items: try rows.map { try Self.storedKeyPath($0, routes: routes[$0[0]] ?? []) }, total: total)
        }
    }

    /// The key paths through `node`, as its agent's configuration follows from them.
    public func keyPathsThrough(_ node: NodeID) async throws -> KeyPathsAtNode {
        try await database.read { db in
            // A route's nodes are its links' ends: the node's links lead, by index, to the paths over them.
            let ids = try String.fetchAll(db, sql: """
                SELECT r.key_path_id FROM link l JOIN reservation r ON r.link_id = l.id WHERE l.node_a = ?1
                UNION SELECT r.key_path_id FROM link l JOIN reservation r ON r.link_id = l.id WHERE l.node_b = ?1
                """, arguments: [node.rawValue])
            let paths = try Self.keyPaths(ids, db).values
            var settled: [KeyPath] = [], inProgress = Set<QKDUUID>(), nodes = Set<NodeID>()
            for path in paths {
                switch path.state {
                case .pending:
                    inProgress.formUnion(path.routes.map(\.qkdlID))
                    if path.hasApplication { inProgress.insert(path.appID) }
                case .active, .degraded:
                    settled.append(path)
                    for route in path.routes { nodes.formUnion(route.nodes) }
                case .failed:
                    break
                }
            }
            // Retiring routes are few, and only while a re-route is being configured.
            inProgress.formUnion(try String.fetchAll(db, sql: """
                SELECT qkdl_id FROM retiring_route WHERE EXISTS (SELECT 1 FROM json_each(retiring_route.nodes) WHERE value = ?)
                """, arguments: [node.rawValue]).compactMap(QKDUUID.init))
            return KeyPathsAtNode(
                settled: settled.sorted { $0.id.text < $1.id.text }, inProgress: inProgress, qkdnIDs: try Self.qkdnIDs(of: nodes, db)
            )
        }
    }

    /// The GS QKD 015 id of each of `nodes` (those not in the inventory are left out).
    public func qkdnIDs(of nodes: Set<NodeID>) async throws -> [NodeID: QKDUUID] {
        try await database.read { db in try Self.qkdnIDs(of: nodes, db) }
    }

    private static func qkdnIDs(of nodes: Set<NodeID>, _ db: Database) throws -> [NodeID: QKDUUID] {
        guard !nodes.isEmpty else { return [:] }
        var ids: [NodeID: QKDUUID] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, qkdn_id FROM node WHERE id IN (SELECT value FROM json_each(?))",
                                       arguments: [JSONText.array(nodes.map(\.rawValue))])
        while let row = try rows.next() {
            if let node = try? NodeID(row["id"] as String), let qkdn = QKDUUID(row["qkdn_id"] as String) { ids[node] = qkdn }
        }
        return ids
    }

    /// The rate reserved on each link with reservations, bit/s.
    public func reservedBps() async throws -> [LinkID: Double] {
        try await database.read { db in try Self.reservedBps(db) }
    }

    // MARK: Rows


    /// Sets the state and reason of paths (`ids`, a JSON array; with `from`, only of those in one of
    /// these states), and logs a `key_path.state` event for each whose state changes: two statements
    /// however many paths. Every state change goes through here (since v14 no trigger logs them).
    fileprivate static func setStates(
        of ids: String, _ state: KeyPathState, reason: String?, at time: DatabaseValue, from: [KeyPathState]? = nil, _ db: Database
    ) throws {
        let arguments: StatementArguments = [state.rawValue, reason, ids, from.map { JSONText.array($0.map(\.rawValue)) }]
        let chosen = "id IN (SELECT value FROM json_each(?3)) AND (?4 IS NULL OR state IN (SELECT value FROM json_each(?4)))"
        try db.cachedStatement(sql: """
            INSERT INTO event (time, kind, subject, data)
            SELECT \(nowSQL), 'key_path.state', id, json_object('key_path', id, 'from', state, 'to', ?1, 'reason', ?2)
            FROM key_path WHERE \(chosen) AND state IS NOT ?1
            """).execute(arguments: arguments)
        try db.cachedStatement(sql: "UPDATE key_path SET state = ?1, reason = ?2, updated_at = ?5 WHERE \(chosen)")
            .execute(arguments: arguments + [time])
    }

    /// A route a re-route replaced, whose virtual links stay on its nodes until the path is active on
    /// its new routes: the reconciler leaves them alone meanwhile.
    struct RetiringRoute {
        var keyPath: QKDUUID
        var route: KeyPathRoute
    }

    /// The routes of `old` that `new` no longer has.
    private static func retiring(_ old: KeyPath, _ new: KeyPath) -> [RetiringRoute] {
        let kept = Set(new.routes.map(\.qkdlID))
        return old.routes.filter { !kept.contains($0.qkdlID) }.map { RetiringRoute(keyPath: old.id, route: $0) }
    }

    /// Records retiring routes with one statement however many.
    private static func insertRetiring(_ routes: [RetiringRoute], _ db: Database) throws {
        guard !routes.isEmpty else { return }
        let rows = "[" + routes.map { "[\"\($0.keyPath.text)\",\"\($0.route.qkdlID.text)\",\(jsonList($0.route.nodes.map(\.rawValue)))]" }
            .joined(separator: ",") + "]"
        // A path re-routed again before it was active still retires its first routes.
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO retiring_route (key_path_id, qkdl_id, nodes) SELECT value ->> 0, value ->> 1, value -> 2 FROM json_each(?)
            """).execute(arguments: [rows])
    }

    /// The retiring routes of paths (`ids`, a JSON array) are retired: their virtual links are strays from now on.
    private static func forgetRetiringRoutes(of ids: String, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM retiring_route WHERE key_path_id IN (SELECT value FROM json_each(?))").execute(arguments: [ids])
    }

    /// A batch's running view of reservations: a path's own (`KeyPath.reservedBps`) given back, or taken.
    private static func giveBack(_ path: [LinkID: Double], from reserved: inout [LinkID: Double]) {
        for (link, bps) in path { reserved[link] = max(0, (reserved[link] ?? 0) - bps) }
    }

    private static func take(_ path: [LinkID: Double], into reserved: inout [LinkID: Double]) {
        for (link, bps) in path { reserved[link, default: 0] += bps }
    }

    /// The network as a planner sees it: every node and link, and the rate reserved on each link.
    private static func network(_ db: Database) throws -> (Topology, reservedBps: [LinkID: Double]) {
        (Topology(nodes: try NodeRecord.fetchAll(db).map(\.node), links: try LinkRecord.fetchAll(db).map(\.link)), try reservedBps(db))
    }

    static func reservedBps(_ db: Database) throws -> [LinkID: Double] {
        var reserved: [LinkID: Double] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, reserved_bps FROM link WHERE reserved_bps > 0") {
            if let id = try? LinkID(row["id"] as String) { reserved[id] = row["reserved_bps"] }
        }
        return reserved
    }

    /// The last word on admission: no link may end up with more reserved than its key rate, and
    /// every link must be up. A plan that breaks this is a bug in the planner, refused here.
    /// `path` is what a path reserves on each link (`KeyPath.reservedBps`).
    /// `requireUp: false` checks the rate alone.
    private static func checkAdmission(
        _ path: [LinkID: Double], links: [LinkID: QKDLink], reserved: [LinkID: Double], requireUp: Bool = true
    ) throws {
        for (id, adding) in path {
            guard let link = links[id] else { throw InventoryError.linkNotFound(id.rawValue) }
            let total = (reserved[id] ?? 0) + adding
            let current = link.current
            // A relative tolerance absorbs rounding when a rate is split over several routes.
            guard !requireUp || current.status == .up, total <= current.keyRateBps * (1 + 1e-9) else {
                throw InventoryError.overReservation(link: id, keyRateBps: current.keyRateBps, reservedBps: reserved[id] ?? 0, askedBps: adding)
            }
        }
    }

    private static func byID(_ links: [QKDLink]) -> [LinkID: QKDLink] {
        Dictionary(links.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func insert(_ path: KeyPath, at now: DatabaseValue, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO key_path (id, source, destination, rate_bps, metric, max_hops, exclude_nodes, exclude_links, protection,
                path_count, client_app_id, server_app_id, app_id, state, reason, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                path.id.text, path.source.rawValue, path.destination.rawValue, path.rateBps, path.metric.rawValue, path.maxHops,
                jsonList(path.excludeNodes.map(\.rawValue)), jsonList(path.excludeLinks.map(\.rawValue)), path.protection.rawValue,
                path.pathCount, path.clientAppID, path.serverAppID, path.appID.text, path.state.rawValue, path.reason, now, now,
            ])
        try insertRoutes(path, db)
    }

    /// A path's routes and their reservations: a row for each link it holds rate on (the links' sums
    /// are the caller's: `ReservedSums`).
    fileprivate static func insertRoutes(_ path: KeyPath, _ db: Database) throws {
        try RouteRows(paths: [path]).write(db)
    }

    /// The routes and reservations of paths, written a few dozen rows per statement and in the order
    /// of each table's key: rows that arrive in key order land on neighbouring pages, which made
    /// writing a re-route pass's tens of thousands three to four times faster than in the paths' order.
    fileprivate struct RouteRows {
        var paths: [KeyPath]

        func write(_ db: Database) throws {
            // SQLite orders text by its bytes.
            let byID = paths.map { (id: $0.id.text, path: $0) }.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
            var routes = BatchedInsert("INSERT INTO key_path_route (key_path_id, position, role, rate_bps, nodes, links, qkdl_id)", bound: 7)
            var held: [(link: String, keyPath: String)] = []
            for (id, path) in byID {
                for (position, route) in path.routes.enumerated() {
                    try routes.add(
                        id.databaseValue, position.databaseValue, route.role.rawValue.databaseValue, route.rateBps.databaseValue,
                        jsonList(route.nodes.map(\.rawValue)).databaseValue, jsonList(route.links.map(\.rawValue)).databaseValue,
                        route.qkdlID.text.databaseValue, db: db
                    )
                }
                for link in path.reservedBps.keys { held.append((link.rawValue, id)) }
            }
            try routes.flush(db)
            held.sort { $0.link == $1.link ? $0.keyPath.utf8.lexicographicallyPrecedes($1.keyPath.utf8) : $0.link.utf8.lexicographicallyPrecedes($1.link.utf8) }
            var reservations = BatchedInsert("INSERT INTO reservation (link_id, key_path_id)", bound: 2)
            for (link, keyPath) in held { try reservations.add(link.databaseValue, keyPath.databaseValue, db: db) }
            try reservations.flush(db)
        }
    }

    /// Drops a path's routes (and so its reservations, taken off the links' sums, and the
    /// configuration it asked of its nodes), retiring ones included.
    private static func release(_ path: KeyPath, _ db: Database) throws {
        try forgetRetiringRoutes(of: JSONText.array([path.id.text]), db)
        try releaseRoutes(of: [path], db)
        var sums = ReservedSums()
        sums.remove(path.reservedBps)
        try sums.write(db)
    }

    /// Drops the routes of paths (as stored) and their reservations, with a statement per link they
    /// hold rate on and one for the routes, however many paths (the links' sums are the caller's:
    /// `ReservedSums`).
    fileprivate static func releaseRoutes(of paths: [KeyPath], _ db: Database) throws {
        guard !paths.isEmpty else { return }
        // Reservations are keyed by link: each link's are dropped by key.
        var holders: [LinkID: [String]] = [:]
        for path in paths {
            for link in path.reservedBps.keys { holders[link, default: []].append(path.id.text) }
        }
        let dropReservations = try db.cachedStatement(sql: """
            DELETE FROM reservation WHERE link_id = ? AND key_path_id IN (SELECT value FROM json_each(?))
            """)
        for (link, ids) in holders { try dropReservations.execute(arguments: [link.rawValue, JSONText.array(ids)]) }
        try db.cachedStatement(sql: "DELETE FROM key_path_route WHERE key_path_id IN (SELECT value FROM json_each(?))")
            .execute(arguments: [JSONText.array(paths.map(\.id.text))])
    }

    /// How a transaction changes the reservation sums kept with links, written once at its end
    /// with one statement per link however many paths it changed.
    private struct ReservedSums {
        private var delta: [LinkID: Double] = [:]

        /// `path` is what a path reserves on each link (`KeyPath.reservedBps`).
        mutating func add(_ path: [LinkID: Double]) {
            for (link, bps) in path { delta[link, default: 0] += bps }
        }

        mutating func remove(_ path: [LinkID: Double]) {
            for (link, bps) in path { delta[link, default: 0] -= bps }
        }

        func write(_ db: Database) throws {
            // The last reservation gone leaves exactly 0, not a rounding residue.
            let statement = try db.cachedStatement(sql: """
                UPDATE link SET reserved_bps = CASE WHEN EXISTS (SELECT 1 FROM reservation WHERE link_id = ?1)
                    THEN max(0, reserved_bps + ?2) ELSE 0 END
                WHERE id = ?1
                """)
            for (link, bps) in delta { try statement.execute(arguments: [link.rawValue, bps]) }
        }
    }

    private static func keyPath(_ id: String, _ db: Database) throws -> KeyPath {
        try storedKeyPath(id, db).value
    }

    private static func storedKeyPath(_ id: String, _ db: Database) throws -> Stored<KeyPath> {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(keyPathColumns) FROM key_path WHERE id = ?"), arguments: [id.lowercased()]) else {
            throw InventoryError.keyPathNotFound(id)
        }
        return try storedKeyPath(row, db)
    }

    private static func storedKeyPath(_ row: Row, _ db: Database) throws -> Stored<KeyPath> {
        let id: String = row[0]
        return try storedKeyPath(row, routes: routes(of: [id], db)[id] ?? [])
    }

    /// Many key paths by id, read with two statements however many there are; ids not found are left out.
    private static func storedKeyPaths(_ ids: [String], _ db: Database) throws -> [String: Stored<KeyPath>] {
        guard !ids.isEmpty else { return [:] }
        let rows = try Row.fetchAll(db, sql: "SELECT \(keyPathColumns) FROM key_path WHERE id IN (SELECT value FROM json_each(?))",
                                    arguments: [JSONText.array(ids)])
        let routes = try routes(of: rows.map { $0[0] }, db)
        var paths: [String: Stored<KeyPath>] = [:]
        paths.reserveCapacity(rows.count)
        for row in rows {
            let id: String = row[0]
            paths[id] = try storedKeyPath(row, routes: routes[id] ?? [])
        }
        return paths
    }

    /// Many key paths by id, without the times they were stored and changed (a re-route pass reads
    /// thousands, and parsing their dates was a tenth of it): two statements however many, read
    /// straight from the statements; ids not found are left out.
    private static func keyPaths(_ ids: [String], _ db: Database) throws -> [String: KeyPath] {
        guard !ids.isEmpty else { return [:] }
        var routes = try routes(of: ids, db)
        var paths: [String: KeyPath] = [:]
        paths.reserveCapacity(ids.count)
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT \(keyPathColumns) FROM key_path WHERE id IN (SELECT value FROM json_each(?))"),
            arguments: [JSONText.array(ids)]
        )
        while let row = try rows.next() {
            let id: String = row[0]
            paths[id] = try keyPath(row, routes: routes.removeValue(forKey: id) ?? [])
        }
        return paths
    }

    /// The routes of key paths, by key path id, in order.
    private static func routes(of ids: [String], _ db: Database) throws -> [String: [KeyPathRoute]] {
        guard !ids.isEmpty else { return [:] }
        let statement = ids.count == 1
            ? try db.cachedStatement(sql: "SELECT \(routeColumns) FROM key_path_route WHERE key_path_id = ? ORDER BY position")
            : try db.cachedStatement(sql: """
                SELECT \(routeColumns) FROM key_path_route WHERE key_path_id IN (SELECT value FROM json_each(?)) ORDER BY key_path_id, position
                """)
        var routes: [String: [KeyPathRoute]] = [:]
        let rows = try Row.fetchCursor(statement, arguments: [ids.count == 1 ? ids[0] : JSONText.array(ids)])
        while let route = try rows.next() {
            routes[route[0], default: []].append(KeyPathRoute(
                role: KeyPathRoute.Role(rawValue: route[1]) ?? .primary,
                nodes: try list(route[2]).map { try NodeID($0) }, links: try list(route[3]).map { try LinkID($0) },
                rateBps: route[4], qkdlID: try uuid(route[5])
            ))
        }
        return routes
    }

    /// The columns key paths are read with, in the order `storedKeyPath(_:routes:)` reads them by position
    /// (by name, a column is looked up case-insensitively, which was most of reading thousands).
    private static let keyPathColumns = """
        id, source, destination, rate_bps, metric, max_hops, exclude_nodes, exclude_links, protection, path_count, \
        client_app_id, server_app_id, app_id, state, reason, created_at, updated_at
        """

    private static let routeColumns = "key_path_id, role, nodes, links, rate_bps, qkdl_id"

    private static func storedKeyPath(_ row: Row, routes: [KeyPathRoute]) throws -> Stored<KeyPath> {
        Stored(value: try keyPath(row, routes: routes), createdAt: row[15], updatedAt: row[16])
    }

    private static func keyPath(_ row: Row, routes: [KeyPathRoute]) throws -> KeyPath {
        KeyPath(
            id: try uuid(row[0]), source: try NodeID(row[1] as String), destination: try NodeID(row[2] as String),
            rateBps: row[3], metric: try metric(row[4], of: row[0]), maxHops: row[5],
            excludeNodes: try list(row[6]).map { try NodeID($0) }, excludeLinks: try list(row[7]).map { try LinkID($0) },
            protection: KeyPathProtection(rawValue: row[8]) ?? .none, pathCount: row[9],
            clientAppID: row[10], serverAppID: row[11], appID: try uuid(row[12]),
            state: KeyPathState(rawValue: row[13]) ?? .failed, reason: row[14], routes: routes
        )
    }

    private static func metric(_ text: String, of id: String) throws -> PathMetric {
        guard let metric = PathMetric(rawValue: text) else {
            throw InventoryError.corrupt("key path '\(id)': metric '\(text)' is not one of \(PathMetric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return metric
    }

    private static func uuid(_ text: String) throws -> QKDUUID {
        guard let uuid = QKDUUID(text) else { throw InventoryError.corrupt("'\(text)' is not a UUID") }
        return uuid
    }

    private static func jsonList(_ items: [String]) -> String {
        JSONText.array(items)
    }

    private static func list(_ json: String) throws -> [String] {
        guard let items = JSONText.strings(json) else { throw InventoryError.corrupt("'\(json)' is not a list of ids") }
        return items
    }
}
