import AsyncHTTPClient
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import Prometheus
import QonduitAPI
import QonduitCore
import QonduitProvisioning
import QonduitSouthbound
import QonduitStorage

/// The whole controller over an inventory: northbound API, southbound, and the services that keep
/// the network in line (agent liveness, reconciliation, key-path repair). `qonduit serve` runs it;
/// tests assemble the same application in process.
public enum ControllerApplication {
    /// The controller `configuration` describes, ready to `runService()`, and the storage it opened
    /// (with its first-start policy applied: lock, log retention, first admin token, device key),
    /// which the caller keeps open while the application runs. Before it listens, once its services
    /// run (so that SIGTERM stops it cleanly), it imports the topology files, and finishes configuring
    /// the key paths a controller stopped mid-provisioning left reserved; the devices the files give
    /// addresses for are onboarded once it runs. `onServerRunning` is given the port it listens on.
    /// The application owns every client it makes and shuts each down after the services that use it.
    public static func build(
        _ configuration: ControllerConfiguration, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> (application: some ApplicationProtocol, storage: ControllerStorage) {
        let storage = try await ControllerStorage.open(configuration.storage, metrics: configuration.metrics, logger: logger)
        let leadership = storage.leadership
        let scheme = configuration.serverTLS == nil ? "http" : "https"
        let application = try await assemble(
            inventory: storage.inventory, credentialSealer: storage.credentialSealer, leadership: leadership, configuration: configuration,
            logger: logger,
            onServerRunning: { port in
                if configuration.storage.advertiseURL == nil {
                    leadership.advertise(advertisedURL(scheme: scheme, host: configuration.host, port: port))
                }
                await onServerRunning(port)
            })
        return (application, storage)
    }

    /// Where others reach a controller listening on `host`: a wildcard address is no address, so the
    /// machine's name stands for it (`serve --advertise-url` says otherwise).
    static func advertisedURL(scheme: String, host: String, port: Int) -> String {
        let name = ["0.0.0.0", "::", ""].contains(host) ? ProcessInfo.processInfo.hostName : host
        return "\(scheme)://\(name.contains(":") ? "[\(name)]" : name):\(port)"
    }

    private static func assemble(
        inventory: any Inventory, credentialSealer: CredentialSealer, leadership: Leadership, configuration: ControllerConfiguration, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) async throws -> some ApplicationProtocol {
        // A response being written (an event stream, say) is not idle; a half-sent request is.
        let http1: HTTPServerBuilder = .http1(
            configuration: .init(idleTimeout: .milliseconds(Int64(configuration.idleTimeout.milliseconds.rounded(.down)))))
        let server = try configuration.serverTLS.map { try .tls(http1, tlsConfiguration: $0) } ?? http1
        // The controller authenticates to each agent with the proof of its node's credential, and over
        // TLS with its own certificate, verifying the agent's against the CA. Agents that are down
        // refuse connections: a short connect timeout keeps the reconciler and re-synchronisation moving.
        let agentClient = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(tlsConfiguration: configuration.agentClientTLS, timeout: .init(connect: .seconds(2), read: .seconds(10))))
        let nodeTimeout = leadership.nodeRequestTimeout(longest: .seconds(10))
        let restconf = AgentRESTCONFClient(
            inventory: inventory, sealer: credentialSealer, client: agentClient, timeout: .milliseconds(Int64(nodeTimeout.milliseconds)),
            fence: leadership)
        let metrics = PrometheusMetricsFactory.qonduit(configuration.metrics)
        let southboundMetrics = SouthboundMetrics(factory: metrics)
        let provisioner = KeyPathProvisioner(
            inventory: inventory, configurator: RESTCONFNodeConfigurator(inventory: inventory, restconf: restconf), logger: logger,
            qberThreshold: configuration.qberThreshold, metrics: ProvisioningMetrics(factory: metrics)
        )
        let onboarder = DeviceOnboarder(
            inventory: inventory, restconf: restconf, sealer: credentialSealer,
            defaultCredential: configuration.defaultDeviceCredential, logger: logger)
        var api = configuration.api
        // Over HTTPS the session cookie is always Secure; without, the caller's choice stands (a proxy may terminate TLS).
        if configuration.serverTLS != nil { api.secureCookies = true }
        // A follower sends writes on to the leader, with the identity it shows agents (over TLS, its certificate).
        let peerClient = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(tlsConfiguration: configuration.agentClientTLS, timeout: .init(connect: .seconds(2), read: .seconds(120))))
        let router = NorthboundAPI.router(
            inventory: inventory, provisioner: provisioner, configuration: api, onboarding: onboarder, metrics: configuration.metrics,
            front: LeaderForwardingMiddleware(leadership: leadership, client: peerClient, maxBodyBytes: max(api.maxImportBytes, api.maxJSONBodyBytes))
                .front)
        OperatorConsole.register(on: router)
        SouthboundAPI.register(
            on: router, inventory: inventory, configuration: configuration.southbound, restconf: restconf, metrics: southboundMetrics)
        var app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "qonduit"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
        let (onboarding, toOnboard) = AsyncStream.makeStream(of: [DeviceOnboardingRequest].self)
        app.beforeServerStarts {
            defer { toOnboard.finish() }
            // What a start writes is the leader's to write; a follower leaves it to the leader.
            guard leadership.isLeading else {
                if !configuration.topologies.isEmpty { logger.notice("following: the leader imports the topology files") }
                return
            }
            let devices = try await StartupTopologies.importAll(
                configuration.topologies, into: inventory, fiberModel: configuration.api.fiberModel, logger: logger)
            toOnboard.yield(configuration.devicesToOnboard + devices)
            // A device that refused PUT before is tried with it again: it may have been upgraded meanwhile.
            try await inventory.resetWriteMethods()
        }
        // The lease is renewed until every other service has stopped, and given up then.
        app.addServices(leadership)
        // Added before the services that use the client, so that it is shut down after them.
        app.addServices(HTTPClientShutdown(client: agentClient), HTTPClientShutdown(client: peerClient))
        // Only the leader polls, follows streams, reconciles, repairs and configures nodes.
        app.addServices(
            LeaderOnly(AgentLivenessMonitor(inventory: inventory, configuration: configuration.southbound, logger: logger), leadership: leadership),
            LeaderOnly(
                AgentReconciler(
                    inventory: inventory, restconf: restconf, period: configuration.reconcileInterval, logger: logger,
                    inFlight: provisioner.inFlight, metrics: southboundMetrics
                ), leadership: leadership),
            LeaderOnly(KeyPathRepairService(provisioner: provisioner, minimumInterval: .milliseconds(50)), leadership: leadership),
            LeaderOnly(DevicePoller(inventory: inventory, restconf: restconf, logger: logger), leadership: leadership),
            LeaderOnly(
                DeviceStreamFollower(inventory: inventory, restconf: restconf, logger: logger, metrics: southboundMetrics), leadership: leadership),
            LeaderOnly(StartupOnboarding(onboarder: onboarder, inventory: inventory, requests: onboarding, logger: logger), leadership: leadership),
            // A controller stopped (or deposed) mid-provisioning left its reservations in the database:
            // whoever leads next finishes configuring them.
            LeaderOnly(PendingKeyPathResumption(provisioner: provisioner), leadership: leadership)
        )
        return app
    }
}
