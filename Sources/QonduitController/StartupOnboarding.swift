import Logging
import QonduitCore
import QonduitSouthbound
import QonduitStorage
import ServiceLifecycle

/// Onboards the devices the controller was started with (a topology file's `device-url`s), those
/// whose nodes have no agent yet, once the start has imported the files; then waits for shutdown,
/// as a service of the group must.
struct StartupOnboarding: Service {
    let onboarder: DeviceOnboarder
    let inventory: any Inventory
    /// What the start asks for, once; it ends without asking when the start fails.
    let requests: AsyncStream<[DeviceOnboardingRequest]>
    let logger: Logger

    func run() async throws {
        let asked = await cancelWhenGracefulShutdown { await requests.first { _ in true } }
        if let requests = asked, !requests.isEmpty {
            let managed = Set((try? await inventory.agents().map(\.nodeID)) ?? [])
            let wanted = requests.filter { !managed.contains($0.node) }
            let failures = await onboarder.onboardAll(wanted)
            logger.notice(
                "devices of the topology onboarded", metadata: ["onboarded": "\(wanted.count - failures.count)", "failed": "\(failures.count)"])
            for failure in failures {
                logger.warning("device not onboarded", metadata: ["node": "\(failure.node)", "error": "\(failure.reason)"])
            }
        }
        try await gracefulShutdown()
    }
}
