public import QonduitCore
public import QonduitStorage

/// Operators' changes to nodes and links, and the re-routing they call for: the domain decides when
/// key paths move, not the interface that took the change.
extension KeyPathProvisioner {
    /// An operator's change to a link, stored (a status it sets is held against topology imports);
    /// when it changes the link's status or QBER in force, the key paths it affects are re-routed
    /// before this returns.
    public func changeLink(_ id: String, _ change: @escaping @Sendable (inout QKDLink) throws -> Void) async throws -> Stored<QKDLink> {
        let before = try await inventory.link(id).value.current
        let stored = try await inventory.updateLink(id, operatorHold: true, change)
        let now = stored.value.current
        if now.status != before.status || now.qber != before.qber { await repair() }
        return stored
    }

    /// An operator's change to a node; when it changes the node's status in force (set down, or up
    /// again), the key paths through it are re-routed before this returns.
    public func changeNode(_ id: String, _ change: @escaping @Sendable (inout QKDNode) throws -> Void) async throws -> Stored<QKDNode> {
        let before = try await inventory.node(id).value.current
        let stored = try await inventory.updateNode(id, change)
        if stored.value.current != before { await repair() }
        return stored
    }
}
