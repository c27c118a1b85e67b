import Synchronization

/// A re-route pass's new configuration, got ready while the pass's transaction writes (see
/// `Inventory.rerouteKeyPaths`'s `decided`): encoding thousands of entries then runs on a core the writer leaves
/// idle, and the push after the commit only sends.
final class ConfigurationAhead: Sendable {
    private let work = Mutex<Task<KeyPathProvisioner.PreparedBatch, Never>?>(nil)

    /// Starts getting the configuration ready.
    func start(_ prepare: @escaping @Sendable () async -> KeyPathProvisioner.PreparedBatch) {
        work.withLock { $0 = Task(operation: prepare) }
    }

    /// The configuration got ready; nil when nothing was started.
    func prepared() async -> KeyPathProvisioner.PreparedBatch? {
        await work.withLock { $0 }?.value
    }
}
