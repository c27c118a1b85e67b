import Logging
import QonduitCore
import QonduitETSI
import QonduitStorage
import Synchronization

/// Activation: once its nodes have answered, a path is active, or rolled back and failed (a re-routed
/// one back on its old routes).
extension KeyPathProvisioner {
    /// Activates each path sent that every node confirmed, and fails (or, re-routed, restores) each one a node refused, as `configure` says (those `alreadyActive` need only their old routes
    /// retired); the `audit` entry of a path is appended as it is activated or failed.
    func activateOrFail(
        _ sent: [SentPath], alreadyActive: Set<QKDUUID> = [], returningActive: Bool, audit: [QKDUUID: AuditEntry] = [:]
    ) async throws -> [Stored<QKDKeyPath>] {
        guard !sent.isEmpty else { return [] }
        let started = ContinuousClock.now
        var results: [QKDUUID: Stored<QKDKeyPath>] = [:]
        var confirmed: [PathToConfigure] = []
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
            results[item.path.id] = try await fail(item.path.id, reason: reason, audit: audit[item.path.id])
            logger.warning("key path failed", metadata: ["key_path": "\(item.path.id)", "reason": "\(reason)"])
        }
        let pushed = ContinuousClock.now
        // Read back when returned: activating an active path changes nothing else. A path kept active
        // while its other routes were configured (a backup switched over) still carries the reason it
        // was re-routed for: activated too, so that the reason goes once its routes are all in place.
        let activating = confirmed.filter { returningActive || !alreadyActive.contains($0.path.id) || $0.path.reason != nil }.map(\.path.id)
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
            logger.debug(
                "key path re-routed",
                metadata: [
                    "key_path": "\(item.path.id)", "routes": "\(item.path.routes.map { $0.nodes.map(\.rawValue).joined(separator: ">") })",
                ])
        }
        await unconfigure(KeyPathPlanner.merged(retired))
        logger.debug(
            "key paths configured",
            metadata: [
                "paths": "\(sent.count)", "active": "\(confirmed.count)", "pushing_ms": "\((pushed - started).milliseconds)",
                "activating_ms": "\((activated - pushed).milliseconds)", "retiring_ms": "\((ContinuousClock.now - activated).milliseconds)",
            ])
        return sent.compactMap { results[$0.item.path.id] }
    }

    /// Puts a re-routed path whose new routes a node refused back on its old ones (still configured on
    /// their nodes: make before break never removed them), as `item.fallback`; nil when the old routes'
    /// rate is gone meanwhile.
    private func restore(_ old: QKDKeyPath, from item: PathToConfigure, refusing: Set<NodeID>, reason: String) async -> Stored<QKDKeyPath>? {
        do {
            let fallback = item.fallback
            try await restoreRoutes(of: old, state: fallback, reason: fallback == .active ? nil : "re-route not configured: \(reason)")
            // The new routes' virtual links come off the nodes that took them; the application names the old ones again.
            await unconfigure(KeyPathPlanner.virtualLinks(of: item.path, except: item.kept).filter { !refusing.contains($0.key) })
            if old.hasApplication {
                let qkdnIDs = try await inventory.qkdnIDs(of: [old.source, old.destination])
                var entries = KeyPathConfiguration()
                for end in [old.source, old.destination] { try entries.add(old, qkdnID: { qkdnIDs[$0] }, only: end) }
                for (node, applications) in entries.applications { try? await configurator.configure(node, links: [], applications: applications) }
            }
            logger.warning(
                "key path kept on its routes: the new ones were not configured", metadata: ["key_path": "\(old.id)", "reason": "\(reason)"])
            return try await inventory.keyPath(old.id.text)
        } catch {
            return nil
        }
    }

    /// Puts a re-routed path back on the routes it had (`old`): the new routes' reservations go, the
    /// old ones come back (no longer retiring), and the path takes `state` with `reason`. Only the
    /// rate is checked again: links that went down are why a repair's old routes are restored
    /// degraded. Throws `overReservation` when the old routes' rate was taken meanwhile.
    private func restoreRoutes(of old: QKDKeyPath, state: KeyPathState, reason: String?) async throws {
        try await inventory.withKeyPathLedger { ledger in
            guard let current = try await ledger.keyPaths([old.id])[old.id] else { throw KeyPathError.keyPathNotFound(old.id.text) }
            _ = try ledger.readmit(current, requireUp: false) { _ in old }
            try await ledger.replaceRoutes(of: [current], with: [old])
            try await ledger.dropRetiring(of: [old.id])
            try await ledger.setStates(of: [old.id], to: state, reason: reason)
        }
    }
}
