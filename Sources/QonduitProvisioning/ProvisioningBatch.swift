import CoreMetrics
import Logging
import QonduitCore
import QonduitETSI
import QonduitStorage
import Synchronization

/// Provisioning batches: requests that arrive together are reserved in one transaction, configured
/// with one request per node and activated in one transaction.
extension KeyPathProvisioner {
    /// One batch: reserved in one transaction (each path seeing the ones before it), configured with
    /// one request per node and activated in one transaction; answers each request in order (throws,
    /// failing them all, when the reservation transaction cannot be made). The configuration is sent
    /// once the batch is planned, while its transaction writes: what does not end up reserved is taken back.
    func provision(_ requests: [Provisioning]) async throws -> [Result<Stored<QKDKeyPath>, any Error>] {
        metrics.batchSize.record(requests.count)
        let rollout = Rollout(.provision, by: self)
        let reservations: [Result<QKDKeyPath, any Error>]
        do {
            reservations = try await inventory.withKeyPathLedger { [self] ledger in
                var planner = KeyPathPlanner(topology: ledger.network, qberThreshold: qberThreshold)
                // Each path is admitted against what those before it took; one that cannot be planned or
                // admitted gets its error and holds nothing.
                var results = requests.map { provisioning in
                    Result {
                        try ledger.admit { reserved in
                            var path = provisioning.draft
                            path.routes = try planner.plan(provisioning.request, reservedBps: reserved)
                            path.state = .pending
                            return path
                        }
                    }
                }
                // Sent while the transaction writes and commits: what does not end up stored is taken back.
                rollout.send(results.compactMap { try? $0.get() }.map(PathChange.new), qkdnIDs: ledger.network.qkdnIDs)
                let admitted = results.indices.filter { (try? results[$0].get()) != nil }
                let stored = try await ledger.insert(admitted.map { try results[$0].get() })
                for (position, outcome) in zip(admitted, stored) {
                    if case .failure(let error) = outcome { results[position] = .failure(error) }
                }
                return results
            }
        } catch {
            await rollout.withdraw()
            throw error
        }
        var audit: [QKDUUID: AuditEntry] = [:]
        for request in requests { audit[request.draft.id] = request.audit }
        let stored: [QKDUUID: Stored<QKDKeyPath>]
        do {
            stored = Dictionary(
                try await rollout.finish(committed: reservations.compactMap { try? $0.get() }, audit: audit).map { ($0.value.id, $0) },
                uniquingKeysWith: { first, _ in first }
            )
        } catch {
            return reservations.map { reservation in reservation.flatMap { _ in .failure(error) } }
        }
        return zip(requests, reservations).map { request, reservation in
            reservation.flatMap { _ in
                stored[request.draft.id].map { .success($0) }
                    ?? .failure(
                        ProvisioningError.inconsistent(
                            "key path \(request.draft.id) was reserved in its batch but not found once the batch committed"))
            }
        }
    }
}
