public import QonduitCore
import Synchronization

/// Entries (virtual links, applications) a provisioning batch or a re-route pass sent to nodes
/// before it committed: the inventory does not know them yet, and the reconciler must not take them
/// for entries nothing asks for (which it removes).
///
/// A reconciler reads these after the agent's tree and before the inventory. An entry it saw on
/// the agent was registered before it was sent, so it is either still here or its transaction has
/// ended: committed (the inventory it reads next knows the entry) or not (then nothing asks for the entry indeed).
public final class EntriesInFlight: Sendable {
    private let counts = Mutex<[QKDUUID: Int]>([:])

    public init() {}

    /// The ids of the entries in flight now.
    public var ids: Set<QKDUUID> {
        counts.withLock { Set($0.keys) }
    }

    func register(_ ids: [QKDUUID]) {
        counts.withLock { counts in
            for id in ids { counts[id, default: 0] += 1 }
        }
    }

    func release(_ ids: [QKDUUID]) {
        counts.withLock { counts in
            for id in ids {
                guard let count = counts[id] else { continue }
                counts[id] = count > 1 ? count - 1 : nil
            }
        }
    }
}
