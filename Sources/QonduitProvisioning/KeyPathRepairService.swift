import QonduitStorage
public import ServiceLifecycle

/// Runs `KeyPathProvisioner.repair()` whenever the inventory has changed (a link reported down by
/// its agent, set down by an operator, or back up): failures are re-routed without anyone asking.
/// It waits for a change rather than polling, so a failure is acted on at once; passes are at least
/// `minimumInterval` apart, so that a burst of writes (provisioning, agents reporting) costs a few looks.
public struct KeyPathRepairService: Service {
    let provisioner: KeyPathProvisioner
    let minimumInterval: Duration

    public init(provisioner: KeyPathProvisioner, minimumInterval: Duration) {
        self.provisioner = provisioner
        self.minimumInterval = minimumInterval
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
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.minimumInterval) }
            }
            // Shutdown need not wait for a change.
            await cancelWhenGracefulShutdown { [seen] in await self.provisioner.inventory.waitForChange(from: seen) }
        }
    }
}
