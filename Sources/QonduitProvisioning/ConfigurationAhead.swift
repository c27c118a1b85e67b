import Synchronization
import QonduitCore

/// A re-route pass's new configuration, got ready and sent while the pass's transaction writes (see
/// `Inventory.rerouteKeyPaths`'s `decided`): encoding thousands of entries and the nodes taking
/// them then run on a core the writer leaves idle. What the nodes answered is only acted on once the
/// pass has committed; a pass that does not commit takes back what was sent.
final class ConfigurationAhead: Sendable {
    /// A batch sent ahead, and what each node that refused it said.
    struct Sent: Sendable {
        var prepared: KeyPathProvisioner.PreparedBatch
        var refusals: [NodeID: String]
        /// Registered in flight until the pass has ended.
        var entries: [QKDUUID]
    }

    private let work = Mutex<Task<Sent, Never>?>(nil)

    /// Starts getting the configuration ready and sending it.
    func start(_ send: @escaping @Sendable () async -> Sent) {
        work.withLock { $0 = Task(operation: send) }
    }

    /// The batch sent, once every node answered; nil when nothing was started.
    func sent() async -> Sent? {
        await work.withLock { $0 }?.value
    }
}
