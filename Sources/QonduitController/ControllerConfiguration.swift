public import NIOSSL
public import Prometheus
public import QonduitAPI
public import QonduitCore
public import QonduitSouthbound

/// Everything a controller is set up with: what `qonduit serve`'s options say, and what a test
/// assembling a controller in process chooses. Each default is written here once.
public struct ControllerConfiguration: Sendable {
    /// Where the inventory is kept, and how much of its logs.
    public var storage: StorageConfiguration
    /// Topology files merged into the inventory before the controller listens (`serve --topology`).
    public var topologies: [String]
    /// Where the API and the southbound listen; port 0 picks a free one.
    public var host: String
    public var port: Int
    public var api: APIConfiguration
    public var southbound: SouthboundConfiguration
    /// How often the reconciler makes every reachable agent's configuration match the inventory.
    public var reconcileInterval: Duration
    /// Links whose QBER is above this carry no new key path, and the paths over them are re-routed.
    public var qberThreshold: Double?
    /// How long a connection may sit without a request, or with one half sent.
    public var idleTimeout: Duration
    /// HTTPS for the API and the southbound, when set.
    public var serverTLS: TLSConfiguration?
    /// How the controller reaches agents' RESTCONF servers over TLS (its certificate, the CA that
    /// verifies theirs), when set.
    public var agentClientTLS: TLSConfiguration?
    /// What devices onboarded without a credential of their own (from a topology file) present.
    public var defaultDeviceCredential: DeviceCredential?
    /// Devices to onboard once the controller runs, besides those the topology files give addresses for.
    public var devicesToOnboard: [DeviceOnboardingRequest]
    /// Where the controller's metrics are kept for `GET /metrics`, the inventory's write latency among them.
    public var metrics: PrometheusCollectorRegistry

    public init(
        storage: StorageConfiguration = .init(), topologies: [String] = [], host: String = "127.0.0.1", port: Int = 8080,
        api: APIConfiguration = .init(), southbound: SouthboundConfiguration = .init(),
        reconcileInterval: Duration = .seconds(5), qberThreshold: Double? = 0.11, idleTimeout: Duration = .seconds(30),
        serverTLS: TLSConfiguration? = nil, agentClientTLS: TLSConfiguration? = nil,
        defaultDeviceCredential: DeviceCredential? = nil, devicesToOnboard: [DeviceOnboardingRequest] = [],
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) {
        self.storage = storage
        self.topologies = topologies
        self.metrics = metrics
        self.host = host
        self.port = port
        self.api = api
        self.southbound = southbound
        self.reconcileInterval = reconcileInterval
        self.qberThreshold = qberThreshold
        self.idleTimeout = idleTimeout
        self.serverTLS = serverTLS
        self.agentClientTLS = agentClientTLS
        self.defaultDeviceCredential = defaultDeviceCredential
        self.devicesToOnboard = devicesToOnboard
    }
}
