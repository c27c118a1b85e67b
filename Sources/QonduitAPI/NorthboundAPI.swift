import Foundation
public import Hummingbird
public import Prometheus
public import QonduitCore
public import QonduitProvisioning
public import QonduitStorage

/// Builds the northbound HTTP API's router: health, OpenAPI document, metrics and `/api/v1`; every
/// request counted in `metrics`.
public enum NorthboundAPI {
    /// `front` sees every request first (after metrics and problem rendering), the southbound's too if
    /// they are registered on this router: a follower sends writes on to the leader there.
    public static func router(
        inventory: any Inventory, provisioner: KeyPathProvisioner, configuration: APIConfiguration = .init(),
        onboarding: (any DeviceOnboarding)? = nil, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        front: FrontMiddleware? = nil
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        let factory = PrometheusMetricsFactory.qonduit(metrics)
        router.add(middleware: HTTPMetricsMiddleware(factory: factory))
        router.add(middleware: ProblemMiddleware())
        if let front { router.add(middleware: front) }
        router.add(middleware: MethodNotAllowedMiddleware())
        router.get("/healthz") { _, _ in
            try JSONCoding.response(["status": "ok"])
        }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json))
            )
        }
        MetricsRoutes(inventory: inventory, registry: metrics, factory: factory, configuration: configuration).register(on: router)
        let api = router.group("/api/v1")
        // Before everything else under /api/v1: only the operations its table opens are open.
        api.add(middleware: AccessControlMiddleware(inventory: inventory, configuration: configuration))
        SessionRoutes(inventory: inventory, configuration: configuration).register(on: api.group("session"))
        // Event streams last as long as their clients: they have a bound of their own, registered
        // before the group's bound on requests in flight (which applies to routes added after it).
        EventRoutes(inventory: inventory, maxStreams: configuration.maxEventStreams).register(on: api.group("events"))
        api.add(middleware: ConcurrencyLimitMiddleware(limit: configuration.maxConcurrentRequests))
        NodeRoutes(inventory: inventory, provisioner: provisioner, configuration: configuration).register(on: api.group("nodes"))
        LinkRoutes(inventory: inventory, provisioner: provisioner, configuration: configuration).register(on: api.group("links"))
        TopologyRoutes(inventory: inventory, configuration: configuration, onboarding: onboarding).register(on: api.group("topology"))
        PathRoutes(snapshots: GraphSnapshots(inventory: inventory), configuration: configuration).register(on: api.group("paths"))
        AgentRoutes(inventory: inventory, onboarding: onboarding, configuration: configuration).register(on: api.group("agents"))
        AgentCredentialRoutes(inventory: inventory, configuration: configuration).register(on: api.group("agents/credentials"))
        TokenRoutes(inventory: inventory, configuration: configuration).register(on: api.group("tokens"))
        AuditRoutes(inventory: inventory).register(on: api.group("audit"))
        ControllerRoutes(inventory: inventory).register(on: api.group("controllers"))
        KeyPathRoutes(inventory: inventory, provisioner: provisioner, configuration: configuration).register(on: api.group("key-paths"))
        return router
    }
}

extension Request {
    /// Decodes a JSON body of at most `maxBytes`.
    mutating func decodeJSON<Value: Decodable>(_ type: Value.Type, maxBytes: Int) async throws -> Value {
        let buffer = try await collectBody(upTo: maxBytes)
        if buffer.readableBytes == 0 {
            throw Problem(.badRequest, detail: "the request needs a JSON body")
        }
        return try JSONCoding.decoder().decode(type, from: Data(buffer.readableBytesView))
    }
}

extension PrometheusMetricsFactory {
    /// The factory every part of the controller records its metrics with, into `registry`: buckets
    /// sized for what Qonduit measures (milliseconds for requests and writes, tens for batches).
    public static func qonduit(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(5), .seconds(10),
        ]
        factory.valueHistogramBuckets["qonduit_provisioning_batch_size"] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
        return factory
    }
}
