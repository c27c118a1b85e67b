import CoreMetrics
import Logging
import Metrics
import QonduitCore
import QonduitETSI
import QonduitPathEngine
import QonduitStorage
import Synchronization

/// Repair: re-routing what the network's state has broken, degrading what cannot be, recovering what works again.
extension KeyPathProvisioner {
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
        defer {
            metrics.repairPasses.increment()
            metrics.repairDuration.record(duration: ContinuousClock.now - started)
        }
        let candidates: [QKDUUID]
        let headroom: NetworkHeadroom
        do {
            // Waiting paths are looked at again only once the network offers more than when they were last planned.
            let plannedOn = waitingPlannedOn.withLock { $0 }
            (candidates, headroom) = try await inventory.keyPathsToRepair(qberThreshold: qberThreshold) { now in
                plannedOn.map { now.gains(over: $0) } ?? true
            }
        } catch is CancellationError {
            return (0, 0, 0, 0)
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
                logger.notice(
                    "repair pass",
                    metadata: [
                        "candidates": "\(candidates.count)", "rerouted": "\(outcome.rerouted)", "degraded": "\(outcome.degraded)",
                        "recovered": "\(outcome.recovered)", "reading_ms": "\((read - started).milliseconds)",
                        "planning_ms": "\((planned - read).milliseconds)", "configuring_ms": "\((now - planned).milliseconds)",
                    ])
            }
        }
        let rollout = Rollout(.repair, by: self)
        let outcomes: [RerouteOutcome]
        do {
            outcomes = try await reroute(
                candidates, policy: { [qberThreshold] in RepairPolicy(topology: $0, qberThreshold: qberThreshold) }, rollout: rollout
            )
        } catch {
            await rollout.withdraw()
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
            let rerouted = Self.rerouted(in: outcomes)
            // Only the paths that did not end up active are returned.
            let notActive = try await rollout.finish(committed: rerouted)
            outcome.rerouted = rerouted.count - notActive.count
            waitingPlannedOn.withLock { $0 = headroom }
        } catch {
            logger.error("key paths could not be repaired", metadata: ["error": "\(error)"])
        }
        return outcome
    }

    /// A repair pass's decisions: a path with a route over something unusable is re-routed (a protected
    /// one whose backup stands switches over to it), a protected one without a backup gets one, and a
    /// degraded one whose routes all work again recovers.
    struct RepairPolicy: ReroutePolicy {
        var planner: KeyPathPlanner
        let usable: UsableNetwork

        init(topology: Topology, qberThreshold: Double?) {
            planner = KeyPathPlanner(topology: topology, qberThreshold: qberThreshold)
            usable = UsableNetwork(links: topology.links, nodes: topology.nodes, qberThreshold: qberThreshold)
        }

        func decide(_ path: QKDKeyPath) -> RerouteDecision {
            let broken = usable.problems(of: path.routes)
            if !broken.isEmpty { return .reroute(reason: "re-routing: \(broken.joined(separator: ", ")) not usable") }
            if path.protection == .disjointBackup && path.routes.count < 2 { return .reroute(reason: "restoring the backup route") }
            return path.state == .degraded ? .recover : .leave
        }

        mutating func routes(for path: QKDKeyPath, reservedBps: [LinkID: Double]) throws -> [KeyPathRoute] {
            try KeyPathProvisioner.replan(path, planner: &planner, usable: usable, reservedBps: reservedBps)
        }

        func unroutable(_ path: QKDKeyPath, _ error: any Error) -> String? {
            // Nothing broken, only a backup still missing: the path runs on as it is.
            let broken = usable.problems(of: path.routes)
            return broken.isEmpty ? nil : "no alternative route while \(broken.joined(separator: ", ")) not usable: \(error)"
        }

        func carriesKey(_ route: KeyPathRoute) -> Bool { usable.isUsable(route) }
    }

    /// New routes for a path being repaired. A protected path whose primary broke but whose backup
    /// still stands keeps the backup, now primary, and gets a new node-disjoint backup (or, with none
    /// to be had, runs unprotected on the route that stands until a later pass finds one).
    static func replan(
        _ old: QKDKeyPath, planner: inout KeyPathPlanner, usable: UsableNetwork, reservedBps: [LinkID: Double]
    ) throws -> [KeyPathRoute] {
        guard old.protection == .disjointBackup, let standing = old.routes.first(where: usable.isUsable) else {
            return try planner.plan(KeyPathRequest(provisioned: old), reservedBps: reservedBps)
        }
        var kept = standing
        kept.role = .primary
        // The caller gave back all of the path's reservations: the standing route takes its share again.
        var reserved = reservedBps
        for link in kept.links { reserved[link, default: 0] += kept.rateBps }
        var backupRequest = KeyPathRequest(provisioned: old)
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
}

/// Which links and nodes of a network can carry key now (the rule is `LinkCondition.carriesKey`,
/// `NodeStatus.carriesKey`), worked out once for a pass.
struct UsableNetwork: Sendable {
    /// Worked out once: a pass asks about every route of thousands of paths, nearly all of them usable.
    /// Links up, and with QBER under the threshold; a link not here (even one the network lacks) is unusable.
    private let usableLinks: Set<LinkID>
    private let unusableNodes: Set<NodeID>

    init(links: [QKDLink], nodes: [QKDNode], qberThreshold: Double?) {
        usableLinks = Set(links.filter { $0.current.carriesKey(qberThreshold: qberThreshold) }.map(\.id))
        unusableNodes = Set(nodes.filter { !$0.current.carriesKey }.map(\.id))
    }

    func isUsable(_ route: KeyPathRoute) -> Bool {
        route.links.allSatisfy(usableLinks.contains) && !route.nodes.contains(where: unusableNodes.contains)
    }

    /// The unusable links and nodes of `routes`, named for a reason.
    func problems(of routes: [KeyPathRoute]) -> [String] {
        guard !routes.allSatisfy(isUsable) else { return [] }
        // Routes have a few links each: a list finds repeats as fast as a set, without hashing.
        var badLinks: [LinkID] = []
        var badNodes: [NodeID] = []
        for route in routes {
            for link in route.links where !usableLinks.contains(link) && !badLinks.contains(link) { badLinks.append(link) }
            for node in route.nodes where unusableNodes.contains(node) && !badNodes.contains(node) { badNodes.append(node) }
        }
        return badLinks.sorted().map { "link '\($0)'" } + badNodes.sorted().map { "node '\($0)'" }
    }
}
