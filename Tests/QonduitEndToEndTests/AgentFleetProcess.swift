import Foundation
import QonduitControllerTestSupport
import QonduitTestSupport
import Testing

/// A `qonduit agents simulate` process: one simulated agent per node, each on its own port.
final class AgentFleetProcess: Sendable {
    let process: Process
    /// Each agent's RESTCONF root by node id.
    let agents: [String: String]
    private let output: Pipe

    /// `init` on a thread of its own, as `ControllerProcess.start`.
    static func start(controller: String, count: Int, token: String? = nil, extraArguments: [String] = []) async throws -> AgentFleetProcess {
        try await offThePool { try AgentFleetProcess(controller: controller, count: count, token: token, extraArguments: extraArguments) }
    }

    /// The fleet issues its agents' credentials with `token`, by default the admin token of the controller at `controller`.
    init(controller: String, count: Int, token: String? = nil, extraArguments: [String] = []) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: QonduitBinary.path)
        process.arguments = ["agents", "simulate", "--controller", controller, "--log-level", "error"] + extraArguments
        process.currentDirectoryURL = TestFiles.workingDirectory
        process.environment = ProcessInfo.processInfo.environment.merging(["QONDUIT_TOKEN": token ?? ControllerTokens.token(for: controller) ?? ""]) {
            _, given in given
        }
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var found: [String: String] = [:]
        var buffer = Data()
        let deadline = Date().addingTimeInterval(60)
        let handle = output.fileHandleForReading
        while found.count < count && Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty {
                if !process.isRunning { throw ControllerFailed(message: "qonduit agents simulate exited with \(process.terminationStatus)") }
                continue
            }
            buffer += chunk
            for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") {
                let words = line.split(separator: " ")
                if words.count == 5, words[0] == "agent", words[2] == "listening" { found[String(words[1])] = String(words[4]) }
            }
        }
        guard found.count == count else { throw ControllerFailed(message: "only \(found.count) of \(count) agents reported their address") }
        agents = found
    }

    /// The agent's fault-injection root (its RESTCONF root without `/restconf`).
    func faults(_ node: String) -> String {
        String(agents[node]!.dropLast("/restconf".count)) + "/agent/v1"
    }

    /// Asks the fleet to stop without waiting for it (see `ControllerProcess.terminate`).
    func terminate() {
        if process.isRunning { process.terminate() }
    }

    deinit { if process.isRunning { process.terminate() } }
}
