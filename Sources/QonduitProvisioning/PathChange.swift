import QonduitCore

/// What a rollout configures for one key path.
enum PathChange: Sendable {
    /// A path its nodes do not hold yet (new, or left `pending` by a restart): every entry it asks for.
    case new(QKDKeyPath)
    /// A path moving from `old`'s routes to `new`'s: the virtual links of the routes it keeps are on
    /// their nodes already, and the application keeps its id.
    case rerouted(old: QKDKeyPath, new: QKDKeyPath)

    /// The path as it is to be.
    var path: QKDKeyPath {
        switch self {
        case .new(let path), .rerouted(_, let path): path
        }
    }

    /// The path as it was, when re-routed.
    var old: QKDKeyPath? {
        guard case .rerouted(let old, _) = self else { return nil }
        return old
    }

    /// Routes a re-routed path keeps (by `qkdl_id`): configured on their nodes already.
    var kept: Set<QKDUUID> {
        Set(old?.routes.map(\.qkdlID) ?? [])
    }

    /// The entries to take back from the nodes should the inventory not take the change: all of a
    /// new path's; only the new virtual links of a re-routed one (its application keeps its id, and
    /// the reconciler puts back what the inventory still asks of it).
    var sentOnly: KeyPathPlacement {
        switch self {
        case .new(let path): KeyPathPlacement(of: path)
        case .rerouted(_, let new): KeyPathPlacement(of: new, skippingLinks: kept, withApplication: false)
        }
    }

    /// The entries sent for the change, each once: the path's, less the virtual links it keeps.
    var sent: KeyPathPlacement {
        KeyPathPlacement(of: path, skippingLinks: kept)
    }
}
