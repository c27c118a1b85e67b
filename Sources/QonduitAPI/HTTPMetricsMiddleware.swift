import CoreMetrics
import Hummingbird
import Metrics
import Synchronization

/// Counts every HTTP request by route (as the router spells it, so that ids do not make a series each),
/// method and status, with its latency to the response's head: `qonduit_http_requests_total` and
/// `qonduit_http_request_duration_seconds`.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let series: HTTPSeries

    init(factory: any MetricsFactory) {
        series = HTTPSeries(factory: factory)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            series.record(route, request.method, response.status.code, ContinuousClock.now - started)
            return response
        } catch {
            series.record(route, request.method, (error as? any HTTPResponseError)?.status.code ?? 500, ContinuousClock.now - started)
            throw error
        }
    }
}

/// Each route, method and status's counter and timer, made once: making them asks the registry,
/// which takes a lock and builds the series' name, on every request otherwise.
final class HTTPSeries: Sendable {
    private struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let factory: any MetricsFactory
    private let made = Mutex<[Key: (Counter, Metrics.Timer)]>([:])

    init(factory: any MetricsFactory) { self.factory = factory }

    /// Methods that get a series each; any other (a client may send any token) is `other`, so that
    /// clients cannot make series without bound.
    private static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    func record(_ route: String, _ requestMethod: HTTPRequest.Method, _ status: Int, _ duration: Duration) {
        let method = Self.methods.contains(requestMethod.rawValue) ? requestMethod.rawValue : "other"
        let key = Key(route: route, method: method, status: status)
        let (counter, timer) =
            made.withLock { $0[key] }
            ?? {
                let dimensions = [("route", route), ("method", method), ("status", String(status))]
                let pair = (
                    Counter(label: "qonduit_http_requests_total", dimensions: dimensions, factory: factory),
                    Metrics.Timer(label: "qonduit_http_request_duration_seconds", dimensions: dimensions, factory: factory)
                )
                made.withLock { $0[key] = pair }
                return pair
            }()
        counter.increment()
        timer.record(duration: duration)
    }
}
