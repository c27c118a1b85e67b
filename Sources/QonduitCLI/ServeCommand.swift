public import ArgumentParser
import Foundation
import Hummingbird
public import Logging
import Prometheus
import QonduitAPI
import QonduitController
import QonduitCore
import QonduitInventory
import QonduitSouthbound
import QonduitTopology

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

    @Option(help: "SQLite database file, created if missing; ':memory:' for a throwaway inventory.")
    var db = "qonduit.sqlite"

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port).")
    var listen = ListenAddress(host: "127.0.0.1", port: 8080)

    @Option(name: .customLong("topology"), help: "Topology file to import (merge) at start; may be repeated.")
    var topologies: [String] = []

    @Option(help: "Largest topology document the import endpoint accepts, in bytes.")
    var maxImportBytes = 64 * 1024 * 1024

    @OptionGroup var fiber: FiberModelOptions

    @Option(help: "How often node agents must send a heartbeat, milliseconds.")
    var heartbeatIntervalMs = 5_000

    @Option(help: "Heartbeats an agent may miss before its node is marked unreachable.")
    var missedHeartbeats = 3

    @Flag(help: "Create a node for an agent whose qkdn_id the inventory does not know (otherwise it is refused).")
    var autoOnboard = false

    @Option(help: "A file holding the bearer token that devices named in topology files (device-url) are onboarded with.")
    var deviceBearerFile: String?

    @Option(help: "How often the reconciler makes every reachable agent's configuration match the inventory, milliseconds.")
    var reconcileIntervalMs = 5_000

    @Option(help: "A link whose QBER is above this carries no new key path, and the key paths over it are re-routed.")
    var qberThreshold = 0.11

    @Option(help: "Largest JSON request body accepted, in bytes.")
    var maxJSONBodyBytes = 1024 * 1024

    @Option(help: "Requests under /api/v1 handled at once (event streams aside); more are answered 503 with Retry-After.")
    var maxConcurrentRequests = 512

    @Option(help: "Event streams (GET /api/v1/events) open at once; more are answered 503.")
    var maxEventStreams = 64

    @Option(
        help:
            "Seconds a connection may sit without a request (or with one half sent) before it is closed, so that slow clients cannot hold connections."
    )
    var idleTimeoutSeconds = 30.0

    @Option(help: "Events the log keeps for GET /api/v1/events (and qonduit events) to resume from; older ones are dropped.")
    var eventRetention = Inventory.defaultEventRetention

    @Option(help: "Entries the audit log keeps (the latest); older ones are dropped.")
    var auditRetention = Inventory.defaultAuditRetention

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Flag(help: "Serve GET /metrics without a token (by default Prometheus presents a viewer's token).")
    var metricsOpen = false

    @Option(help: "Longest a console session lasts, hours (its token's expiry ends it sooner).")
    var sessionHours = 12.0

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
        // A new database beside an earlier one's token file is refused before anything is created.
        let tokenPath = Self.adminTokenPath(forDatabase: db)
        if db != ":memory:", !FileManager.default.fileExists(atPath: db), FileManager.default.fileExists(atPath: tokenPath) {
            throw Self.staleTokenFile(tokenPath, db: db)
        }
        // Held until the process ends: one controller per database.
        let lock = db == ":memory:" ? nil : try DatabaseLock(database: db)
        defer { withExtendedLifetime(lock) {} }
        let metrics = PrometheusCollectorRegistry()
        let inventory: Inventory
        do {
            inventory = try Inventory(path: db, metrics: PrometheusMetricsFactory.qonduit(metrics))
        } catch {
            throw CLIError("cannot open the inventory database '\(db)': \(error)")
        }
        try await inventory.setEventRetention(eventRetention)
        try await inventory.setAuditRetention(auditRetention)
        if try await Self.writeFirstAdminToken(inventory: inventory, db: db, to: tokenPath, logger: logger), db == ":memory:" {
            // Nothing else tells a throwaway run's user where its token went; it is useless once the run ends.
            FileHandle.standardOutput.write(Data("qonduit: admin token in \(tokenPath) (--token-file \(tokenPath))\n".utf8))
        }
        defer { if db == ":memory:" { try? FileManager.default.removeItem(atPath: tokenPath) } }
        let sealer = try Self.credentialSealer(forDatabase: db, logger: logger)
        let deviceCredential = try deviceBearerFile.map { DeviceCredential.bearer(try AgentsCommand.Add.secret($0, flag: "--device-bearer-file")) }
        let fiberModel = try fiber.model()
        var devices: [DeviceOnboardingRequest] = []
        for file in topologies {
            let (summary, named) = try await TopologyFiles.importFile(file, into: inventory, mode: .merge, fiberModel: fiberModel)
            devices += named.compactMap { device in
                (try? NodeID(device.node)).map { DeviceOnboardingRequest(node: $0, url: device.url, usesDefaultCredential: true) }
            }
            logger.info(
                "imported topology",
                metadata: [
                    "file": "\(file)", "nodes.created": "\(summary.nodes.created)", "links.created": "\(summary.links.created)",
                    "nodes.updated": "\(summary.nodes.updated)", "links.updated": "\(summary.links.updated)",
                ])
            for warning in summary.warnings { logger.warning("\(warning.formatted(file: file))") }
        }
        let serverTLS = try tls.serverConfiguration()
        let scheme = serverTLS == nil ? "http" : "https"
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
            credentialSealer: sealer, defaultDeviceCredential: deviceCredential, devicesToOnboard: devices, metrics: metrics
        )
        let host = listen.host
        let app = try await ControllerApplication.build(inventory: inventory, configuration: configuration, logger: logger) { port in
            // A plain line on stdout, which scripts and tests read to learn an ephemeral port.
            let address = ListenAddress(host: host, port: port)
            FileHandle.standardOutput.write(Data("qonduit: listening on \(scheme)://\(address)\n".utf8))
        }
        logger.info("inventory", metadata: ["db": "\(db)"])
        try await app.runService()
    }
}

extension ServeCommand {
    /// Where the first admin token of database `db` goes: beside it, named after it
    /// (`qonduit.sqlite` → `qonduit-admin.token`), so that controllers of two databases in one
    /// directory never share a file. A throwaway (':memory:') inventory's goes to a file of its own
    /// in the temporary directory, which no other controller can name.
    static func adminTokenPath(forDatabase db: String) -> String {
        guard db != ":memory:" else {
            let unique = "\(getpid())-\(UInt32.random(in: .min ... .max))"
            return FileManager.default.temporaryDirectory.appendingPathComponent("qonduit-memory-\(unique)-admin.token").path
        }
        let database = URL(fileURLWithPath: db)
        let stem = database.deletingPathExtension().lastPathComponent
        return database.deletingLastPathComponent().appendingPathComponent("\(stem)-admin.token").path
    }

    /// Where the key that seals device credentials goes: beside the database, named after it
    /// (`qonduit.sqlite` → `qonduit-device.key`).
    static func deviceKeyPath(forDatabase db: String) -> String {
        let database = URL(fileURLWithPath: db)
        let stem = database.deletingPathExtension().lastPathComponent
        return database.deletingLastPathComponent().appendingPathComponent("\(stem)-device.key").path
    }

    /// The sealer of device credentials: its key read from the key file, or written there, readable by
    /// the owner alone, at first start. A throwaway (':memory:') inventory's key lives as long as it does.
    static func credentialSealer(forDatabase db: String, logger: Logger) throws -> CredentialSealer {
        guard db != ":memory:" else { return CredentialSealer(key: CredentialSealer.newKey())! }
        let path = deviceKeyPath(forDatabase: db)
        if !FileManager.default.fileExists(atPath: path) {
            let key = CredentialSealer.newKey().map { String(format: "%02x", $0) }.joined()
            do {
                try SecretFile.write(key + "\n", to: path, exclusive: true)
                logger.notice("first start: device credential key written", metadata: ["file": "\(path)"])
            } catch {
                if !FileManager.default.fileExists(atPath: path) { throw CLIError("cannot write the device credential key to '\(path)': \(error)") }
            }
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError("cannot read the device credential key '\(path)'")
        }
        let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), let byte = UInt8(hex[index..<next], radix: 16)
        {
            bytes.append(byte)
            index = next
        }
        guard index == hex.endIndex, let sealer = CredentialSealer(key: bytes) else {
            throw CLIError("'\(path)' is not a device credential key (64 hexadecimal digits); restore it from a backup")
        }
        return sealer
    }

    static func staleTokenFile(_ path: String, db: String) -> CLIError {
        CLIError(
            "'\(path)' already exists and '\(db)' is a new database: the file holds the admin token of an earlier "
                + "database and is not overwritten; move or remove it, or serve the database it belongs to")
    }

    /// On a fresh inventory, creates the first admin token and writes it, readable by the owner
    /// alone, to `path`. An existing file there is never overwritten: it holds the admin token of an
    /// earlier database, and the start is refused (no token is stored then). Returns whether it wrote.
    static func writeFirstAdminToken(inventory: Inventory, db: String, to path: String, logger: Logger) async throws -> Bool {
        let written = try await inventory.createFirstAdminToken { _, secret in
            do {
                try SecretFile.write(secret.text + "\n", to: path, exclusive: true)
            } catch {
                if FileManager.default.fileExists(atPath: path) { throw staleTokenFile(path, db: db) }
                throw CLIError("cannot write the first admin token to '\(path)': \(error)")
            }
        }
        guard let written else { return false }
        logger.notice("first start: admin token written", metadata: ["file": "\(path)", "token_id": "\(written.id)"])
        return true
    }
}

/// `HOST:PORT`, with IPv6 hosts in brackets.
struct ListenAddress: ExpressibleByArgument, CustomStringConvertible, Sendable {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        let hostPart: Substring
        let portPart: Substring
        if argument.hasPrefix("["), let close = argument.firstIndex(of: "]") {
            hostPart = argument[argument.index(after: argument.startIndex)..<close]
            let rest = argument[argument.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = argument.lastIndex(of: ":") else { return nil }
            hostPart = argument[..<colon]
            portPart = argument[argument.index(after: colon)...]
        }
        guard !hostPart.isEmpty, let port = Int(portPart), (0...65535).contains(port) else { return nil }
        host = String(hostPart)
        self.port = port
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// As written on the command line, `--help`'s default included.
    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    var defaultValueDescription: String { description }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
