import CoreMetrics
public import Logging
public import Prometheus
import QonduitAPI
import QonduitCore
public import QonduitSouthbound
public import QonduitStorage
public import ServiceLifecycle
import Synchronization

/// This controller's standing among those sharing its store: it claims the leader lease, renews it
/// while it leads, and steps down at once when a renewal fails for too long or a write finds the lease
/// lost. Only the leader writes; the others answer reads.
///
/// The southbound contract (`mayWriteSouthbound(within:)`): the leader sends a node no request that
/// could still be under way later than `margin` before its lease could expire, reckoned on this
/// machine's monotonic clock from when its last successful renewal was sent (the database set the
/// expiry later than that); a new leader writes to nodes only `margin` after it took over, and it
/// takes over only once the database's clock says the old lease expired.
public final class Leadership: Service, SouthboundFence, Sendable {
    public struct Timing: Sendable, Equatable {
        /// How long a lease lasts unless renewed.
        public var ttl: Duration
        /// How often the leader renews it, and how often the others try to take it.
        public var renewEvery: Duration
        /// How long before its lease could expire the leader stops writing to nodes, and how long after
        /// taking over a new leader waits before its first write to them.
        public var margin: Duration

        public init(ttl: Duration = .seconds(10), renewEvery: Duration = .seconds(1), margin: Duration = .seconds(3)) {
            self.ttl = ttl
            self.renewEvery = renewEvery
            self.margin = margin
        }
    }

    private struct State {
        var identity: ControllerIdentity
        var epoch: Int64?
        var leading = false
        /// Until when nodes may be written to (the lease's local deadline), and from when.
        var writableUntil: ContinuousClock.Instant?
        var writableFrom: ContinuousClock.Instant?
        var leaderURL: String?
    }

    public let timing: Timing
    /// Whether this controller alone can open the store (an SQLite file it holds the lock of): no other
    /// can have written to nodes in between, so it needs neither the margins nor the deadline.
    public let exclusive: Bool
    private let lease: any ControllerLease
    private let logger: Logger
    private let state: Mutex<State>
    private let changes = RevisionSignal()
    private let generation = Atomic<Int>(0)
    /// `qonduit_leader{controller}` (1 while this controller leads) and `qonduit_epoch` (the lease's, while it does).
    private let leaderGauge: CoreMetrics.Gauge
    private let epochGauge: CoreMetrics.Gauge

    public init(
        identity: ControllerIdentity, lease: any ControllerLease, timing: Timing = Timing(), exclusive: Bool = false,
        metrics: PrometheusCollectorRegistry, logger: Logger
    ) {
        self.timing = timing
        self.exclusive = exclusive
        self.lease = lease
        self.logger = logger
        state = Mutex(State(identity: identity))
        let factory = PrometheusMetricsFactory.qonduit(metrics)
        leaderGauge = CoreMetrics.Gauge(label: "qonduit_leader", dimensions: [("controller", identity.id)], factory: factory)
        epochGauge = CoreMetrics.Gauge(label: "qonduit_epoch", factory: factory)
        leaderGauge.record(0)
        // Nothing is written until the lease is this controller's.
        lease.fenceWrites(.follower) {}
    }

    public var identity: ControllerIdentity { state.withLock { $0.identity } }
    /// Whether this controller holds the lease (as last renewed).
    public var isLeading: Bool { state.withLock { $0.leading } }
    /// The lease's epoch while this controller leads.
    public var epoch: Int64? { state.withLock { $0.leading ? $0.epoch : nil } }
    /// Where the leader is reached, as of the last claim; nil when none leads.
    public var leaderURL: String? { state.withLock { $0.leading ? $0.identity.advertiseURL : $0.leaderURL } }

    /// Whether this controller may write to nodes now, by a request that gives up after `timeout` (see
    /// the type's contract): it must be over before the lease's local deadline.
    public func mayWriteSouthbound(within timeout: Duration) -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.leading, let until = state.writableUntil, let from = state.writableFrom else { return false }
            return exclusive || (now >= from && now + timeout < until)
        }
    }

    /// How long a request to a node may take: short enough, beside a shared store, that a leader whose
    /// renewals run late still has room to send configuration (a quarter of the lease, so that writes may
    /// be sent for 4.5 tenths of it after each renewal; never more than `longest`).
    public func nodeRequestTimeout(longest: Duration) -> Duration {
        exclusive ? longest : min(longest, timing.ttl / 4)
    }

    /// Where this controller is reached, once known (the port `serve --listen …:0` picked, say).
    public func advertise(_ url: String) {
        state.withLock { $0.identity.advertiseURL = url }
    }

    /// Claims (or renews) the lease once, and takes up what the answer says.
    public func claim() async throws {
        let sent = ContinuousClock.now
        let (identity, epoch) = state.withLock { ($0.identity, $0.leading ? $0.epoch : nil) }
        let answer = try await lease.claimLease(for: identity, epoch: epoch, ttl: timing.ttl)
        if answer.isHeld(by: identity.id) {
            let tookOver = state.withLock { state -> Bool in
                let tookOver = !state.leading || state.epoch != answer.epoch
                // The first lease ever had no predecessor to wait for.
                if tookOver { state.writableFrom = exclusive || answer.epoch == 1 ? sent : sent + timing.margin }
                state.leading = true
                state.epoch = answer.epoch
                state.writableUntil = sent + timing.ttl - timing.margin
                state.leaderURL = identity.advertiseURL
                return tookOver
            }
            if tookOver {
                lease.fenceWrites(.leader(controller: identity.id, epoch: answer.epoch)) { [weak self] in
                    self?.stepDown(reason: "a write found the lease lost")
                }
                logger.notice("leading", metadata: ["controller": "\(identity.id)", "epoch": "\(answer.epoch)"])
                changed()
            }
        } else {
            let wasLeading = state.withLock { state -> Bool in
                state.leaderURL = answer.expiresAt > answer.now ? answer.holderURL : nil
                return state.leading
            }
            if wasLeading { stepDown(reason: "the lease is \(answer.holder.map { "held by \($0)" } ?? "lost")") }
        }
    }

    /// Renews the lease (or tries to take it) every `renewEvery` until shutdown, then gives it up.
    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await claim()
            } catch {
                logger.warning("leader lease claim failed", metadata: ["error": "\(error)"])
                // Unrenewed past the local deadline: another may have the lease by now.
                if let until = state.withLock({ $0.writableUntil }), isLeading, ContinuousClock.now >= until {
                    stepDown(reason: "the lease could not be renewed in time")
                }
            }
            try? await cancelWhenGracefulShutdown { [timing] in try await Task.sleep(for: timing.renewEvery) }
        }
        let (id, epoch) = state.withLock { ($0.identity.id, $0.leading ? $0.epoch : nil) }
        if let epoch {
            stepDown(reason: "stopping")
            // Another takes over at its next claim rather than when the lease would have expired.
            try? await lease.releaseLease(of: id, epoch: epoch)
        }
    }

    /// Stops leading at once: no write commits, nothing is sent to nodes.
    public func stepDown(reason: String) {
        let was = state.withLock { state -> Bool in
            defer {
                state.leading = false
                state.writableUntil = nil
                state.leaderURL = nil
            }
            return state.leading
        }
        guard was else { return }
        lease.fenceWrites(.follower) {}
        logger.warning("no longer leading", metadata: ["reason": "\(reason)"])
        changed()
    }

    private func changed() {
        let (leading, epoch) = state.withLock { ($0.leading, $0.epoch) }
        leaderGauge.record(leading ? 1 : 0)
        if leading, let epoch { epochGauge.record(epoch) }
        generation.add(1, ordering: .releasing)
        changes.notify()
    }

    /// Runs `body` whenever this controller leads, cancelling it when it stops leading, until `body`
    /// returns by itself (its work done, or the controller stopping) or the task is cancelled.
    public func whileLeading(_ body: @escaping @Sendable () async throws -> Void) async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let seen = generation.load(ordering: .acquiring)
            guard isLeading else {
                await cancelWhenGracefulShutdown { await self.changes.wait { self.generation.load(ordering: .acquiring) != seen } }
                continue
            }
            let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await body()
                    return true
                }
                group.addTask {
                    await self.changes.wait { self.generation.load(ordering: .acquiring) != seen && !self.isLeading }
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? true
            }
            if finished { return }
        }
    }
}
