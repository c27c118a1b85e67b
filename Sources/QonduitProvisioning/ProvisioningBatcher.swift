import QonduitCore
import QonduitInventory

/// Gathers the provisioning requests that arrive while a batch is being reserved, so that the next
/// batch shares one reservation transaction, one configuration request per node and one activation
/// transaction: under load, the cost of each is spread over many key paths, and a lone request goes
/// through at once, as a batch of one. Reservations are made one batch at a time (each sees the
/// ones before); a reserved batch is configured while the next one is reserved.
actor ProvisioningBatcher {
    /// Reserves a batch, and returns what finishes it (configuration and activation), answering each
    /// request in order.
    typealias Provision = @Sendable ([Request]) async -> @Sendable () async -> [Result<Stored<KeyPath>, any Error>]

    struct Request: Sendable {
        let draft: KeyPath
        let request: KeyPathRequest
    }

    private var waiting: [(Request, CheckedContinuation<Stored<KeyPath>, any Error>)] = []
    private var draining = false

    /// Provisions `request` in the next batch; `provision` handles a batch, answering each request in
    /// order (every submitter passes the same).
    func submit(_ request: Request, provision: @escaping Provision) async throws -> Stored<KeyPath> {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((request, continuation))
            if !draining {
                draining = true
                Task { await drain(provision) }
            }
        }
    }

    private func drain(_ provision: Provision) async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            let finish = await provision(batch.map(\.0))
            Task {
                let results = await finish()
                for ((_, continuation), result) in zip(batch, results) { continuation.resume(with: result) }
            }
        }
        draining = false
    }
}
