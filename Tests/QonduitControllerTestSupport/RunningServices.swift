public import Logging
import QonduitTestSupport
public import ServiceLifecycle

/// Services (servers, fleets, a whole controller) run in this process for a test and stopped as
/// SIGTERM stops them: by graceful shutdown, never by cancelling the task. Cancelling a server while a
/// client connects leaves an accepted connection nobody serves, which swift-nio's debug build traps on
/// ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#3481).
public final class RunningServices: Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts `services`; past `gracefulLimit` of shutting down, what is left is cancelled.
    public init(_ services: [any Service], gracefulLimit: Duration = .seconds(10), logger: Logger) {
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [], logger: logger)
        configuration.maximumGracefulShutdownDuration = gracefulLimit
        configuration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        self.group = group
        task = Task { try await group.run() }
    }

    /// Shuts the services down and waits until they have.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Starts shutting the services down without waiting.
    public func requestStop() {
        Task { [group] in await group.triggerGracefulShutdown() }
    }

    /// Runs `body` with `services` running, and stops them (waiting) however `body` ends.
    public static func during<T: Sendable>(
        _ services: [any Service], logger: Logger, _ body: () async throws -> T
    ) async throws -> T {
        let running = RunningServices(services, logger: logger)
        do {
            let result = try await body()
            await running.stop()
            return result
        } catch {
            await running.stop()
            throw error
        }
    }

    deinit { requestStop() }
}
