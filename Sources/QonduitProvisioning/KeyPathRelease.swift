import QonduitCore
import QonduitStorage

/// Failing and deleting key paths, through the ledger like every other change to them.
extension KeyPathProvisioner {
    /// Marks a path `failed` with `reason`, releasing its reservations (and so the configuration it
    /// asked of its nodes), with `audit` logged in the same transaction; returns it as stored.
    @discardableResult
    func fail(_ id: QKDUUID, reason: String, audit: AuditEntry? = nil) async throws -> Stored<QKDKeyPath> {
        try await inventory.withKeyPathLedger { ledger in
            guard let path = try await ledger.keyPaths([id])[id] else { throw KeyPathError.keyPathNotFound(id.text) }
            try await ledger.release([path])
            try await ledger.setStates(of: [id], to: .failed, reason: reason)
            if let audit { try await ledger.appendAudit([audit]) }
        }
        return try await inventory.keyPath(id.text)
    }

    /// Deletes a path (`id` as the client gave it) and releases what it held; returns it as it was.
    func remove(_ id: String) async throws -> QKDKeyPath {
        guard let uuid = QKDUUID(id) else { throw KeyPathError.keyPathNotFound(id) }
        return try await inventory.withKeyPathLedger { ledger in
            guard let path = try await ledger.keyPaths([uuid])[uuid] else { throw KeyPathError.keyPathNotFound(id) }
            try await ledger.remove([path])
            return path
        }
    }
}
