public import ArgumentParser
import Foundation
import Hummingbird
public import Logging
import Prometheus
import QonduitAPI
import QonduitController
import QonduitCore
import QonduitSouthbound

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the controller: the northbound JSON API and the node agents' southbound over the SQLite inventory.",
        discussion: """
            Stops gracefully on SIGINT or SIGTERM. The API is described at GET /openapi.json. The first start writes an \
            admin API token beside the database, named after it (qonduit.sqlite: qonduit-admin.token), and never \
            overwrites such a file; a ':memory:' run prints where its token went. Only one controller may serve a \
            database at a time: it holds an exclusive lock on DB.lock while it runs. With --tls-cert and --tls-key both interfaces \
            are served over HTTPS; with --tls-ca too, operators' clients and agents must present a certificate that CA \
            signed, and agents' RESTCONF servers are verified against it. The operator console is served at / (sign in \
            with an API token), and Prometheus metrics at GET /metrics (a viewer's token, unless --metrics-open).
            """
    )

    // Each default is the configuration's own, written once there.
    private static let defaults = ControllerConfiguration()
    private static let storageDefaults = StorageConfiguration()

    @Option(help: "SQLite database file, created if missing; ':memory:' for a throwaway inventory.")
    var db = Self.storageDefaults.database

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port).")
    var listen = ListenAddress(host: "127.0.0.1", port: 8080)

    @Option(name: .customLong("topology"), help: "Topology file to import (merge) at start; may be repeated.")
    var topologies: [String] = []

    @Option(help: "Largest topology document the import endpoint accepts, in bytes.")
    var maxImportBytes = Self.defaults.api.maxImportBytes

    @OptionGroup var fiber: FiberModelOptions

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

    @Option(help: "Largest JSON request body accepted, in bytes.")
    var maxJSONBodyBytes = Self.defaults.api.maxJSONBodyBytes

    @Option(help: "Requests under /api/v1 handled at once (event streams aside); more are answered 503 with Retry-After.")
    var maxConcurrentRequests = Self.defaults.api.maxConcurrentRequests

    @Option(help: "Event streams (GET /api/v1/events) open at once; more are answered 503.")
    var maxEventStreams = Self.defaults.api.maxEventStreams

    @Option(
        help:
            "Seconds a connection may sit without a request (or with one half sent) before it is closed, so that slow clients cannot hold connections."
    )
    var idleTimeoutSeconds = Self.defaults.idleTimeout.milliseconds / 1000

    @Option(help: "Events the log keeps for GET /api/v1/events (and qonduit events) to resume from; older ones are dropped.")
    var eventRetention = Self.storageDefaults.eventRetention

    @Option(help: "Entries the audit log keeps (the latest); older ones are dropped.")
    var auditRetention = Self.storageDefaults.auditRetention

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Flag(help: "Serve GET /metrics without a token (by default Prometheus presents a viewer's token).")
    var metricsOpen = false

    @Option(help: "Longest a console session lasts, hours (its token's expiry ends it sooner).")
    var sessionHours = Self.defaults.api.sessionLifetime.milliseconds / 3_600_000

    @OptionGroup(title: "TLS")
    var tls: TLSOptions

    func validate() throws {
        guard maxImportBytes > 0 else { throw ValidationError("--max-import-bytes must be positive") }
        guard (10...3_600_000).contains(heartbeatIntervalMs) else { throw ValidationError("--heartbeat-interval-ms must be from 10 to 3600000") }
        guard (1...1_000).contains(missedHeartbeats) else { throw ValidationError("--missed-heartbeats must be from 1 to 1000") }
        guard (10...3_600_000).contains(reconcileIntervalMs) else { throw ValidationError("--reconcile-interval-ms must be from 10 to 3600000") }
        guard qberThreshold > 0, qberThreshold <= 0.5 else { throw ValidationError("--qber-threshold must be more than 0 and at most 0.5") }
        guard (1_024...(1 << 30)).contains(maxJSONBodyBytes) else { throw ValidationError("--max-json-body-bytes must be from 1024 to 1073741824") }
        guard (1...100_000).contains(maxConcurrentRequests) else { throw ValidationError("--max-concurrent-requests must be from 1 to 100000") }
        guard (1...100_000).contains(maxEventStreams) else { throw ValidationError("--max-event-streams must be from 1 to 100000") }
        guard idleTimeoutSeconds >= 0.1, idleTimeoutSeconds <= 86_400 else {
            throw ValidationError("--idle-timeout-seconds must be from 0.1 to 86400")
        }
        guard (1...100_000_000).contains(eventRetention) else { throw ValidationError("--event-retention must be from 1 to 100000000") }
        guard (1...1_000_000_000).contains(auditRetention) else { throw ValidationError("--audit-retention must be from 1 to 1000000000") }
        guard sessionHours >= 0.01, sessionHours <= 8760 else { throw ValidationError("--session-hours must be from 0.01 to 8760") }
        _ = try fiber.model()
        if let deviceBearerFile { _ = try AgentsCommand.Add.secret(deviceBearerFile, flag: "--device-bearer-file") }
    }

    func run() async throws {
        var logger = Logger(label: "qonduit")
        logger.logLevel = logLevel
        let metrics = PrometheusCollectorRegistry()
        let storage = try await ControllerStorage.open(
            StorageConfiguration(database: db, eventRetention: eventRetention, auditRetention: auditRetention), metrics: metrics, logger: logger)
        defer { storage.close() }
        if storage.wroteAdminToken, db == ":memory:" {
            // Nothing else tells a throwaway run's user where its token went; it is useless once the run ends.
            let path = storage.adminTokenPath
            FileHandle.standardOutput.write(Data("qonduit: admin token in \(path) (--token-file \(path))\n".utf8))
        }
        let fiberModel = try fiber.model()
        let devices = try await StartupTopologies.importAll(topologies, into: storage.inventory, fiberModel: fiberModel, logger: logger)
        let serverTLS = try tls.serverConfiguration()
        let configuration = ControllerConfiguration(
            host: listen.host, port: listen.port,
            api: APIConfiguration(
                maxImportBytes: maxImportBytes, maxJSONBodyBytes: maxJSONBodyBytes, fiberModel: fiberModel,
                maxConcurrentRequests: maxConcurrentRequests, maxEventStreams: maxEventStreams,
                sessionLifetime: .milliseconds(Int64(sessionHours * 3_600_000)), metricsOpen: metricsOpen
            ),
            southbound: SouthboundConfiguration(
                heartbeatIntervalMs: heartbeatIntervalMs, missedHeartbeats: missedHeartbeats, autoOnboard: autoOnboard
            ),
            reconcileInterval: .milliseconds(reconcileIntervalMs), qberThreshold: qberThreshold,
            idleTimeout: .milliseconds(Int64(idleTimeoutSeconds * 1000)),
            serverTLS: serverTLS, agentClientTLS: tls.isEnabled || tls.tlsCa != nil ? try tls.clientConfiguration() : nil,
            credentialSealer: storage.credentialSealer,
            defaultDeviceCredential: try deviceBearerFile.map { .bearer(try AgentsCommand.Add.secret($0, flag: "--device-bearer-file")) },
            devicesToOnboard: devices, metrics: metrics
        )
        let (host, scheme) = (listen.host, serverTLS == nil ? "http" : "https")
        let app = try await ControllerApplication.build(inventory: storage.inventory, configuration: configuration, logger: logger) { port in
            // A plain line on stdout, which scripts and tests read to learn an ephemeral port.
            FileHandle.standardOutput.write(Data("qonduit: listening on \(scheme)://\(ListenAddress(host: host, port: port))\n".utf8))
        }
        logger.info("inventory", metadata: ["db": "\(db)"])
        try await app.runService()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
