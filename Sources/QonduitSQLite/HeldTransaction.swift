import Foundation
import GRDB

/// A write transaction held open while an async body runs. GRDB runs a transaction in one
/// synchronous closure on its writer's thread; that closure (`serve`) runs the body there: it is
/// the body's task executor, so the body's code, and its statements (`run`), execute on the
/// writer's thread one after another, as a synchronous closure would, with no hop to another
/// thread between them. Writers stay serialised, so admission stays exact; the body must wait on
/// nothing but its statements, or every other writer waits with it.
final class HeldTransaction: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` and `state` are read and written only with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var state = State.open

    private enum State {
        case open
        case finished(commit: Bool)
        /// The transaction never started, or failed: statements fail with this.
        case abandoned(any Error)
    }

    private enum Job {
        /// A statement of the body's, with what to do when the transaction cannot run it.
        case statement(run: (Database) -> Void, fail: (any Error) -> Void)
        /// A piece of the body's task (or of a task it started).
        case task(UnownedJob)
    }

    /// Thrown out of the transaction's closure when the body failed, so that GRDB rolls it back.
    struct RolledBack: Error {}

    /// Runs on the writer's thread, inside the transaction: runs the body and its statements until
    /// `finish`. Throws `RolledBack` when the body asked for a rollback.
    func serve(_ db: Database) throws {
        condition.lock()
        while true {
            while jobs.isEmpty, case .open = state { condition.wait() }
            guard !jobs.isEmpty else { break }
            let job = jobs.removeFirst()
            condition.unlock()
            switch job {
            case .statement(let run, _): run(db)
            case .task(let job): job.runSynchronously(on: asUnownedTaskExecutor())
            }
            condition.lock()
        }
        let commit: Bool
        if case .finished(let asked) = state { commit = asked } else { commit = false }
        condition.unlock()
        if !commit { throw RolledBack() }
    }

    /// Runs `body` with this transaction as its task executor.
    func running<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(self) { try await body() }
    }

    /// Task pieces run here while the transaction is open; once it has ended, on the global executor.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        guard case .open = state else {
            condition.unlock()
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
            return
        }
        jobs.append(.task(job))
        condition.signal()
        condition.unlock()
    }

    /// Runs `work` on the writer's thread, in the transaction, and returns what it returns.
    func run<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            condition.lock()
            switch state {
            case .open:
                jobs.append(
                    .statement(run: { db in continuation.resume(with: Result { try work(db) }) }, fail: { continuation.resume(throwing: $0) }))
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

    /// No more statements: `serve` returns once those queued are done, committing or rolling back.
    func finish(commit: Bool) {
        condition.lock()
        if case .open = state { state = .finished(commit: commit) }
        condition.signal()
        condition.unlock()
    }

    /// The transaction could not start or failed: queued and later statements fail with `error`;
    /// queued task pieces go to the global executor.
    func abandon(_ error: any Error) {
        condition.lock()
        state = .abandoned(error)
        let pending = jobs
        jobs = []
        condition.unlock()
        for job in pending {
            switch job {
            case .statement(_, let fail): fail(error)
            case .task(let job): globalConcurrentExecutor.enqueue(ExecutorJob(job))
            }
        }
    }
}

/// A misuse of a held transaction: a ledger used after its body returned.
enum InventoryStorageError: Error {
    case transactionEnded
}
