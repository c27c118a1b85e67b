import CoreMetrics
import Hummingbird
import Prometheus
import QonduitCore
import QonduitStorage

/// `GET /metrics`: the controller's metrics in Prometheus' text format. The network's state (key
/// paths, links, key rate, agents) is counted at each scrape; the rest is counted as it happens.
/// It needs a viewer's token (or session) unless the operator chose to open it.
struct MetricsRoutes {
    let inventory: any Inventory
    let registry: PrometheusCollectorRegistry
    let factory: any MetricsFactory
    let configuration: APIConfiguration

    func register(on router: Router<APIRequestContext>) {
        let group = router.group("/metrics")
        group.add(middleware: AccessControlMiddleware(inventory: inventory, configuration: configuration))
        group.get { request, _ in
            _ = try QueryParameters(request, allowed: [])
            record(try await inventory.census())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
    }

    private func record(_ census: NetworkCensus) {
        for (state, count) in census.keyPaths {
            Gauge(label: "qonduit_key_paths", dimensions: [("state", state.rawValue)], factory: factory).record(count)
        }
        for (status, count) in census.links {
            Gauge(label: "qonduit_links", dimensions: [("status", status.rawValue)], factory: factory).record(count)
        }
        for (agents, count) in census.agents {
            Gauge(label: "qonduit_agents", dimensions: [("kind", agents.kind), ("state", agents.state.rawValue)], factory: factory).record(count)
        }
        Gauge(label: "qonduit_key_rate_bits_per_second", factory: factory).record(census.keyRateBps)
        Gauge(label: "qonduit_reserved_key_rate_bits_per_second", factory: factory).record(census.reservedBps)
    }
}
