public import Logging
public import QonduitStorage
public import ServiceLifecycle

/// Marks nodes unreachable whose agents have missed too many heartbeats; runs until shutdown.
public struct AgentLivenessMonitor: Service {
    let inventory: any Inventory
    let configuration: SouthboundConfiguration
    let logger: Logger

    public init(inventory: any Inventory, configuration: SouthboundConfiguration, logger: Logger) {
        self.inventory = inventory
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        // Checking a few times per interval bounds how late a silent agent is noticed.
        let period = Duration.milliseconds(max(50, configuration.heartbeatIntervalMs / 4))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let silent = try await inventory.markSilentAgentsUnreachable(missedIntervals: configuration.missedHeartbeats)
                for node in silent {
                    logger.warning("agent silent: node marked unreachable", metadata: ["node": "\(node)"])
                }
            } catch is CancellationError {
                // Stopping (perhaps while the controller was still starting): nothing failed.
            } catch {
                logger.error("liveness check failed", metadata: ["error": "\(error)"])
            }
            // Shutdown need not wait out the period.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }
}
