import CoreMetrics
import Hummingbird
import Metrics

/// Counts every HTTP request by route (as the router spells it, so that ids do not make a series each),
/// method and status, with its latency to the response's head: `qonduit_http_requests_total` and
/// `qonduit_http_request_duration_seconds`.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            record(route, request.method, response.status.code, since: started)
            return response
        } catch {
            record(route, request.method, (error as? any HTTPResponseError)?.status.code ?? 500, since: started)
            throw error
        }
    }

    private func record(_ route: String, _ method: HTTPRequest.Method, _ status: Int, since started: ContinuousClock.Instant) {
        let dimensions = [("route", route), ("method", method.rawValue), ("status", String(status))]
        Counter(label: "qonduit_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "qonduit_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            .record(duration: ContinuousClock.now - started)
    }
}
