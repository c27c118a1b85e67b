import Logging
import QonduitCore
import QonduitETSI
import QonduitStorage
import Synchronization

/// One provisioning batch's or re-route pass's configuration, from the nodes to the commit and back.
/// The entries of the paths its transaction decides are sent while that transaction writes (encoding
/// them and the nodes taking them run on a core the writer leaves idle; the transaction never waits
/// for the nodes), and are in flight (`EntriesInFlight`) until it has ended. Then `finish` settles
/// each path as the job says, or `withdraw` takes everything back when the transaction did not commit.
final class Rollout: Sendable {
    /// What a rollout is for: it decides what becomes of a path a node refused, and what is returned.
    enum Job: Sendable {
        /// New paths, or paths a restart left `pending`: one a node refused is failed.
        case provision
        /// Re-routes around what broke: a path a node refused goes back to its old routes, `degraded`
        /// since they do not work, or is failed when their rate is gone meanwhile.
        case repair
        /// Moves to better routes: a path a node refused goes back to its old routes, still `active`.
        case reoptimize

        /// What a re-routed path a node refused becomes on its old routes.
        var fallback: KeyPathState { self == .reoptimize ? .active : .degraded }
        /// Whether the paths that end up active are read back and returned: a repair pass may
        /// activate thousands, with no one to return them to.
        var returnsActive: Bool { self != .repair }
    }

    /// Where a path stands once every node it asked something of has answered.
    enum Answer: Sendable {
        case confirmed
        /// The nodes that did not take its configuration, in order, and why the first did not.
        case refused(nodes: [NodeID], why: String)
    }

    /// A slice of the changes, sent, with each change's answer.
    private struct Slice: Sendable {
        var changes: [(change: PathChange, answer: Answer)]
        /// Registered in flight until the transaction has ended.
        var entries: [QKDUUID]
    }

    let job: Job
    private let provisioner: KeyPathProvisioner
    private let slices = Mutex<[Task<Slice, Never>]>([])
    /// The slices every node has answered so far, by their order.
    private let answered = Mutex<[Int: Slice]>([:])

    init(_ job: Job, by provisioner: KeyPathProvisioner) {
        self.job = job
        self.provisioner = provisioner
    }

    /// Gets `changes` ready (on the nodes' GS QKD 015 ids, `qkdnIDs`) and sends them, without waiting:
    /// their entries are in flight from now until `finish` or `withdraw`.
    func send(_ changes: [PathChange], qkdnIDs: [NodeID: QKDUUID]) {
        guard !changes.isEmpty else { return }
        slices.withLock { slices in
            let order = slices.count
            slices.append(
                // On the global executor, said outright: an unstructured task inherits the executor its
                // creator prefers, and a ledger's body prefers the writer's thread, where the slice would wait
                // for the body to suspend and then hold the writer while it encodes.
                Task(executorPreference: globalConcurrentExecutor) { [self] in
                    let prepared = await provisioner.prepare(changes, qkdnIDs: qkdnIDs)
                    let entries = changes.flatMap(\.sent.entryIDs)
                    provisioner.inFlight.register(entries)
                    let refusals = await provisioner.send(prepared)
                    let slice = Slice(changes: changes.map { ($0, prepared.answer(for: $0.path.id, refusals)) }, entries: entries)
                    answered.withLock { $0[order] = slice }
                    return slice
                })
        }
    }

    /// Those of `pending` whose every node has confirmed by now: what a re-route pass, as it writes
    /// states, may make active at once. Never waits: the nodes still answering are acted on by `finish`.
    func confirmedSoFar(among pending: [QKDUUID]) -> Set<QKDUUID> {
        let confirmed = answered.withLock { answered in
            answered.values.flatMap(\.changes).compactMap { sent -> QKDUUID? in
                guard case .confirmed = sent.answer else { return nil }
                return sent.change.path.id
            }
        }
        return Set(confirmed).intersection(pending)
    }

    /// The transaction did not commit: takes back from the nodes everything sent.
    func withdraw() async {
        let slices = await sent()
        await provisioner.unconfigure(KeyPathPlacement(merging: slices.flatMap(\.changes).map(\.change.sentOnly)))
        provisioner.inFlight.release(slices.flatMap(\.entries))
    }

    /// The transaction committed `committed` (the paths as it wrote them; a change sent for a path not
    /// among them is taken back). Once every node has answered, activates each committed path its
    /// nodes all confirmed, and fails, or for a re-route puts back on its old routes, each one a node
    /// refused; `audit` entries are appended as their paths are. Returns the paths settled, as stored,
    /// in the order sent (see `Job.returnsActive`).
    func finish(committed: [QKDKeyPath], audit: [QKDUUID: AuditEntry] = [:]) async throws -> [Stored<QKDKeyPath>] {
        let slices = await sent()
        let written = Dictionary(committed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let sent = slices.flatMap(\.changes)
        await provisioner.unconfigure(KeyPathPlacement(merging: sent.filter { written[$0.change.path.id] == nil }.map(\.change.sentOnly)))
        // Committed: the inventory knows every entry sent that is to stay.
        provisioner.inFlight.release(slices.flatMap(\.entries))
        return try await settle(sent.compactMap { sent in written[sent.change.path.id].map { (sent.change, $0, sent.answer) } }, audit: audit)
    }

    /// Every slice sent, once every node answered; empty when nothing was sent.
    private func sent() async -> [Slice] {
        var sent: [Slice] = []
        for slice in slices.withLock({ $0 }) { sent.append(await slice.value) }
        return sent
    }

    /// Activates or fails each path (`written`: as committed) as its answer says.
    private func settle(
        _ paths: [(change: PathChange, written: QKDKeyPath, answer: Answer)], audit: [QKDUUID: AuditEntry]
    ) async throws -> [Stored<QKDKeyPath>] {
        guard !paths.isEmpty else { return [] }
        let logger = provisioner.logger
        let started = ContinuousClock.now
        var results: [QKDUUID: Stored<QKDKeyPath>] = [:]
        var confirmed: [(change: PathChange, written: QKDKeyPath)] = []
        for (change, written, answer) in paths {
            guard case .refused(let refusing, let why) = answer, let node = refusing.first else {
                confirmed.append((change, written))
                continue
            }
            let reason = "node '\(node)' was not configured: \(why)" + (refusing.count > 1 ? " (and \(refusing.count - 1) more node(s))" : "")
            if let restored = await provisioner.restore(change, as: job.fallback, refusing: Set(refusing), reason: reason) {
                results[change.path.id] = restored
                continue
            }
            // A partial configuration is taken back from the nodes that took it; the reconciler removes
            // whatever this misses, since the failed path no longer asks for it.
            await provisioner.unconfigure(KeyPathPlacement(of: change.path).excluding(Set(refusing)))
            results[change.path.id] = try await provisioner.fail(change.path.id, reason: reason, audit: audit[change.path.id])
            logger.warning("key path failed", metadata: ["key_path": "\(change.path.id)", "reason": "\(reason)"])
        }
        let pushed = ContinuousClock.now
        // A path the pass already wrote active, with no reason left, is settled; one kept active on
        // its primary while its other routes were configured (a backup switched over) still carries
        // the reason it was re-routed for, which goes once its routes are all in place.
        let activating = confirmed.filter { job.returnsActive || $0.written.state != .active || $0.written.reason != nil }.map(\.written.id)
        let activated = try await provisioner.activate(activating, returning: job.returnsActive, audit: audit)
        for active in activated { results[active.value.id] = active }
        let activatedAt = ContinuousClock.now
        var retired: [KeyPathPlacement] = []
        for (change, _) in confirmed {
            guard case .rerouted(let old, let new) = change else {
                logger.info("key path active", metadata: ["key_path": "\(change.path.id)", "routes": "\(change.path.routes.count)"])
                continue
            }
            // The application keeps its id and was put again, backed by the new routes; kept routes stay.
            retired.append(KeyPathPlacement(of: old, skippingLinks: Set(new.routes.map(\.qkdlID)), withApplication: false))
            logger.debug(
                "key path re-routed",
                metadata: ["key_path": "\(new.id)", "routes": "\(new.routes.map { $0.nodes.map(\.rawValue).joined(separator: ">") })"])
        }
        await provisioner.unconfigure(KeyPathPlacement(merging: retired))
        logger.debug(
            "key paths configured",
            metadata: [
                "paths": "\(paths.count)", "active": "\(confirmed.count)", "pushing_ms": "\((pushed - started).milliseconds)",
                "activating_ms": "\((activatedAt - pushed).milliseconds)", "retiring_ms": "\((ContinuousClock.now - activatedAt).milliseconds)",
            ])
        return paths.compactMap { results[$0.change.path.id] }
    }
}
