import Logging
public import QonduitCore
import QonduitETSI
import QonduitPathEngine
public import QonduitStorage
import Synchronization

/// Re-optimisation: moving active key paths to routes better by their own metric.
extension KeyPathProvisioner {
    /// What a re-optimisation did: how many active paths it looked at, those it moved to better routes,
    /// and those a node refused the better routes of (back on their old routes, active, or failed when
    /// their old routes' rate was taken meanwhile).
    public struct Reoptimization: Sendable {
        public var examined: Int
        public var moved: [Stored<QKDKeyPath>]
        public var failed: [Stored<QKDKeyPath>]
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
        let rollout = Rollout(.reoptimize, by: self)
        let outcomes: [RerouteOutcome]
        do {
            outcomes = try await reroute(
                active.map(\.id), policy: { [qberThreshold] in ReoptimizationPolicy(topology: $0, qberThreshold: qberThreshold) }, rollout: rollout
            )
        } catch {
            await rollout.withdraw()
            throw error
        }
        let moving = Self.rerouted(in: outcomes)
        let configured = try await rollout.finish(committed: moving)
        // Moved: active on the new routes. The rest were refused by a node: back on their old routes, or failed.
        let planned = Dictionary(moving.map { ($0.id, $0.routes.map(\.qkdlID)) }, uniquingKeysWith: { first, _ in first })
        let moved = configured.filter { $0.value.state == .active && $0.value.routes.map(\.qkdlID) == planned[$0.value.id] }
        let movedIDs = Set(moved.map(\.value.id))
        if !moving.isEmpty { logger.notice("key paths re-optimised", metadata: ["examined": "\(active.count)", "moved": "\(moved.count)"]) }
        return Reoptimization(examined: active.count, moved: moved, failed: configured.filter { !movedIDs.contains($0.value.id) })
    }

    /// A re-optimisation's decisions: every active path is planned again, and moved when that finds
    /// routes better by its own metric; one with no better route stays as it is.
    struct ReoptimizationPolicy: ReroutePolicy {
        var planner: KeyPathPlanner
        let links: [LinkID: QKDLink]

        init(topology: Topology, qberThreshold: Double?) {
            planner = KeyPathPlanner(topology: topology, qberThreshold: qberThreshold)
            links = Dictionary(topology.links.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }

        func decide(_ path: QKDKeyPath) -> RerouteDecision {
            path.state == .active ? .reroute(reason: "re-optimising") : .leave
        }

        mutating func routes(for path: QKDKeyPath, reservedBps: [LinkID: Double]) throws -> [KeyPathRoute] {
            let routes = try planner.plan(KeyPathRequest(provisioned: path), reservedBps: reservedBps)
            let now = weight(of: path.routes, path.metric, reservedBps)
            let candidate = weight(of: routes, path.metric, reservedBps)
            guard candidate < now - 1e-9 * max(1, abs(now)) else { throw NoBetterRoute() }
            return routes
        }

        func unroutable(_ path: QKDKeyPath, _ error: any Error) -> String? { nil }

        /// The routes of an active path carry key until it moves.
        func carriesKey(_ route: KeyPathRoute) -> Bool { true }

        /// What `metric` adds up to over `routes`, each link weighed as path computation weighs it
        /// (`RelayGraph`): under `rate`, by the spare rate left with `reservedBps` (the path's own given back).
        private func weight(of routes: [KeyPathRoute], _ metric: PathMetric, _ reservedBps: [LinkID: Double]) -> Double {
            routes.reduce(0) { total, route in
                total
                    + route.links.reduce(0) { sum, id in
                        guard let link = links[id] else { return .infinity }
                        let spare = link.current.keyRateBps - (reservedBps[id] ?? 0)
                        return sum + metric.weight(lengthKm: link.lengthKm, cost: link.cost, spareBps: spare)
                    }
            }
        }
    }

    private struct NoBetterRoute: Error {}
}
