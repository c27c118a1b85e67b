import Foundation
import GRDB

/// A write transaction held open while an async body runs. GRDB runs a transaction in one
/// synchronous closure on its writer's thread; that closure (`serve`) runs the body's database work
/// there, one job at a time, until the body is done. Writers stay serialised, so admission stays
/// exact; the body must wait on nothing but its jobs, or every other writer waits with it.
final class HeldTransaction: @unchecked Sendable {
    // @unchecked: `jobs` and `state` are read and written only with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var state = State.open

    private enum State {
        case open
        case finished(commit: Bool)
        /// The transaction never started, or failed: jobs fail with this.
        case abandoned(any Error)
    }

    private struct Job {
        var run: (Database) -> Void
        var fail: (any Error) -> Void
    }

    /// Thrown out of the transaction's closure when the body failed, so that GRDB rolls it back.
    struct RolledBack: Error {}

    /// Runs on the writer's thread, inside the transaction: serves jobs until `finish`. Throws
    /// `RolledBack` when the body asked for a rollback.
    func serve(_ db: Database) throws {
        condition.lock()
        while true {
            while jobs.isEmpty, case .open = state { condition.wait() }
            guard !jobs.isEmpty else { break }
            let job = jobs.removeFirst()
            condition.unlock()
            job.run(db)
            condition.lock()
        }
        let commit: Bool
        if case .finished(let asked) = state { commit = asked } else { commit = false }
        condition.unlock()
        if !commit { throw RolledBack() }
    }

    /// Runs `work` on the writer's thread, in the transaction, and returns what it returns.
    func run<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            condition.lock()
            switch state {
            case .open:
                jobs.append(Job(run: { db in continuation.resume(with: Result { try work(db) }) }, fail: { continuation.resume(throwing: $0) }))
                condition.signal()
                condition.unlock()
            case .abandoned(let error):
                condition.unlock()
                continuation.resume(throwing: error)
            case .finished:
                condition.unlock()
                continuation.resume(throwing: InventoryStorageError.transactionEnded)
            }
        }
    }

    /// No more jobs: `serve` returns once those queued are done, committing or rolling back.
    func finish(commit: Bool) {
        condition.lock()
        if case .open = state { state = .finished(commit: commit) }
        condition.signal()
        condition.unlock()
    }

    /// The transaction could not start or failed: queued and later jobs fail with `error`.
    func abandon(_ error: any Error) {
        condition.lock()
        state = .abandoned(error)
        let pending = jobs
        jobs = []
        condition.unlock()
        for job in pending { job.fail(error) }
    }
}

/// A misuse of a held transaction: a ledger used after its body returned.
enum InventoryStorageError: Error {
    case transactionEnded
}
