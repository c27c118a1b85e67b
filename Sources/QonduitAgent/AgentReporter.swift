public import Logging
import QonduitCore
import QonduitETSI

/// Registers a simulated node with the controller, then keeps reporting: a heartbeat every
/// interval, link state changes at once, and link performance and key pools every few intervals.
public struct AgentReporter: Sendable {
    public let node: SimulatedNode
    public let controller: ControllerLink
    public let restconfURL: String
    /// Performance and key-pool reports go out every this many heartbeats.
    public let reportEvery: Int
    let logger: Logger

    public init(node: SimulatedNode, controller: ControllerLink, restconfURL: String, reportEvery: Int = 5, logger: Logger) {
        self.node = node
        self.controller = controller
        self.restconfURL = restconfURL
        self.reportEvery = reportEvery
        self.logger = logger
    }

    /// Registers (retrying with backoff while the controller is away), then reports until cancelled.
    public func run() async throws {
        var answer = try await registerWithRetry()
        var restarts = await node.restarts
        var tick = 0
        // State changes seen while silent or unsent, delivered once the agent speaks again.
        var undelivered: [AgentEvent] = []
        let clock = ContinuousClock()
        var last = clock.now
        while !Task.isCancelled {
            // A heartbeat interval, cut short by a fault (a link going down, a QBER fault, is reported at once).
            let interval = Duration.milliseconds(Int(answer.heartbeatIntervalMs))
            await withTaskGroup(of: Void.self) { [node] group in
                group.addTask { try? await Task.sleep(for: interval) }
                group.addTask { await node.nextFaultChange() }
                await group.next()
                group.cancelAll()
            }
            try Task.checkCancellation()
            let now = clock.now
            let elapsed = Double((now - last).components.attoseconds) / 1e18 + Double((now - last).components.seconds)
            last = now
            tick += 1
            if await node.faults.crashed { continue }
            if await node.restarts != restarts {
                restarts = await node.restarts
                answer = try await registerWithRetry()
                continue
            }
            let step = await node.advance(seconds: elapsed)
            undelivered += step.urgent
            guard await !node.faults.silent else { continue }
            let id = await node.tree.id
            let periodic = tick % reportEvery == 0 ? step.periodic : []
            do {
                // One request per heartbeat: the heartbeat, any state change not yet delivered, and periodic figures.
                try await controller.send([.heartbeat(node: id)] + undelivered + periodic, from: id)
                undelivered.removeAll()
            } catch let refused as ControllerLink.Refused where refused.status == 404 {
                // The controller forgot this agent (a new database): register again.
                logger.notice("controller does not know this agent; registering again", metadata: ["node": "\(id)"])
                answer = try await registerWithRetry()
            } catch {
                logger.debug("report failed", metadata: ["node": "\(id)", "error": "\(error)"])
            }
        }
    }

    func registerWithRetry() async throws -> RegistrationAnswer {
        var delay = Duration.milliseconds(200)
        while true {
            do {
                let answer = try await controller.register(await node.tree, restconfURL: restconfURL)
                logger.info("registered", metadata: ["node": "\(answer.nodeID)", "heartbeat_ms": "\(answer.heartbeatIntervalMs)"])
                return answer
            } catch let refused as ControllerLink.Refused where refused.status < 500 {
                throw refused  // the controller will not take this agent: retrying cannot help
            } catch {
                logger.debug("registration failed; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
