import Logging
import QonduitCore
import QonduitETSI
import QonduitStorage
import Synchronization

/// Activation, and what a re-routed path a node refused goes back to.
extension KeyPathProvisioner {
    /// Makes `ids` active, as far as the activation rule lets each (`KeyPathState.activatesOnConfirmation`):
    /// a path failed or deleted meanwhile stays as it is. Their retiring routes are let go, and each
    /// path's `audit` entry is appended. With `returning`, the paths activated, as stored.
    func activate(_ ids: [QKDUUID], returning: Bool, audit: [QKDUUID: AuditEntry] = [:]) async throws -> [Stored<QKDKeyPath>] {
        guard !ids.isEmpty else { return [] }
        return try await inventory.withKeyPathChanges { changes in
            try await changes.setStates(of: ids, to: .active, reason: nil, from: KeyPathState.allCases.filter(\.activatesOnConfirmation))
            try await changes.dropRetiring(of: ids)
            guard returning else { return [] }
            let stored = try await changes.storedKeyPaths(ids)
            let activated = ids.compactMap { stored[$0] }
            try await changes.appendAudit(activated.compactMap { audit[$0.value.id] })
            return activated
        }
    }

    /// Puts a re-routed path whose new routes a node refused back on its old ones (still configured on
    /// their nodes: make before break never removed them), as `fallback`; nil when the old routes'
    /// rate is gone meanwhile, or `change` is a new path (it has no old routes).
    func restore(_ change: PathChange, as fallback: KeyPathState, refusing: Set<NodeID>, reason: String) async -> Stored<QKDKeyPath>? {
        guard let old = change.old else { return nil }
        do {
            try await restoreRoutes(of: old, state: fallback, reason: fallback == .active ? nil : "re-route not configured: \(reason)")
            // The new routes' virtual links come off the nodes that took them; the application names the old ones again.
            await unconfigure(change.sentOnly.excluding(refusing))
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
