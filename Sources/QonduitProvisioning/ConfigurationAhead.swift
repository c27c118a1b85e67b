import Dispatch
import Synchronization
import QonduitCore

/// Configuration got ready and sent while the transaction that decided it writes: a re-route pass's
/// (see `Inventory.rerouteKeyPaths`'s `decided`), in the slices the pass hands over, or a provisioning
/// batch's (`Inventory.reserveKeyPaths`'s `admitted`). Encoding the entries and the nodes taking them
/// then run on a core the writer leaves idle. What the nodes answered is acted on only by the pass
/// (paths confirmed before it writes states are active at once) or once the transaction has committed;
/// one that does not commit takes back what was sent.
final class ConfigurationAhead: Sendable {
    /// A slice sent ahead, and what each node that refused it said.
    struct Sent: Sendable {
        var prepared: KeyPathProvisioner.PreparedBatch
        var refusals: [NodeID: String]
        /// Registered in flight until the transaction has ended.
        var entries: [QKDUUID]

        /// Each path of the slice, with what its nodes said.
        var paths: [KeyPathProvisioner.SentPath] { prepared.sent(refusals) }
    }

    private let slices = Mutex<[Task<Sent, Never>]>([])
    /// The slices answered so far, by their order.
    private let answers = Mutex<[Int: Sent]>([:])
    private let answered = DispatchSemaphore(value: 0)

    /// Starts getting a slice ready and sending it.
    func start(_ send: @escaping @Sendable () async -> Sent) {
        slices.withLock { slices in
            let order = slices.count
            slices.append(Task { [self] in
                let sent = await send()
                answers.withLock { $0[order] = sent }
                answered.signal()
                return sent
            })
        }
    }

    /// Every slice sent, once every node answered; empty when nothing was started.
    func sent() async -> [Sent] {
        var sent: [Sent] = []
        for slice in slices.withLock({ $0 }) { sent.append(await slice.value) }
        return sent
    }

    /// Every slice sent, waiting for every node's answer up to `limit` on this thread: for the
    /// pass's transaction, which cannot await. Nil when the nodes are still answering.
    func sent(waitingAtMost limit: Duration) -> [Sent]? {
        let count = slices.withLock { $0.count }
        let (seconds, attoseconds) = limit.components
        let deadline = DispatchTime.now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        for _ in 0..<count {
            guard answered.wait(timeout: deadline) == .success else { return nil }
        }
        return answers.withLock { answers in (0..<count).compactMap { answers[$0] } }
    }
}
