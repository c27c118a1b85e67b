import Synchronization

/// Group commit: while one batch is being handled, the items that arrive wait together and make up
/// the next batch, so that many callers at once share a few transactions (or requests) instead of
/// each paying for its own. A lone item goes through at once, as a batch of one.
public final class GroupCommitQueue<Item: Sendable, Output: Sendable>: Sendable {
    /// Handles one batch, answering each item in order.
    public typealias Handler = @Sendable ([Item]) async -> [Result<Output, any Error>]

    private struct Waiting: Sendable {
        var item: Item
        var continuation: CheckedContinuation<Output, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var draining = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Items waiting for the next batch.
    public var waiting: Int { state.withLock { $0.waiting.count } }

    /// `item`'s answer, once the batch it joined is handled by `handler` (every caller of a queue
    /// passes the same one: the queue's owner, which the queue is part of, is not yet whole when
    /// the queue is made).
    public func submit(_ item: Item, handler: @escaping Handler) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let startDraining = state.withLock { state in
                state.waiting.append(Waiting(item: item, continuation: continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDraining {
                Task { await self.drain(handler) }
            }
        }
    }

    /// As `submit(_:handler:)`, with a handler that may throw: then every item of its batch fails with its error.
    public func submit(
        _ item: Item, throwingHandler: @escaping @Sendable ([Item]) async throws -> [Result<Output, any Error>]
    ) async throws -> Output {
        try await submit(item) { items in
            do {
                return try await throwingHandler(items)
            } catch {
                return items.map { _ in .failure(error) }
            }
        }
    }

    private func drain(_ handler: Handler) async {
        while true {
            let batch = state.withLock { state in
                let batch = state.waiting
                state.waiting = []
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let results = await handler(batch.map(\.item))
            for (index, waiting) in batch.enumerated() {
                // A handler that answers too few leaves no caller waiting for ever.
                waiting.continuation.resume(with: index < results.count ? results[index] : .failure(GroupCommitQueueError.unanswered))
            }
        }
    }
}

/// A batch handler gave fewer answers than it was given items (a bug in the handler).
public enum GroupCommitQueueError: Error, Sendable {
    case unanswered
}
