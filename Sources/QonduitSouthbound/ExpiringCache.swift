import Synchronization

/// Values kept for a short while after they were read from the inventory, so that a hot path
/// (every agent report, every RESTCONF request) does not read the database each time, and a change
/// there (a revocation, a new credential) is seen within `keepFor`. Bounded: past `capacity` entries
/// it starts again rather than grow.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let keepFor: Duration
    let capacity: Int
    private let entries = Mutex<[Key: (value: Value, until: ContinuousClock.Instant)]>([:])

    init(keepFor: Duration, capacity: Int = 100_000) {
        self.keepFor = keepFor
        self.capacity = capacity
    }

    /// The value kept for `key`, or the one `read` returns, which is then kept.
    func value(for key: Key, read: () async throws -> Value) async rethrows -> Value {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), entry.until > now { return entry.value }
        let value = try await read()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (value, now + keepFor)
        }
        return value
    }
}
