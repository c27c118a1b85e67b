import Synchronization
public import Logging
public import QonduitCore
public import QonduitInventory
import QonduitETSI
import QonduitPathEngine

/// Provisions key paths: reserves the rate (one transaction, exact under concurrency), configures
/// every node of the path through the southbound, and activates the path once every node has
/// confirmed, or rolls the configuration back and marks it failed.
public final class KeyPathProvisioner: Sendable {
    let inventory: Inventory
    let configurator: any NodeConfigurator
    let logger: Logger
    /// A link whose QBER is above this carries no new route, and its key paths are re-routed; nil: no limit.
    let qberThreshold: Double?
    /// Requests that arrive while a batch is provisioned make up the next batch: one reservation
    /// transaction, one configuration request per node and one activation transaction for them all.
    private let batches = GroupCommitQueue<Provisioning, Stored<KeyPath>>()

    /// A request in a batch: the path drafted for it, and what the audit log is to say of it.
    private struct Provisioning: Sendable {
        var draft: KeyPath
        var request: KeyPathRequest
        var audit: AuditEntry?
    }

    /// What the network offered when repair last planned the paths waiting for it; nil: never.
    private let waitingPlannedOn = Mutex<NetworkHeadroom?>(nil)

    /// What provisioning batches and re-route passes sent their nodes before committing, for the reconciler to leave alone.
    public let inFlight = EntriesInFlight()
    /// How many re-routed paths a pass decides before their configuration is sent (see `Inventory.rerouteKeyPaths`).
    let rerouteSlice: Int
    /// How long a pass, before it writes states, waits for the nodes' answers to what it sent ahead,
    /// holding the writer: paths confirmed by then are active at once, the others are activated later.
    let confirmationWait: Duration

    public init(
        inventory: Inventory, configurator: any NodeConfigurator, logger: Logger, qberThreshold: Double? = nil,
        rerouteSlice: Int = Inventory.decidedSlice, confirmationWait: Duration = .seconds(1)
    ) {
        self.inventory = inventory
        self.rerouteSlice = max(1, rerouteSlice)
        self.confirmationWait = confirmationWait
        self.configurator = configurator
        self.logger = logger
        self.qberThreshold = qberThreshold
    }

    /// Reserves, configures and activates a key path; returns it `active`, or `failed` with the
    /// node and reason when its nodes could not be configured. Throws when it cannot be reserved.
    /// Requests that arrive together share the work (see `batches`). `audit`, what the audit log is
    /// to say of the request, is appended in the transaction that activates or fails the path when
    /// this returns (when it throws, it is not).
    public func provision(_ request: KeyPathRequest, audit: AuditEntry? = nil) async throws -> Stored<KeyPath> {
        try Self.check(request)
        let draft = KeyPath(
            id: .random(), source: request.source, destination: request.destination, rateBps: request.rateBps,
            metric: request.metric, maxHops: request.maxHops, excludeNodes: request.excludeNodes.sorted(),
            excludeLinks: request.excludeLinks.sorted(), protection: request.protection, pathCount: request.paths,
            clientAppID: request.clientAppID, serverAppID: request.serverAppID, appID: .random()
        )
        return try await batches.submit(Provisioning(draft: draft, request: request, audit: audit)) { [self] batch in try await provision(batch) }
    }

    /// One batch: reserved in one transaction (each path seeing the ones before it), configured with
    /// one request per node and activated in one transaction; answers each request in order (throws,
    /// failing them all, when the reservation transaction cannot be made). The configuration is sent
    /// once the batch is planned, while its transaction writes: what does not end up reserved is taken back.
    private func provision(_ requests: [Provisioning]) async throws -> [Result<Stored<KeyPath>, any Error>] {
        let ahead = ConfigurationAhead()
        let reservations: [Result<KeyPath, any Error>]
        do {
            reservations = try await inventory.reserveKeyPaths(requests.map(\.draft), plan: { [qberThreshold] topology in
                var planner = KeyPathPlanner(topology: topology, qberThreshold: qberThreshold)
                return { position, reserved in try planner.plan(requests[position].request, reservedBps: reserved) }
            }, admitted: { [self] admitted, network in
                sendAhead(admitted.map { Configuration(path: $0) }, network: network, into: ahead)
            })
        } catch {
            await withdraw(ahead)
            throw error
        }
        let reserved = Set(reservations.compactMap { try? $0.get().id })
        let slices = await ahead.sent()
        let sent = slices.flatMap(\.paths)
        await withdraw(sent.map(\.item).filter { !reserved.contains($0.path.id) })
        // Committed: the inventory knows every path sent that is to stay, as pending.
        inFlight.release(slices.flatMap(\.entries))
        var audit: [QKDUUID: AuditEntry] = [:]
        for request in requests { audit[request.draft.id] = request.audit }
        let stored: [QKDUUID: Stored<KeyPath>]
        do {
            stored = Dictionary(
                try await settle(sent.filter { reserved.contains($0.item.path.id) }, returningActive: true, audit: audit).map { ($0.value.id, $0) },
                uniquingKeysWith: { first, _ in first }
            )
        } catch {
            return reservations.map { reservation in reservation.flatMap { _ in .failure(error) } }
        }
        return zip(requests, reservations).map { request, reservation in
            reservation.flatMap { _ in
                stored[request.draft.id].map { .success($0) } ?? .failure(InventoryError.keyPathNotFound(request.draft.id.text))
            }
        }
    }

    /// Re-routes what the network's state has broken, in one pass and in batches, however many key
    /// paths a failure touches: every active key path with a route over a link that is not up (or
    /// whose QBER is above the threshold), or through a node that is down or unreachable, gets new
    /// routes, all reserved in one transaction, configured with one request per node, and activated in
    /// one transaction, before the old configuration is removed (make before break). A protected path
    /// whose backup is intact switches over to it at once, keeping the key flowing, and gets a new
    /// backup. One with no alternative becomes `degraded` with the reason and keeps its routes; a
    /// degraded one whose routes are all up again is `active` once more. Degraded paths, and protected
    /// ones without a backup, are planned again only once the network has gained something since they
    /// were last (see `NetworkHeadroom`): a provisioning burst does not re-plan thousands of
    /// them at every look. Returns how many paths were examined, and how many were re-routed, degraded
    /// and recovered.
    @discardableResult
    public func repair() async -> (rerouted: Int, degraded: Int, recovered: Int, examined: Int) {
        let started = ContinuousClock.now
        let candidates: [QKDUUID], headroom: NetworkHeadroom
        do {
            (candidates, headroom) = try await inventory.keyPathsToRepair(
                qberThreshold: qberThreshold, waitingPlannedOn: waitingPlannedOn.withLock { $0 }
            )
        } catch {
            logger.error("key paths to repair could not be read", metadata: ["error": "\(error)"])
            return (0, 0, 0, 0)
        }
        guard !candidates.isEmpty else {
            waitingPlannedOn.withLock { $0 = headroom }
            return (0, 0, 0, 0)
        }
        var outcome = (rerouted: 0, degraded: 0, recovered: 0, examined: candidates.count)
        let read = ContinuousClock.now
        var planned = read
        var rerouting = 0
        defer {
            if rerouting > 0 {
                let now = ContinuousClock.now
                // One line a pass: a failure may re-route thousands of paths, each logged at debug (and evented).
                logger.notice("repair pass", metadata: [
                    "candidates": "\(candidates.count)", "rerouted": "\(outcome.rerouted)", "degraded": "\(outcome.degraded)",
                    "recovered": "\(outcome.recovered)", "reading_ms": "\((read - started).milliseconds)",
                    "planning_ms": "\((planned - read).milliseconds)", "configuring_ms": "\((now - planned).milliseconds)",
                ])
            }
        }
        let ahead = ConfigurationAhead()
        let outcomes: [Inventory.RerouteOutcome]
        do {
            outcomes = try await inventory.rerouteKeyPaths(
                candidates, using: { [qberThreshold] in RepairRerouter(topology: $0, qberThreshold: qberThreshold) },
                decided: sendAhead(into: ahead, fallback: .degraded), slice: rerouteSlice, confirmed: confirmedAhead(ahead)
            )
        } catch {
            await withdraw(ahead)
            logger.error("key paths could not be repaired", metadata: ["error": "\(error)"])
            return outcome
        }
        planned = .now
        do {
            for result in outcomes {
                switch result {
                case .rerouted: rerouting += 1
                case .degraded(let old, let reason):
                    rerouting += 1
                    if old.state != .degraded || old.reason != reason {
                        logger.warning("key path degraded", metadata: ["key_path": "\(old.id)", "reason": "\(reason)"])
                        outcome.degraded += 1
                    }
                case .recovered: outcome.recovered += 1
                case .gone, .unchanged: break
                }
            }
            let (configured, failed) = try await configureReroutes(outcomes, ahead: ahead, fallback: .degraded, returningActive: false)
            outcome.rerouted = configured - failed.count
            waitingPlannedOn.withLock { $0 = headroom }
        } catch {
            logger.error("key paths could not be repaired", metadata: ["error": "\(error)"])
        }
        return outcome
    }

    /// A repair pass's decisions: a path with a route over something unusable is re-routed (a protected
    /// one whose backup stands switches over to it), a protected one without a backup gets one, and a
    /// degraded one whose routes all work again recovers.
    struct RepairRerouter: KeyPathRerouter {
        var planner: KeyPathPlanner
        let usable: Usability

        init(topology: Topology, qberThreshold: Double?) {
            planner = KeyPathPlanner(topology: topology, qberThreshold: qberThreshold)
            usable = Usability(links: topology.links, nodes: topology.nodes, qberThreshold: qberThreshold)
        }

        func decide(_ path: KeyPath) -> Inventory.RerouteDecision {
            let broken = usable.problems(of: path.routes)
            if !broken.isEmpty { return .reroute(reason: "re-routing: \(broken.joined(separator: ", ")) not usable") }
            if path.protection == .disjointBackup && path.routes.count < 2 { return .reroute(reason: "restoring the backup route") }
            return path.state == .degraded ? .recover : .leave
        }

        mutating func routes(for path: KeyPath, reservedBps: [LinkID: Double]) throws -> [KeyPathRoute] {
            try KeyPathProvisioner.replan(path, planner: &planner, usable: usable, reservedBps: reservedBps)
        }

        func unroutable(_ path: KeyPath, _ error: any Error) -> String? {
            // Nothing broken, only a backup still missing: the path runs on as it is.
            let broken = usable.problems(of: path.routes)
            return broken.isEmpty ? nil : "no alternative route while \(broken.joined(separator: ", ")) not usable: \(error)"
        }

        func carriesKey(_ route: KeyPathRoute) -> Bool { usable.isUsable(route) }
    }

    /// What a re-optimisation did: how many active paths it looked at, those it moved to better routes,
    /// and those a node refused the better routes of (back on their old routes, active, or failed when
    /// their old routes' rate was taken meanwhile).
    public struct Reoptimization: Sendable {
        public var examined: Int
        public var moved: [Stored<KeyPath>]
        public var failed: [Stored<KeyPath>]
    }

    /// Moves active key paths (all, or those of `ids`) to routes that are better by their own metric
    /// than the ones they run on, as the network now stands: after links recover, paths re-routed
    /// around a failure can come back. Each move is a re-route, made before break and in one batch;
    /// a path no better route exists for stays as it is.
    public func reoptimize(_ ids: [QKDUUID]? = nil) async throws -> Reoptimization {
        let wanted = ids.map(Set.init)
        let active = try await inventory.keyPaths(KeyPathFilter(state: .active), limit: Int(Int32.max)).items.map(\.value)
            .filter { wanted?.contains($0.id) ?? true }
        guard !active.isEmpty else { return Reoptimization(examined: 0, moved: [], failed: []) }
        let ahead = ConfigurationAhead()
        let outcomes: [Inventory.RerouteOutcome]
        do {
            outcomes = try await inventory.rerouteKeyPaths(
                active.map(\.id), using: { [qberThreshold] in ReoptimizingRerouter(topology: $0, qberThreshold: qberThreshold) },
                decided: sendAhead(into: ahead, fallback: .active), slice: rerouteSlice, confirmed: confirmedAhead(ahead)
            )
        } catch {
            await withdraw(ahead)
            throw error
        }
        let moving = Self.reroutes(in: outcomes, fallback: .active)
        let configured = try await configureReroutes(outcomes, ahead: ahead, fallback: .active, returningActive: true).settled
        // Moved: active on the new routes. The rest were refused by a node: back on their old routes, or failed.
        let planned = Dictionary(moving.map { ($0.path.id, $0.path.routes.map(\.qkdlID)) }, uniquingKeysWith: { first, _ in first })
        let moved = configured.filter { $0.value.state == .active && $0.value.routes.map(\.qkdlID) == planned[$0.value.id] }
        let movedIDs = Set(moved.map(\.value.id))
        if !moving.isEmpty { logger.notice("key paths re-optimised", metadata: ["examined": "\(active.count)", "moved": "\(moved.count)"]) }
        return Reoptimization(examined: active.count, moved: moved, failed: configured.filter { !movedIDs.contains($0.value.id) })
    }

    /// A re-optimisation's decisions: every active path is planned again, and moved when that finds
    /// routes better by its own metric; one with no better route stays as it is.
    struct ReoptimizingRerouter: KeyPathRerouter {
        var planner: KeyPathPlanner
        let links: [LinkID: QKDLink]

        init(topology: Topology, qberThreshold: Double?) {
            planner = KeyPathPlanner(topology: topology, qberThreshold: qberThreshold)
            links = Dictionary(topology.links.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }

        func decide(_ path: KeyPath) -> Inventory.RerouteDecision {
            path.state == .active ? .reroute(reason: "re-optimising") : .leave
        }

        mutating func routes(for path: KeyPath, reservedBps: [LinkID: Double]) throws -> [KeyPathRoute] {
            let routes = try planner.plan(KeyPathProvisioner.request(of: path), reservedBps: reservedBps)
            let now = weight(of: path.routes, path.metric, reservedBps), candidate = weight(of: routes, path.metric, reservedBps)
            guard candidate < now - 1e-9 * max(1, abs(now)) else { throw NoBetterRoute() }
            return routes
        }

        func unroutable(_ path: KeyPath, _ error: any Error) -> String? { nil }

        /// The routes of an active path carry key until it moves.
        func carriesKey(_ route: KeyPathRoute) -> Bool { true }

        /// What `metric` adds up to over `routes`, each link weighed as path computation weighs it
        /// (`RelayGraph`): under `rate`, by the spare rate left with `reservedBps` (the path's own given back).
        private func weight(of routes: [KeyPathRoute], _ metric: PathMetric, _ reservedBps: [LinkID: Double]) -> Double {
            routes.reduce(0) { total, route in
                total + route.links.reduce(0) { sum, id in
                    guard let link = links[id] else { return .infinity }
                    let spare = link.current.keyRateBps - (reservedBps[id] ?? 0)
                    return sum + metric.weight(lengthKm: link.lengthKm, cost: link.cost, spareBps: spare)
                }
            }
        }
    }

    private struct NoBetterRoute: Error {}


    /// Which links and nodes of the network cannot carry key now.
    struct Usability: Sendable {
        /// Worked out once: a pass asks about every route of thousands of paths, nearly all of them usable.
        /// Links up, and with QBER under the threshold; a link not here (even one the network lacks) is unusable.
        private let usableLinks: Set<LinkID>
        private let unusableNodes: Set<NodeID>

        init(links: [QKDLink], nodes: [QKDNode], qberThreshold: Double?) {
            usableLinks = Set(links.filter { link in
                let current = link.current
                return current.status == .up && !(qberThreshold.map { (current.qber ?? 0) > $0 } ?? false)
            }.map(\.id))
            unusableNodes = Set(nodes.filter { $0.status == .down || $0.status == .unreachable }.map(\.id))
        }

        func isUsable(_ route: KeyPathRoute) -> Bool {
            route.links.allSatisfy(usableLinks.contains) && !route.nodes.contains(where: unusableNodes.contains)
        }

        /// The unusable links and nodes of `routes`, named for a reason.
        func problems(of routes: [KeyPathRoute]) -> [String] {
            guard !routes.allSatisfy(isUsable) else { return [] }
            // Routes have a few links each: a list finds repeats as fast as a set, without hashing.
            var badLinks: [LinkID] = [], badNodes: [NodeID] = []
            for route in routes {
                for link in route.links where !usableLinks.contains(link) && !badLinks.contains(link) { badLinks.append(link) }
                for node in route.nodes where unusableNodes.contains(node) && !badNodes.contains(node) { badNodes.append(node) }
            }
            return badLinks.sorted().map { "link '\($0)'" } + badNodes.sorted().map { "node '\($0)'" }
        }
    }

    /// New routes for a path being repaired. A protected path whose primary broke but whose backup
    /// still stands keeps the backup, now primary, and gets a new node-disjoint backup (or, with none
    /// to be had, runs unprotected on the route that stands until a later pass finds one).
    static func replan(
        _ old: KeyPath, planner: inout KeyPathPlanner, usable: Usability, reservedBps: [LinkID: Double]
    ) throws -> [KeyPathRoute] {
        guard old.protection == .disjointBackup, let standing = old.routes.first(where: usable.isUsable) else {
            return try planner.plan(request(of: old), reservedBps: reservedBps)
        }
        var kept = standing
        kept.role = .primary
        // The caller gave back all of the path's reservations: the standing route takes its share again.
        var reserved = reservedBps
        for link in kept.links { reserved[link, default: 0] += kept.rateBps }
        var backupRequest = request(of: old)
        backupRequest.protection = .none
        backupRequest.excludeNodes.formUnion(kept.nodes.dropFirst().dropLast())
        backupRequest.excludeLinks.formUnion(kept.links)
        if let backup = try? planner.routes(for: backupRequest, reservedBps: reserved, newID: { .random() }).first {
            return try planner.identified([
                kept, KeyPathRoute(role: .backup, nodes: backup.nodes, links: backup.links, rateBps: old.rateBps, qkdlID: backup.qkdlID),
            ])
        } else if old.routes.count == 1 && old.routes[0].qkdlID == kept.qkdlID {
            // Still no backup to be had: nothing changes (the caller leaves the path as it is).
            throw ProvisioningError.unroutable(.noPath(source: old.source, destination: old.destination, reason: "no node-disjoint backup route"))
        } else {
            return [kept]  // unprotected, but the key flows on the route that stood
        }
    }

    /// The request a stored path was provisioned with.
    static func request(of path: KeyPath) -> KeyPathRequest {
        KeyPathRequest(
            source: path.source, destination: path.destination, rateBps: path.rateBps, metric: path.metric,
            maxHops: path.maxHops, excludeNodes: Set(path.excludeNodes), excludeLinks: Set(path.excludeLinks), protection: path.protection,
            paths: path.pathCount, clientAppID: path.clientAppID, serverAppID: path.serverAppID
        )
    }

    /// A reserved path to configure on its nodes, and the routes it is leaving when re-routed.
    struct Configuration: Sendable {
        var path: KeyPath
        var retiring: KeyPath?
        /// What a re-routed path becomes when its new routes cannot be configured: back on its old
        /// routes, `active` when they still work (re-optimisation) or `degraded` when they do not (repair).
        var fallback: KeyPathState = .degraded

        /// Routes a re-routed path keeps: configured on their nodes already.
        var kept: Set<QKDUUID> { Set(retiring?.routes.map(\.qkdlID) ?? []) }
    }

    /// Configures every node of a reserved path; activates it, or rolls back and fails it.
    func configure(_ path: KeyPath, retiring old: KeyPath? = nil) async throws -> Stored<KeyPath> {
        try await configure([Configuration(path: path, retiring: old)])[0]
    }

    /// Configures reserved paths on their nodes, all at once: one request per node carries every
    /// entry the batch puts there. Paths whose nodes all confirmed are activated in one transaction,
    /// and those being re-routed then have their old routes' virtual links removed from their nodes;
    /// a path any node refused is rolled back from the nodes that took it and failed with the reason.
    /// Returns the paths as stored, in the batch's order; with `returningActive` false, only the failed ones.
    func configure(_ batch: [Configuration], returningActive: Bool = true) async throws -> [Stored<KeyPath>] {
        guard !batch.isEmpty else { return [] }
        let qkdnIDs = try await inventory.qkdnIDs(of: Set(batch.flatMap { $0.path.routes.flatMap(\.nodes) }))
        return try await configure(await prepare(batch, qkdnIDs: qkdnIDs), returningActive: returningActive)
    }

    /// The paths a re-route pass gave new routes, to configure (`fallback`: see `Configuration`).
    static func reroutes(in outcomes: [Inventory.RerouteOutcome], fallback: KeyPathState) -> [Configuration] {
        outcomes.compactMap { outcome in
            guard case .rerouted(let old, let new) = outcome else { return nil }
            return Configuration(path: new, retiring: old, fallback: fallback)
        }
    }

    /// What a re-route pass calls once it has decided: `ahead` gets the new configuration ready, on
    /// the nodes' ids as the pass sees them, and sends it while the pass writes.
    private func sendAhead(into ahead: ConfigurationAhead, fallback: KeyPathState) -> @Sendable ([Inventory.RerouteOutcome], Topology) -> Void {
        { [self] decided, network in sendAhead(Self.reroutes(in: decided, fallback: fallback), network: network, into: ahead) }
    }

    /// `ahead` gets `batch`'s configuration ready, on the nodes' ids as `network` has them, and sends
    /// it while the transaction that decided it writes. Its entries are in flight until that
    /// transaction has ended (see `EntriesInFlight`).
    private func sendAhead(_ batch: [Configuration], network: Topology, into ahead: ConfigurationAhead) {
        guard !batch.isEmpty else { return }
        ahead.start {
            let prepared = await self.prepare(batch, qkdnIDs: network.qkdnIDs)
            let entries = prepared.batch.flatMap { item in
                item.path.routes.map(\.qkdlID).filter { !item.kept.contains($0) } + (item.path.hasApplication ? [item.path.appID] : [])
            }
            self.inFlight.register(entries)
            return ConfigurationAhead.Sent(prepared: prepared, refusals: await self.send(prepared), entries: entries)
        }
    }

    /// What a re-route pass calls before it writes states: the pending paths every node has confirmed,
    /// now that the nodes have had the pass's writes to answer (up to `confirmationWait` more: the pass
    /// holds the writer meanwhile). None when the push needs the writer to read (in memory: one connection).
    private func confirmedAhead(_ ahead: ConfigurationAhead) -> @Sendable ([QKDUUID]) -> Set<QKDUUID> {
        { [inventory, confirmationWait] pending in
            guard inventory.readsWhileWriting, let slices = ahead.sent(waitingAtMost: confirmationWait) else { return [] }
            return Set(slices.flatMap(\.paths).filter { $0.refusal == nil }.map(\.item.path.id)).intersection(pending)
        }
    }

    /// Takes back from the nodes what a transaction that did not commit sent ahead.
    private func withdraw(_ ahead: ConfigurationAhead) async {
        let slices = await ahead.sent()
        guard !slices.isEmpty else { return }
        await withdraw(slices.flatMap(\.prepared.batch))
        inFlight.release(slices.flatMap(\.entries))
    }

    /// Takes back from their nodes the entries sent for paths the inventory did not take: a new
    /// path's virtual links and applications; a re-routed path's new virtual links only (its
    /// applications keep their ids: the reconciler puts back what the inventory still asks of them).
    private func withdraw(_ items: [Configuration]) async {
        guard !items.isEmpty else { return }
        await unconfigure(KeyPathPlanner.merged(items.map { item in
            item.retiring == nil ? KeyPathPlanner.placement(of: item.path) : KeyPathPlanner.virtualLinks(of: item.path, except: item.kept)
        }))
    }

    /// Configures what a re-route pass re-routed: settles what `ahead` sent during the pass (or
    /// configures it now should it have sent nothing). Returns how many paths were configured and what
    /// `configure` returns for them.
    private func configureReroutes(
        _ outcomes: [Inventory.RerouteOutcome], ahead: ConfigurationAhead, fallback: KeyPathState, returningActive: Bool
    ) async throws -> (count: Int, settled: [Stored<KeyPath>]) {
        let slices = await ahead.sent()
        if !slices.isEmpty {
            // The pass committed: the inventory knows what was sent, and made active what was confirmed.
            inFlight.release(slices.flatMap(\.entries))
            let active = Set(outcomes.compactMap { outcome -> QKDUUID? in
                guard case .rerouted(_, let new) = outcome, new.state == .active else { return nil }
                return new.id
            })
            return (slices.reduce(0) { $0 + $1.prepared.batch.count }, try await settle(
                slices.flatMap(\.paths), alreadyActive: active, returningActive: returningActive
            ))
        }
        let batch = Self.reroutes(in: outcomes, fallback: fallback)
        return (batch.count, try await configure(batch, returningActive: returningActive))
    }

    /// A batch's configuration, worked out for each node and ready to send.
    struct PreparedBatch: Sendable {
        var batch: [Configuration]
        /// The nodes each path puts entries on.
        var nodesOf: [QKDUUID: Set<NodeID>] = [:]
        /// Paths through a node without a GS QKD 015 id (their entries could not name it), and that node.
        var unidentified: [QKDUUID: NodeID] = [:]
        var pushes: [NodeID: NodeConfigurationPush] = [:]

        /// The nodes that did not take a path's configuration (given what each node that refused
        /// the batch said), in order, and why the first did not; nil when every node took it.
        func refusal(of path: QKDUUID, _ refusals: [NodeID: String]) -> (nodes: [NodeID], why: String)? {
            if let node = unidentified[path] { return ([node], "it has no GS QKD 015 id") }
            let refusing = (nodesOf[path] ?? []).filter { refusals[$0] != nil }.sorted()
            return refusing.first.flatMap { refusals[$0] }.map { (refusing, $0) }
        }

        /// Each path of the batch, with what its nodes said (`refusals`: what each node that refused the batch said).
        func sent(_ refusals: [NodeID: String]) -> [SentPath] {
            batch.map { SentPath(item: $0, refusal: refusal(of: $0.path.id, refusals)) }
        }
    }

    /// A path whose configuration was sent, and the nodes that did not take it (in order) and why
    /// the first did not; nil when every node took it.
    struct SentPath: Sendable {
        var item: Configuration
        var refusal: (nodes: [NodeID], why: String)?
    }

    /// Works out what a batch puts on each node (it follows from the paths' routes and the nodes'
    /// ids) and gets it ready to send, one push per node. No I/O: a re-route pass does this while
    /// its transaction writes.
    func prepare(_ batch: [Configuration], qkdnIDs: [NodeID: QKDUUID]) async -> PreparedBatch {
        var prepared = PreparedBatch(batch: batch)
        var entries = KeyPathConfiguration()
        for item in batch {
            do {
                prepared.nodesOf[item.path.id] = try entries.add(item.path, qkdnID: { qkdnIDs[$0] }, skippingLinks: item.kept)
            } catch {
                prepared.unidentified[item.path.id] = error.node
            }
        }
        // Encoding is most of the work: a task per node.
        prepared.pushes = await withTaskGroup(of: (NodeID, NodeConfigurationPush).self) { group in
            for node in entries.nodes {
                let links = entries.links[node] ?? [], applications = entries.applications[node] ?? []
                group.addTask { [configurator] in (node, configurator.prepare(node, links: links, applications: applications)) }
            }
            var pushes: [NodeID: NodeConfigurationPush] = [:]
            for await (node, push) in group { pushes[node] = push }
            return pushes
        }
        return prepared
    }

    /// Sends a prepared batch and settles each path as `configure` says.
    func configure(_ prepared: PreparedBatch, returningActive: Bool = true) async throws -> [Stored<KeyPath>] {
        try await settle(prepared.sent(await send(prepared)), returningActive: returningActive)
    }

    /// Sends a prepared batch, one request per node at once; returns what each node that refused said.
    func send(_ prepared: PreparedBatch) async -> [NodeID: String] {
        await withTaskGroup(of: (NodeID, String?).self) { group in
            for (node, push) in prepared.pushes {
                group.addTask {
                    do {
                        try await push()
                        return (node, nil)
                    } catch {
                        return (node, "\(error)")
                    }
                }
            }
            var refusals: [NodeID: String] = [:]
            for await (node, refusal) in group {
                if let refusal { refusals[node] = refusal }
            }
            return refusals
        }
    }

    /// Settles each path sent, as `configure` says (those `alreadyActive` need only their old routes
    /// retired); the `audit` entry of a path is appended as it is activated or failed.
    private func settle(
        _ sent: [SentPath], alreadyActive: Set<QKDUUID> = [], returningActive: Bool, audit: [QKDUUID: AuditEntry] = [:]
    ) async throws -> [Stored<KeyPath>] {
        guard !sent.isEmpty else { return [] }
        let started = ContinuousClock.now
        var results: [QKDUUID: Stored<KeyPath>] = [:]
        var confirmed: [Configuration] = []
        for sentPath in sent {
            let item = sentPath.item
            guard let (refusing, why) = sentPath.refusal, let node = refusing.first else {
                confirmed.append(item)
                continue
            }
            let reason = "node '\(node)' was not configured: \(why)" + (refusing.count > 1 ? " (and \(refusing.count - 1) more node(s))" : "")
            if let old = item.retiring, let restored = await restore(old, from: item, refusing: Set(refusing), reason: reason) {
                results[item.path.id] = restored
                continue
            }
            // A partial configuration is taken back from the nodes that took it; the reconciler removes
            // whatever this misses, since the failed path no longer asks for it.
            await unconfigure(KeyPathPlanner.placement(of: item.path).filter { !refusing.contains($0.key) })
            results[item.path.id] = try await inventory.failKeyPath(item.path.id, reason: reason, audit: audit[item.path.id])
            logger.warning("key path failed", metadata: ["key_path": "\(item.path.id)", "reason": "\(reason)"])
        }
        let pushed = ContinuousClock.now
        // Read back when returned: activating an active path changes nothing else.
        let activating = confirmed.map(\.path.id).filter { returningActive || !alreadyActive.contains($0) }
        for active in try await inventory.activateKeyPaths(activating, returning: returningActive, audit: audit) { results[active.value.id] = active }
        let activated = ContinuousClock.now
        var retired: [[NodeID: KeyPathPlanner.Placed]] = []
        for item in confirmed {
            guard let old = item.retiring else {
                logger.info("key path active", metadata: ["key_path": "\(item.path.id)", "routes": "\(item.path.routes.count)"])
                continue
            }
            // The application keeps its id and was put again, backed by the new routes; kept routes stay.
            retired.append(KeyPathPlanner.virtualLinks(of: old, except: Set(item.path.routes.map(\.qkdlID))))
            logger.debug("key path re-routed", metadata: [
                "key_path": "\(item.path.id)", "routes": "\(item.path.routes.map { $0.nodes.map(\.rawValue).joined(separator: ">") })",
            ])
        }
        await unconfigure(KeyPathPlanner.merged(retired))
        logger.debug("key paths configured", metadata: [
            "paths": "\(sent.count)", "active": "\(confirmed.count)", "pushing_ms": "\((pushed - started).milliseconds)",
            "activating_ms": "\((activated - pushed).milliseconds)", "retiring_ms": "\((ContinuousClock.now - activated).milliseconds)",
        ])
        return sent.compactMap { results[$0.item.path.id] }
    }

    /// Puts a re-routed path whose new routes a node refused back on its old ones (still configured on
    /// their nodes: make before break never removed them), as `item.fallback`; nil when the old routes'
    /// rate is gone meanwhile.
    private func restore(_ old: KeyPath, from item: Configuration, refusing: Set<NodeID>, reason: String) async -> Stored<KeyPath>? {
        do {
            let fallback = item.fallback
            try await inventory.restoreRoutes(of: old, state: fallback, reason: fallback == .active ? nil : "re-route not configured: \(reason)")
            // The new routes' virtual links come off the nodes that took them; the application names the old ones again.
            await unconfigure(KeyPathPlanner.virtualLinks(of: item.path, except: item.kept).filter { !refusing.contains($0.key) })
            if old.hasApplication {
                let qkdnIDs = try await inventory.qkdnIDs(of: [old.source, old.destination])
                var entries = KeyPathConfiguration()
                for end in [old.source, old.destination] { try entries.add(old, qkdnID: { qkdnIDs[$0] }, only: end) }
                for (node, applications) in entries.applications { try? await configurator.configure(node, links: [], applications: applications) }
            }
            logger.warning("key path kept on its routes: the new ones were not configured", metadata: ["key_path": "\(old.id)", "reason": "\(reason)"])
            return try await inventory.keyPath(old.id.text)
        } catch {
            return nil
        }
    }

    /// Deletes a key path: releases its rate and removes its configuration from every node.
    public func delete(_ id: String) async throws {
        await unconfigure(KeyPathPlanner.placement(of: try await inventory.deleteKeyPath(id)))
    }

    /// Finishes what a controller that stopped mid-provisioning left `pending`: its reservation
    /// stands in the database, so its configuration is pushed again (every step is idempotent).
    public func resumePending() async {
        do {
            let pending = try await inventory.keyPaths(KeyPathFilter(state: .pending), limit: Int(Int32.max)).items.map(\.value)
            guard !pending.isEmpty else { return }
            logger.notice("resuming pending key paths", metadata: ["count": "\(pending.count)"])
            for path in pending {
                do {
                    _ = try await configure(path)
                } catch {
                    _ = try? await inventory.failKeyPath(path.id, reason: "could not be resumed after a restart: \(error)")
                }
            }
        } catch {
            logger.error("pending key paths could not be read", metadata: ["error": "\(error)"])
        }
    }

    private func unconfigure(_ byNode: [NodeID: KeyPathPlanner.Placed]) async {
        await withTaskGroup(of: Void.self) { group in
            for (node, entries) in byNode {
                group.addTask { [configurator, logger] in
                    do {
                        try await configurator.unconfigure(node, links: entries.links, applications: entries.applications)
                    } catch {
                        logger.warning("configuration not removed; the reconciler will retry", metadata: ["node": "\(node)", "error": "\(error)"])
                    }
                }
            }
        }
    }

    static func check(_ request: KeyPathRequest) throws(ProvisioningError) {
        guard request.rateBps.isFinite, request.rateBps > 0, request.rateBps <= Double(UInt32.max) else {
            throw .invalidRequest(field: "rate_bps", message: "must be more than 0 and at most \(UInt32.max) bit/s")
        }
        guard request.source != request.destination else {
            throw .invalidRequest(field: "destination", message: "must differ from the source")
        }
        switch request.protection {
        case .multipath:
            guard (2...16).contains(request.paths) else { throw .invalidRequest(field: "paths", message: "multipath splits the rate over 2 to 16 paths") }
        case .none, .disjointBackup:
            guard request.paths == 1 else { throw .invalidRequest(field: "paths", message: "only multipath takes a number of paths") }
        }
        if request.protection != .none && request.maxHops != nil {
            throw .invalidRequest(field: "max_hops", message: "a hop limit cannot be combined with disjoint routes")
        }
    }
}
