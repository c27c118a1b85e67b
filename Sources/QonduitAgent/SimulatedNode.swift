public import QonduitCore
public import QonduitETSI

/// One QKD node as its agent sees it: the `qkd_node` tree, with physical links whose secret key
/// rate, QBER and key pool evolve over time, and the configuration the controller pushes.
public actor SimulatedNode {
    public private(set) var tree: ETSINode
    public private(set) var faults = AgentFaults()
    /// Nominal secret key rate of each physical link, bit/s; the simulation adds noise around it.
    private let nominalRateBps: [QKDUUID: Double]
    /// Key in each physical link's pool, bits.
    public private(set) var keyPoolBits: [QKDUUID: Double] = [:]
    private var random: SystemRandomNumberGenerator
    /// Counts restarts, so that the reporter knows to register again.
    public private(set) var restarts = 0
    /// The highest controller epoch a request carried (`Qonduit-Controller-Epoch`); it outlives the
    /// node's crashes and restarts, as a device's would be kept on disk.
    public private(set) var highestEpochSeen: Int64?

    /// Takes note of a request's controller epoch: nil when it is accepted, else the higher epoch
    /// already seen, for the refusal.
    public func admit(epoch: Int64) -> Int64? {
        if let seen = highestEpochSeen, epoch < seen { return seen }
        highestEpochSeen = epoch
        return nil
    }
    /// Where each entry of `tree.links` and `tree.applications` is, by id: a request finds, replaces
    /// and removes entries without a pass over lists that hold thousands (their order is the node's
    /// own, as a list `ordered-by system` is).
    private var linkPositions: [QKDUUID: Int] = [:]
    private var applicationPositions: [QKDUUID: Int] = [:]

    /// The QBER fault of each link as last reported, so that a fault set, changed or cleared is reported at once.
    private var reportedQBERFaults: [QKDUUID: Double] = [:]

    /// Largest pool a link holds before it stops filling, bits.
    static let poolCapacityBits = 1e9

    public init(tree: ETSINode, nominalRateBps: [QKDUUID: Double]) {
        self.tree = tree
        self.nominalRateBps = nominalRateBps
        random = SystemRandomNumberGenerator()
        for link in tree.links where link.type == .physical { keyPoolBits[link.id] = 0 }
        linkPositions = Self.positions(of: tree.links, id: \.id)
        applicationPositions = Self.positions(of: tree.applications, id: \.id)
    }

    // MARK: Configuration (RESTCONF)

    /// Creates or replaces a link entry; physical links belong to the hardware and cannot be changed.
    public func put(_ link: ETSILink) throws(AgentRefusal) {
        try put(links: [link])
    }

    /// Creates or replaces link entries, all or none (as a RESTCONF `PATCH` of `qkd_links` must):
    /// every entry is checked before any is applied.
    public func put(links: [ETSILink]) throws(AgentRefusal) {
        var entries: [ETSILink] = []
        entries.reserveCapacity(links.count)
        for link in links {
            if link.type == .physical || linkPositions[link.id].map({ tree.links[$0].type == .physical }) == true {
                throw .refused(tag: "access-denied", "physical link \(link.id) is set by the QKD hardware, not by configuration")
            }
            guard link.type == .virtual else { throw .refused(tag: "invalid-value", "a configured link must have qkdl_type VIRT") }
            guard link.local.nodeID == nil || link.local.nodeID == tree.id else {
                throw .refused(tag: "invalid-value", "qkdl_local/qkdn_id \(link.local.nodeID!) is not this node (\(tree.id))")
            }
            var entry = link
            entry.local.nodeID = tree.id
            entry.status = entry.status ?? .active
            entries.append(entry)
        }
        Self.upsert(entries, into: &tree.links, positions: &linkPositions, id: \.id)
    }

    /// Creates or replaces application entries.
    public func put(applications: [ETSIApplication]) {
        Self.upsert(applications, into: &tree.applications, positions: &applicationPositions, id: \.id)
    }

    private static func positions<Entry>(of list: [Entry], id: (Entry) -> QKDUUID) -> [QKDUUID: Int] {
        Dictionary(list.enumerated().map { (id($1), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Replaces the entries of `list` whose id an entry of `entries` has, and appends the others.
    private static func upsert<Entry>(_ entries: [Entry], into list: inout [Entry], positions: inout [QKDUUID: Int], id: (Entry) -> QKDUUID) {
        for entry in entries {
            if let index = positions[id(entry)] {
                list[index] = entry
            } else {
                positions[id(entry)] = list.count
                list.append(entry)
            }
        }
    }

    /// Removes the entries with `ids` (all present) from `list`, each in the place of the last.
    private static func remove<Entry>(
        _ ids: some Sequence<QKDUUID>, from list: inout [Entry], positions: inout [QKDUUID: Int], id: (Entry) -> QKDUUID
    ) {
        for removed in ids {
            guard let index = positions.removeValue(forKey: removed) else { continue }
            let last = list.count - 1
            if index != last {
                list.swapAt(index, last)
                positions[id(list[index])] = index
            }
            list.removeLast()
        }
    }

    public func deleteLink(_ id: QKDUUID) throws(AgentRefusal) {
        guard let index = linkPositions[id] else { throw .missing("no qkd_link \(id)") }
        guard tree.links[index].type != .physical else {
            throw .refused(tag: "access-denied", "physical link \(id) is set by the QKD hardware, not by configuration")
        }
        Self.remove([id], from: &tree.links, positions: &linkPositions, id: \.id)
    }

    /// Applies a YANG Patch of removals, all or none; returns the edits refused (none: applied).
    /// Each entry is found by its id, so that a node of thousands sheds a few, or thousands, at once.
    public func apply(_ patch: YANGPatch) -> [YANGPatch.Refusal] {
        var refusals: [YANGPatch.Refusal] = []
        var goingLinks: Set<QKDUUID> = []
        var goingApplications: Set<QKDUUID> = []
        for edit in patch.edits {
            switch edit.target {
            case .link(let id):
                let type = linkPositions[id].map { tree.links[$0].type }
                if type == .physical {
                    refusals.append(
                        .init(tag: "access-denied", editID: edit.id, message: "physical link \(id) is set by the QKD hardware, not by configuration"))
                } else if type == nil, edit.operation == .delete {
                    refusals.append(.init(tag: "data-missing", editID: edit.id, message: "no qkd_link \(id)"))
                } else {
                    goingLinks.insert(id)
                }
            case .application(let id):
                if applicationPositions[id] == nil, edit.operation == .delete {
                    refusals.append(.init(tag: "data-missing", editID: edit.id, message: "no qkd_app \(id)"))
                } else {
                    goingApplications.insert(id)
                }
            }
        }
        guard refusals.isEmpty else { return refusals }
        Self.remove(goingLinks, from: &tree.links, positions: &linkPositions, id: \.id)
        Self.remove(goingApplications, from: &tree.applications, positions: &applicationPositions, id: \.id)
        return []
    }

    public func put(_ application: ETSIApplication) {
        put(applications: [application])
    }

    public func deleteApplication(_ id: QKDUUID) throws(AgentRefusal) {
        guard applicationPositions[id] != nil else { throw .missing("no qkd_app \(id)") }
        Self.remove([id], from: &tree.applications, positions: &applicationPositions, id: \.id)
    }

    // MARK: Faults

    public func setFaults(_ change: (inout AgentFaults) -> Void) {
        change(&faults)
        endStreamsIfCrashed()
        let waiting = faultWaiters
        faultWaiters.removeAll()
        for continuation in waiting.values { continuation.resume() }
    }

    /// Reporters waiting for the next fault (a link going down, say), to report it at once.
    private var faultWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0

    /// Returns at the next change of the faults, or when the calling task is cancelled.
    public func nextFaultChange() async {
        let ticket = nextWaiter
        nextWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { continuation.resume() } else { faultWaiters[ticket] = continuation }
            }
        } onCancel: {
            Task { await self.cancelWaiter(ticket) }
        }
    }

    private func cancelWaiter(_ ticket: Int) {
        faultWaiters.removeValue(forKey: ticket)?.resume()
    }

    /// Starts again as a rebooted device would: configuration (virtual links, applications) and key
    /// pools are lost, faults cleared; the agent then registers anew.
    public func restart() {
        tree.links.removeAll { $0.type != .physical }
        tree.applications.removeAll()
        linkPositions = Self.positions(of: tree.links, id: \.id)
        applicationPositions = [:]
        for id in keyPoolBits.keys { keyPoolBits[id] = 0 }
        faults = AgentFaults()
        reportedQBERFaults.removeAll()
        restarts += 1
    }

    // MARK: Simulation

    /// Advances the simulation by `seconds`: each physical link's key rate varies by a few percent
    /// around its nominal rate (none when down), its pool fills at that rate and drains by what the
    /// virtual links over it consume. Returns the notifications to send.
    public func advance(seconds: Double) -> SimulationStep {
        var step = SimulationStep()
        let consumption = tree.links.filter { $0.type == .virtual }.reduce(0.0) { $0 + Double($1.virtualBandwidthBps ?? 0) }
        let physical = tree.links.indices.filter { tree.links[$0].type == .physical }
        let share = physical.isEmpty ? 0 : consumption / Double(physical.count)
        for index in physical {
            let id = tree.links[index].id
            let down = faults.downLinks.contains(id)
            let wasDown = tree.links[index].status == .off
            let nominal = nominalRateBps[id] ?? Double(tree.links[index].performance.secretKeyRateBps ?? 0)
            let rate = down ? 0 : max(0, nominal * (1 + Double.random(in: -0.03...0.03, using: &random)))
            let qber = faults.qber[id] ?? (down ? 0.5 : 0.02 + Double.random(in: -0.003...0.003, using: &random))
            tree.links[index].status = down ? .off : .active
            tree.links[index].performance.secretKeyRateBps = UInt32(min(rate, Double(UInt32.max)))
            tree.links[index].performance.expectedConsumptionBps = UInt32(min(share, Double(UInt32.max)))
            tree.links[index].performance.physical = [.init(type: .qber, value: ETSIDecimal(qber))]
            let pool = min(Self.poolCapacityBits, max(0, (keyPoolBits[id] ?? 0) + (rate - share) * seconds))
            keyPoolBits[id] = pool
            if down && !wasDown {
                step.urgent.append(.linkDown(link: id, reason: "loss of quantum signal"))
            } else if !down && wasDown {
                step.urgent.append(.event(.init(link: .init(id: id, status: .active, message: "link restored"))))
            }
            let performance = AgentEvent.linkPerformance(link: id, tree.links[index].performance)
            if faults.qber[id] != reportedQBERFaults[id] {
                // A QBER fault (or its end) is news the controller must have at once, not at the next periodic report.
                reportedQBERFaults[id] = faults.qber[id]
                step.urgent.append(performance)
            } else {
                step.periodic.append(performance)
            }
            step.periodic.append(.keyPool(link: id, levelBits: UInt64(pool)))
        }
        publish(step.urgent)
        return step
    }

    // MARK: Notification streams

    /// Subscribers to the node's notifications (RFC 8040 event streams), by ticket.
    private var subscribers: [Int: AsyncStream<AgentEvent>.Continuation] = [:]
    private var nextSubscriber = 0

    /// The node's urgent notifications from now on (a link down or restored, a QBER fault), until the
    /// node crashes or the subscriber stops listening. A subscriber that falls behind loses the oldest.
    public func notifications() -> AsyncStream<AgentEvent> {
        let (stream, continuation) = AsyncStream<AgentEvent>.makeStream(bufferingPolicy: .bufferingNewest(1_024))
        let ticket = nextSubscriber
        nextSubscriber += 1
        subscribers[ticket] = continuation
        continuation.onTermination = { [weak self] _ in Task { await self?.unsubscribe(ticket) } }
        if faults.crashed { continuation.finish() }
        return stream
    }

    private func unsubscribe(_ ticket: Int) { subscribers[ticket] = nil }

    private func publish(_ events: [AgentEvent]) {
        guard !events.isEmpty else { return }
        for subscriber in subscribers.values { for event in events { subscriber.yield(event) } }
    }

    /// A crashed node's streams end, as its connections would.
    private func endStreamsIfCrashed() {
        guard faults.crashed else { return }
        for subscriber in subscribers.values { subscriber.finish() }
        subscribers.removeAll()
    }
}

/// Why the agent refused a configuration request (RFC 8040 error tag and message).
public enum AgentRefusal: Error, Equatable {
    case refused(tag: String, String)
    case missing(String)
}

/// What one step of the simulation has to report: state changes and faults, which go out at once,
/// and figures (performance, key pools), which go out with the periodic report.
public struct SimulationStep: Sendable {
    public var urgent: [AgentEvent] = []
    public var periodic: [AgentEvent] = []

    public var all: [AgentEvent] { urgent + periodic }
}
