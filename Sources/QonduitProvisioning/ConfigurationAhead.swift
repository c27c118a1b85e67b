import Dispatch
import Synchronization
import QonduitCore

/// A re-route pass's new configuration, got ready and sent while the pass's transaction writes (see
/// `Inventory.rerouteKeyPaths`'s `decided`): encoding thousands of entries and the nodes taking
/// them then run on a core the writer leaves idle. What the nodes answered is acted on only by the
/// pass (paths confirmed before it writes states are active at once) or once it has committed; a
/// pass that does not commit takes back what was sent.
final class ConfigurationAhead: Sendable {
    /// A batch sent ahead, and what each node that refused it said.
    struct Sent: Sendable {
        var prepared: KeyPathProvisioner.PreparedBatch
        var refusals: [NodeID: String]
        /// Registered in flight until the pass has ended.
        var entries: [QKDUUID]

        /// Whether every node of the path took its new configuration.
        func confirmed(_ path: QKDUUID) -> Bool {
            prepared.unidentified[path] == nil && !(prepared.nodesOf[path] ?? []).contains { refusals[$0] != nil }
        }
    }

    private let work = Mutex<Task<Sent, Never>?>(nil)
    private let finished = Mutex<Sent?>(nil)
    private let answered = DispatchSemaphore(value: 0)

    /// Starts getting the configuration ready and sending it.
    func start(_ send: @escaping @Sendable () async -> Sent) {
        work.withLock {
            $0 = Task { [self] in
                let sent = await send()
                finished.withLock { $0 = sent }
                answered.signal()
                return sent
            }
        }
    }

    /// The batch sent, once every node answered; nil when nothing was started.
    func sent() async -> Sent? {
        await work.withLock { $0 }?.value
    }

    /// The batch sent, waiting for every node's answer up to `limit` on this thread: for the pass's
    /// transaction, which cannot await. Nil when nothing was started or the nodes are still answering.
    func sent(waitingAtMost limit: Duration) -> Sent? {
        guard work.withLock({ $0 }) != nil else { return nil }
        let (seconds, attoseconds) = limit.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        guard answered.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else { return nil }
        answered.signal()
        return finished.withLock { $0 }
    }
}
