import Hummingbird
import Synchronization

/// How many requests are in flight, shared by the requests it bounds.
final class InFlightCounter: Sendable {
    private let count = Atomic<Int>(0)

    /// Counts a request in unless `limit` are in flight already; true when it was counted.
    func enter(limit: Int) -> Bool {
        if count.wrappingAdd(1, ordering: .acquiring).newValue <= limit { return true }
        count.wrappingSubtract(1, ordering: .releasing)
        return false
    }

    func leave() {
        count.wrappingSubtract(1, ordering: .releasing)
    }
}

/// Refuses requests beyond a bound on those in flight with 503 (problem+json, `Retry-After`), so
/// that a flood waits at its clients instead of in the controller's memory.
struct ConcurrencyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int
    let inFlight = InFlightCounter()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard inFlight.enter(limit: limit) else {
            return try Problem.busy("the controller is already handling \(limit) requests (serve --max-concurrent-requests); retry shortly")
                .response(from: request, context: context).retryingAfter(seconds: 1)
        }
        defer { inFlight.leave() }
        return try await next(request, context)
    }
}

extension Problem {
    static func busy(_ detail: String) -> Problem {
        Problem(.serviceUnavailable, detail: detail)
    }
}

extension Response {
    func retryingAfter(seconds: Int) -> Response {
        var response = self
        response.headers[.retryAfter] = String(seconds)
        return response
    }
}
