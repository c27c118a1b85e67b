import QonduitCore
import QonduitStorage

/// Failing and deleting key paths, through `KeyPathChanges` (they take no rate).
extension KeyPathProvisioner {
    /// Marks a path `failed` with `reason`, releasing its reservations (and so the configuration it
    /// asked of its nodes), with `audit` logged in the same transaction; returns it as stored.
    @discardableResult
    func fail(_ id: QKDUUID, reason: String, audit: AuditEntry? = nil) async throws -> Stored<QKDKeyPath> {
        try await inventory.withKeyPathChanges { changes in
            guard let path = try await changes.keyPaths([id])[id] else { throw KeyPathError.keyPathNotFound(id.text) }
            try await changes.release([path])
            try await changes.setStates(of: [id], to: .failed, reason: reason)
            if let audit { try await changes.appendAudit([audit]) }
        }
        return try await inventory.keyPath(id.text)
    }

    /// Deletes a path (`id` as the client gave it) and releases what it held; returns it as it was.
    func remove(_ id: String) async throws -> QKDKeyPath {
        guard let uuid = QKDUUID(id) else { throw KeyPathError.keyPathNotFound(id) }
        return try await inventory.withKeyPathChanges { changes in
            guard let path = try await changes.keyPaths([uuid])[uuid] else { throw KeyPathError.keyPathNotFound(id) }
            try await changes.remove([path])
            return path
        }
    }
}
