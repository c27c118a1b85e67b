import QonduitInventory
public import ServiceLifecycle

/// Runs `KeyPathProvisioner.repair()` whenever the inventory has changed (a link reported down by
/// its agent, set down by an operator, or back up): failures are re-routed without anyone asking.
public struct KeyPathRepairService: Service {
    let provisioner: KeyPathProvisioner
    let period: Duration

    public init(provisioner: KeyPathProvisioner, period: Duration) {
        self.provisioner = provisioner
        self.period = period
    }

    public func run() async throws {
        var seen = -1
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let revision = provisioner.inventory.revision
            if revision != seen {
                seen = revision
                // Shutdown cancels a pass where it is: what it leaves pending is resumed at the next start,
                // as after a crash, instead of shutdown waiting on every unreachable node.
                _ = await cancelWhenGracefulShutdown { await self.provisioner.repair() }
            }
            // Shutdown need not wait out the period.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.period) }
        }
    }
}
