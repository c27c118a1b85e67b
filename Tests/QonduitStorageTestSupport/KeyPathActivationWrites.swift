public import QonduitCore
public import QonduitStorage

extension KeyPathStore {
    /// Stores what provisioning writes once every node confirmed `ids` (`KeyPathProvisioner.activate`):
    /// active as far as the activation rule lets each, and their retiring routes let go.
    public func activate(_ ids: [QKDUUID]) async throws {
        try await withKeyPathChanges { changes in
            try await changes.setStates(of: ids, to: .active, reason: nil, from: KeyPathState.allCases.filter(\.activatesOnConfirmation))
            try await changes.dropRetiring(of: ids)
        }
    }
}
