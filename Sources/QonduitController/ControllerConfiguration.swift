public import NIOSSL
public import Prometheus
public import QonduitAPI
public import QonduitCore
public import QonduitSouthbound

/// Everything a running controller is set up with, besides its inventory: what `qonduit serve`'s
/// options say, and what a test assembling a controller in process chooses.
public struct ControllerConfiguration: Sendable {
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
    /// Seals the credentials of devices onboarded by address (its key is the key file beside the
    /// database); nil refuses devices that need a credential.
    public var credentialSealer: CredentialSealer?
    /// What devices onboarded without a credential of their own (from a topology file) present.
    public var defaultDeviceCredential: DeviceCredential?
    /// Devices to onboard once the controller runs (those `serve --topology` files give addresses for).
    public var devicesToOnboard: [DeviceOnboardingRequest]
    /// Where the controller's metrics are kept for `GET /metrics`; give the inventory
    /// `PrometheusMetricsFactory.qonduit(metrics)` too, so that its write latency is among them.
    public var metrics: PrometheusCollectorRegistry

    public init(
        host: String = "127.0.0.1", port: Int = 8080, api: APIConfiguration = .init(), southbound: SouthboundConfiguration = .init(),
        reconcileInterval: Duration = .seconds(5), qberThreshold: Double? = 0.11, idleTimeout: Duration = .seconds(30),
        serverTLS: TLSConfiguration? = nil, agentClientTLS: TLSConfiguration? = nil, credentialSealer: CredentialSealer? = nil,
        defaultDeviceCredential: DeviceCredential? = nil, devicesToOnboard: [DeviceOnboardingRequest] = [],
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) {
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
        self.credentialSealer = credentialSealer
        self.defaultDeviceCredential = defaultDeviceCredential
        self.devicesToOnboard = devicesToOnboard
    }
}
