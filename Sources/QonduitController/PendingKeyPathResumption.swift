import QonduitProvisioning
import ServiceLifecycle

/// Each time this controller comes to lead (at start, or taking over from one that died), it finishes
/// configuring the key paths its predecessor left pending, then waits for the next time.
struct PendingKeyPathResumption: Service {
    let provisioner: KeyPathProvisioner

    func run() async throws {
        await provisioner.resumePending()
        // Run until leadership ends (the caller cancels) or the controller stops.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled { try await Task.sleep(for: .seconds(3_600)) }
        }
    }
}
