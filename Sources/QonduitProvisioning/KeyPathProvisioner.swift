public import Logging
public import QonduitCore
import QonduitETSI
import QonduitPathEngine
public import QonduitStorage
import Synchronization

/// Provisions key paths: reserves the rate (one transaction, exact under concurrency), configures
/// every node of the path through the southbound, and activates the path once every node has
/// confirmed, or rolls the configuration back and marks it failed. It owns the key-path policy, one
/// job a file: provisioning batches (`ProvisioningBatch.swift`), repair (`KeyPathRepair.swift`),
/// re-optimisation (`KeyPathReoptimization.swift`), the re-route pass they share (`ReroutePass.swift`)
/// and node configuration (`NodeConfiguration.swift`, `KeyPathActivation.swift`,
/// `Rollout.swift`); the inventory stores what it decides (`KeyPathLedger`).
public final class KeyPathProvisioner: Sendable {
    let inventory: any Inventory
    let configurator: any NodeConfigurator
    let logger: Logger
    /// A link whose QBER is above this carries no new route, and its key paths are re-routed; nil: no limit.
    let qberThreshold: Double?
    let metrics: ProvisioningMetrics
    /// Requests that arrive while a batch is provisioned make up the next batch: one reservation
    /// transaction, one configuration request per node and one activation transaction for them all.
    private let batches = GroupCommitQueue<Provisioning, Stored<QKDKeyPath>>()

    /// A request in a batch: the path drafted for it, and what the audit log is to say of it.
    struct Provisioning: Sendable {
        var draft: QKDKeyPath
        var request: KeyPathRequest
        var audit: AuditEntry?
    }

    /// What the network offered when repair last planned the paths waiting for it; nil: never.
    let waitingPlannedOn = Mutex<NetworkHeadroom?>(nil)

    /// What provisioning batches and re-route passes sent their nodes before committing, for the reconciler to leave alone.
    public let inFlight = EntriesInFlight()
    /// How many re-routed paths a pass decides before their configuration is sent (see `reroute`).
    let rerouteSlice: Int

    public init(
        inventory: any Inventory, configurator: any NodeConfigurator, logger: Logger, qberThreshold: Double? = nil,
        rerouteSlice: Int = KeyPathProvisioner.rerouteSliceDefault,
        metrics: ProvisioningMetrics = ProvisioningMetrics()
    ) {
        self.metrics = metrics
        self.inventory = inventory
        self.rerouteSlice = max(1, rerouteSlice)
        self.configurator = configurator
        self.logger = logger
        self.qberThreshold = qberThreshold
    }

    /// Reserves, configures and activates a key path; returns it `active`, or `failed` with the
    /// node and reason when its nodes could not be configured. Throws when it cannot be reserved.
    /// Requests that arrive together share the work (see `batches`). `audit`, what the audit log is
    /// to say of the request, is appended in the transaction that activates or fails the path when
    /// this returns (when it throws, it is not).
    public func provision(_ request: KeyPathRequest, audit: AuditEntry? = nil) async throws -> Stored<QKDKeyPath> {
        try request.validate()
        let draft = QKDKeyPath(
            id: .random(), source: request.source, destination: request.destination, rateBps: request.rateBps,
            metric: request.metric, maxHops: request.maxHops, excludeNodes: request.excludeNodes.sorted(),
            excludeLinks: request.excludeLinks.sorted(), protection: request.protection, pathCount: request.paths,
            clientAppID: request.clientAppID, serverAppID: request.serverAppID, appID: .random()
        )
        return try await batches.submit(Provisioning(draft: draft, request: request, audit: audit)) { [self] batch in try await provision(batch) }
    }

    /// Deletes a key path: releases its rate and removes its configuration from every node.
    public func delete(_ id: String) async throws {
        await unconfigure(KeyPathPlacement(of: try await remove(id)))
    }

    /// Finishes what a controller that stopped mid-provisioning left `pending`: its reservation
    /// stands in the database, so its configuration is pushed again (every step is idempotent).
    public func resumePending() async {
        do {
            let pending = try await inventory.keyPaths(KeyPathFilter(state: .pending), limit: Int(Int32.max)).items.map(\.value)
            guard !pending.isEmpty else { return }
            logger.notice("resuming pending key paths", metadata: ["count": "\(pending.count)"])
            // The reservations are committed: the rollout only configures and settles them.
            let rollout = Rollout(.provision, by: self)
            rollout.send(pending.map(PathChange.new), qkdnIDs: try await inventory.qkdnIDs(of: Set(pending.flatMap { $0.routes.flatMap(\.nodes) })))
            do {
                _ = try await rollout.finish(committed: pending)
            } catch {
                for path in pending { _ = try? await fail(path.id, reason: "could not be resumed after a restart: \(error)") }
            }
        } catch {
            logger.error("pending key paths could not be read", metadata: ["error": "\(error)"])
        }
    }
}
