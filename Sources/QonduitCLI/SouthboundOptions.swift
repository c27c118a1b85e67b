import ArgumentParser
import QonduitController
import QonduitCore
import QonduitSouthbound

/// `serve`'s southbound: agents' heartbeats and onboarding, devices' credential, reconciliation, QBER.
struct SouthboundOptions: ParsableArguments {
    // Each default is the configuration's own, written once there.
    private static let defaults = ControllerConfiguration()

    @Option(help: "How often node agents must send a heartbeat, milliseconds.")
    var heartbeatIntervalMs = Self.defaults.southbound.heartbeatIntervalMs

    @Option(help: "Heartbeats an agent may miss before its node is marked unreachable.")
    var missedHeartbeats = Self.defaults.southbound.missedHeartbeats

    @Flag(help: "Create a node for an agent whose qkdn_id the inventory does not know (otherwise it is refused).")
    var autoOnboard = false

    @Option(help: "A file holding the bearer token that devices named in topology files (device-url) are onboarded with.")
    var deviceBearerFile: String?

    @Option(help: "How often the reconciler makes every reachable agent's configuration match the inventory, milliseconds.")
    var reconcileIntervalMs = Int(Self.defaults.reconcileInterval.milliseconds)

    @Option(help: "A link whose QBER is above this carries no new key path, and the key paths over it are re-routed.")
    var qberThreshold = Self.defaults.qberThreshold ?? 0.11

    func validate() throws {
        guard (10...3_600_000).contains(heartbeatIntervalMs) else { throw ValidationError("--heartbeat-interval-ms must be from 10 to 3600000") }
        guard (1...1_000).contains(missedHeartbeats) else { throw ValidationError("--missed-heartbeats must be from 1 to 1000") }
        guard (10...3_600_000).contains(reconcileIntervalMs) else { throw ValidationError("--reconcile-interval-ms must be from 10 to 3600000") }
        guard qberThreshold > 0, qberThreshold <= 0.5 else { throw ValidationError("--qber-threshold must be more than 0 and at most 0.5") }
        if let deviceBearerFile { _ = try AgentsCommand.Add.secret(deviceBearerFile, flag: "--device-bearer-file") }
    }

    var configuration: SouthboundConfiguration {
        SouthboundConfiguration(heartbeatIntervalMs: heartbeatIntervalMs, missedHeartbeats: missedHeartbeats, autoOnboard: autoOnboard)
    }

    /// What devices named in topology files present, read from `--device-bearer-file`.
    func defaultDeviceCredential() throws -> DeviceCredential? {
        try deviceBearerFile.map { .bearer(try AgentsCommand.Add.secret($0, flag: "--device-bearer-file")) }
    }
}
