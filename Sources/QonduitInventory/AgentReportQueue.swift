import QonduitCore
import Synchronization

/// Group commit for agents' reports: while one batch is being written, newly arriving reports
/// wait together and go into the next transaction, so that a thousand agents reporting at once
/// cost a few transactions rather than a thousand.
final class AgentReportQueue: Sendable {
    private struct Entry: Sendable {
        var qkdnID: QKDUUID
        var reports: [AgentReport]
        var continuation: CheckedContinuation<AgentReportOutcome, any Error>
    }

    private struct State {
        var pending: [Entry] = []
        var draining = false
    }

    private let state = Mutex(State())

    func submit(_ qkdnID: QKDUUID, _ reports: [AgentReport], inventory: Inventory) async throws -> AgentReportOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let startDraining = state.withLock { state in
                state.pending.append(Entry(qkdnID: qkdnID, reports: reports, continuation: continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDraining {
                Task { await self.drain(into: inventory) }
            }
        }
    }

    private func drain(into inventory: Inventory) async {
        while true {
            let batch = state.withLock { state in
                let batch = state.pending
                state.pending = []
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let results = try await inventory.applyBatch(batch.map { ($0.qkdnID, $0.reports) })
                for (entry, result) in zip(batch, results) { entry.continuation.resume(with: result) }
            } catch {
                for entry in batch { entry.continuation.resume(throwing: error) }
            }
        }
    }
}
