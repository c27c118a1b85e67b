import Synchronization

/// Wakes tasks waiting for the inventory to change, so that they need not poll its revision.
public final class RevisionSignal: Sendable {
    private struct Waiters {
        var next = 0
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let waiters = Mutex(Waiters())

    public init() {}

    /// Returns at once when `changed()` holds, else at the next `notify()` (the inventory calls it
    /// after each committed write, so the revision waited on has passed), or when the task is cancelled.
    public func wait(until changed: @Sendable () -> Bool) async {
        let ticket = waiters.withLock { state in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Checked under the lock `notify()` takes: a change cannot slip between the check and the wait.
                let now = waiters.withLock { state -> Bool in
                    if changed() || Task.isCancelled { return true }
                    state.waiting[ticket] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            waiters.withLock { $0.waiting.removeValue(forKey: ticket) }?.resume()
        }
    }

    /// Wakes every waiter.
    public func notify() {
        let woken = waiters.withLock { state in
            defer { state.waiting = [:] }
            return state.waiting
        }
        for continuation in woken.values { continuation.resume() }
    }
}
