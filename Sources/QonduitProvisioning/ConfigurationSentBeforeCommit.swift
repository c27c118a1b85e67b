import Logging
import QonduitCore
import QonduitETSI
import QonduitStorage
import Synchronization

/// Configuration sent to the nodes before the transaction that decided it has committed: a re-route
/// pass's (see `KeyPathProvisioner.reroute`), in slices as the pass decides, or a provisioning batch's
/// once it is planned. Encoding the entries and the nodes taking them then run on a core the writer
/// leaves idle. The transaction never waits for the nodes: a re-route pass takes, as it writes
/// states, the answers already in (`answeredSoFar`), and the rest is acted on once it has committed;
/// one that does not commit takes back what was sent.
final class ConfigurationSentBeforeCommit: Sendable {
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
    /// The slices every node has answered so far, by their order.
    private let answers = Mutex<[Int: Sent]>([:])

    /// Starts getting a slice ready and sending it.
    func start(_ send: @escaping @Sendable () async -> Sent) {
        slices.withLock { slices in
            let order = slices.count
            slices.append(
                Task { [self] in
                    let sent = await send()
                    answers.withLock { $0[order] = sent }
                    return sent
                })
        }
    }

    /// The slices whose every node has answered by now, without waiting for the others.
    func answeredSoFar() -> [Sent] {
        answers.withLock { Array($0.values) }
    }

    /// Every slice sent, once every node answered; empty when nothing was started.
    func sent() async -> [Sent] {
        var sent: [Sent] = []
        for slice in slices.withLock({ $0 }) { sent.append(await slice.value) }
        return sent
    }

}

extension KeyPathProvisioner {
    /// Gets `batch`'s configuration ready, on the nodes' ids as `network` has them, and sends it
    /// through `early` while the transaction that decided it writes. Its entries are in flight until that
    /// transaction has ended (see `EntriesInFlight`).
    func sendBeforeCommit(_ batch: [PathToConfigure], network: Topology, through early: ConfigurationSentBeforeCommit) {
        guard !batch.isEmpty else { return }
        early.start {
            let prepared = await self.prepare(batch, qkdnIDs: network.qkdnIDs)
            let entries = prepared.batch.flatMap { item in
                item.path.routes.map(\.qkdlID).filter { !item.kept.contains($0) } + (item.path.hasApplication ? [item.path.appID] : [])
            }
            self.inFlight.register(entries)
            return ConfigurationSentBeforeCommit.Sent(prepared: prepared, refusals: await self.send(prepared), entries: entries)
        }
    }

    /// Those of `pending` whose every node has confirmed already: what a re-route pass, as it writes
    /// states, may make active at once. Never waits: the nodes still answering are acted on after the commit.
    func confirmedSoFar(_ early: ConfigurationSentBeforeCommit, pending: [QKDUUID]) -> Set<QKDUUID> {
        Set(early.answeredSoFar().flatMap(\.paths).filter { $0.refusal == nil }.map(\.item.path.id)).intersection(pending)
    }

    /// Takes back from the nodes what a transaction that did not commit sent early.
    func withdraw(_ early: ConfigurationSentBeforeCommit) async {
        let slices = await early.sent()
        guard !slices.isEmpty else { return }
        await withdraw(slices.flatMap(\.prepared.batch))
        inFlight.release(slices.flatMap(\.entries))
    }

    /// Takes back from their nodes the entries sent for paths the inventory did not take: a new
    /// path's virtual links and applications; a re-routed path's new virtual links only (its
    /// applications keep their ids: the reconciler puts back what the inventory still asks of them).
    func withdraw(_ items: [PathToConfigure]) async {
        guard !items.isEmpty else { return }
        await unconfigure(
            KeyPathPlanner.merged(
                items.map { item in
                    item.retiring == nil ? KeyPathPlanner.placement(of: item.path) : KeyPathPlanner.virtualLinks(of: item.path, except: item.kept)
                }))
    }

    /// Configures what a re-route pass re-routed: activates or fails what `early` sent during the pass
    /// (or configures it now should it have sent nothing). Returns how many paths were configured and what
    /// `configure` returns for them.
    func finishReroutes(
        _ outcomes: [RerouteOutcome], early: ConfigurationSentBeforeCommit, fallback: KeyPathState, returningActive: Bool
    ) async throws -> (count: Int, paths: [Stored<QKDKeyPath>]) {
        let slices = await early.sent()
        if !slices.isEmpty {
            // The pass committed: the inventory knows what was sent, and made active what was confirmed by then.
            inFlight.release(slices.flatMap(\.entries))
            let active = Set(
                outcomes.compactMap { outcome -> QKDUUID? in
                    guard case .rerouted(_, let new) = outcome, new.state == .active else { return nil }
                    return new.id
                })
            return (
                slices.reduce(0) { $0 + $1.prepared.batch.count },
                try await activateOrFail(
                    slices.flatMap(\.paths), alreadyActive: active, returningActive: returningActive
                )
            )
        }
        let batch = Self.reroutes(in: outcomes, fallback: fallback)
        return (batch.count, try await configure(batch, returningActive: returningActive))
    }
}
