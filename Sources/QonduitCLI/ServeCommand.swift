public import ArgumentParser
import Foundation
import Hummingbird
public import Logging
import QonduitAPI
import QonduitController
import QonduitCore
import QonduitPostgres
import QonduitSouthbound

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the controller: the northbound JSON API and the node agents' southbound over its inventory (SQLite or PostgreSQL).",
        discussion: """
            Stops gracefully on SIGINT or SIGTERM. The API is described at GET /openapi.json. The first start writes an \
            admin API token beside the database, named after it (qonduit.sqlite: qonduit-admin.token), or where \
            --admin-token-file says, and never overwrites such a file; a ':memory:' run prints where its token went. \
            The inventory is an SQLite file (the default) or a PostgreSQL database (--db postgres://USER@HOST/DB; the \
            password from PGPASSWORD or --db-password-file, never the URL). Only one controller serves an SQLite file: it \
            holds an exclusive lock on DB.lock while it runs. Several may share a PostgreSQL database: one leads (it holds \
            the leader lease, --lease-ttl-ms), writes and configures nodes; the others answer reads and take over when it \
            dies; qonduit controllers list shows which leads. With --tls-cert and --tls-key both interfaces \
            are served over HTTPS; with --tls-ca too, operators' clients and agents must present a certificate that CA \
            signed, and agents' RESTCONF servers are verified against it. The operator console is served at / (sign in \
            with an API token), and Prometheus metrics at GET /metrics (a viewer's token, unless --metrics-open).
            """
    )

    // Each default is the configuration's own, written once there.
    private static let defaults = ControllerConfiguration()

    @Option(
        help: ArgumentHelp(
            "SQLite database file, created if missing; ':memory:' for a throwaway inventory; or a PostgreSQL database, "
                + "postgres://USER@HOST[:PORT]/DATABASE[?sslmode=MODE&sslrootcert=CA.pem].",
            valueName: "db"))
    var db = Self.defaults.storage.database

    @Option(
        help: ArgumentHelp(
            "Where the first start writes the admin API token (default: beside an SQLite database, named after it; "
                + "qonduit-admin.token in the working directory for PostgreSQL).", valueName: "path"))
    var adminTokenFile: String?

    @Option(
        help: ArgumentHelp(
            "The key that seals onboarded devices' credentials, written at first start (default: beside an SQLite database, "
                + "named after it; qonduit-device.key in the working directory for PostgreSQL).", valueName: "path"))
    var deviceKeyFile: String?

    @Option(
        help: ArgumentHelp("File whose first line is PostgreSQL's password (default: the PGPASSWORD environment variable).", valueName: "path"))
    var dbPasswordFile: String?

    @Option(
        help: ArgumentHelp(
            "Where the other controllers sharing the database reach this one (default: the address it listens on).", valueName: "url"))
    var advertiseURL: String?

    @Option(
        help: ArgumentHelp(
            "How long the leader lease lasts unless renewed, in milliseconds; it is renewed every tenth of that, requests to nodes "
                + "give up after a quarter of it, and the leader stops writing to nodes three tenths of it before it could expire.",
            valueName: "ms"))
    var leaseTtlMs = 10_000

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port).")
    var listen = ListenAddress(host: Self.defaults.host, port: Self.defaults.port)

    @Option(name: .customLong("topology"), help: "Topology file to import (merge) at start; may be repeated.")
    var topologies: [String] = []

    @OptionGroup var fiber: FiberModelOptions

    @OptionGroup(title: "Southbound")
    var southbound: SouthboundOptions

    @OptionGroup(title: "API limits")
    var limits: APILimitOptions

    @Option(help: "Events the log keeps for GET /api/v1/events (and qonduit events) to resume from; older ones are dropped.")
    var eventRetention = Self.defaults.storage.eventRetention

    @Option(help: "Entries the audit log keeps (the latest); older ones are dropped.")
    var auditRetention = Self.defaults.storage.auditRetention

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @OptionGroup(title: "TLS")
    var tls: TLSOptions

    func validate() throws {
        guard (1_000...600_000).contains(leaseTtlMs) else { throw ValidationError("--lease-ttl-ms must be from 1000 to 600000") }
        if let advertiseURL {
            guard let url = URLComponents(string: advertiseURL), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false,
                url.path.isEmpty || url.path == "/", url.query == nil
            else { throw ValidationError("--advertise-url must be http(s)://HOST[:PORT], the root of this controller's API, got '\(advertiseURL)'") }
        }
        if PostgresLocation.isURL(db) {
            do { _ = try PostgresLocation(url: db) } catch { throw ValidationError("--db: \(error)") }
        } else if dbPasswordFile != nil {
            throw ValidationError("--db-password-file is for a PostgreSQL database (--db postgres://…)")
        }
        guard (1...100_000_000).contains(eventRetention) else { throw ValidationError("--event-retention must be from 1 to 100000000") }
        guard (1...1_000_000_000).contains(auditRetention) else { throw ValidationError("--audit-retention must be from 1 to 1000000000") }
        _ = try fiber.model()
    }

    func run() async throws {
        var logger = Logger(label: "qonduit")
        logger.logLevel = logLevel
        let serverTLS = try tls.serverConfiguration()
        let fiberModel = try fiber.model()
        let configuration = ControllerConfiguration(
            storage: StorageConfiguration(
                database: db, eventRetention: eventRetention, auditRetention: auditRetention, adminTokenFile: adminTokenFile,
                deviceKeyFile: deviceKeyFile, passwordFile: dbPasswordFile, advertiseURL: advertiseURL,
                leaseTiming: Leadership.Timing(
                    ttl: .milliseconds(leaseTtlMs), renewEvery: .milliseconds(leaseTtlMs / 10), margin: .milliseconds(leaseTtlMs * 3 / 10))),
            topologies: topologies,
            host: listen.host, port: listen.port,
            api: limits.configuration(fiberModel: fiberModel), southbound: southbound.configuration,
            reconcileInterval: .milliseconds(southbound.reconcileIntervalMs), qberThreshold: southbound.qberThreshold,
            idleTimeout: limits.idleTimeout, serverTLS: serverTLS,
            agentClientTLS: tls.isEnabled || tls.tlsCa != nil ? try tls.clientConfiguration() : nil,
            defaultDeviceCredential: try southbound.defaultDeviceCredential()
        )
        let (host, scheme) = (listen.host, serverTLS == nil ? "http" : "https")
        let (app, storage) = try await ControllerApplication.build(configuration, logger: logger) { port in
            // A plain line on stdout, which scripts and tests read to learn an ephemeral port.
            FileHandle.standardOutput.write(Data("qonduit: listening on \(scheme)://\(ListenAddress(host: host, port: port))\n".utf8))
        }
        try await storage.closing {
            if storage.wroteAdminToken, configuration.storage.isThrowaway {
                // Nothing else tells a throwaway run's user where its token went; it is useless once the run ends.
                FileHandle.standardOutput.write(
                    Data("qonduit: admin token in \(storage.adminTokenPath) (--token-file \(storage.adminTokenPath))\n".utf8))
            }
            logger.info("inventory", metadata: ["db": "\(storage.databaseDescription)"])
            try await app.runService()
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
