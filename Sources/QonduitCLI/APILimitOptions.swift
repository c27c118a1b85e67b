import ArgumentParser
import QonduitAPI
import QonduitController
import QonduitCore

/// `serve`'s limits on the northbound API: request sizes, concurrency, connections, sessions, metrics.
struct APILimitOptions: ParsableArguments {
    // Each default is the configuration's own, written once there.
    private static let defaults = ControllerConfiguration()

    @Option(help: "Largest topology document the import endpoint accepts, in bytes.")
    var maxImportBytes = Self.defaults.api.maxImportBytes

    @Option(help: "Largest JSON request body accepted, in bytes.")
    var maxJSONBodyBytes = Self.defaults.api.maxJSONBodyBytes

    @Option(help: "Requests under /api/v1 handled at once (event streams aside); more are answered 503 with Retry-After.")
    var maxConcurrentRequests = Self.defaults.api.maxConcurrentRequests

    @Option(help: "Event streams (GET /api/v1/events) open at once; more are answered 503.")
    var maxEventStreams = Self.defaults.api.maxEventStreams

    @Option(
        help:
            "Seconds a connection may sit without a request (or with one half sent) before it is closed, so that slow clients cannot hold connections."
    )
    var idleTimeoutSeconds = Self.defaults.idleTimeout.milliseconds / 1000

    @Flag(help: "Serve GET /metrics without a token (by default Prometheus presents a viewer's token).")
    var metricsOpen = false

    @Option(help: "Longest a console session lasts, hours (its token's expiry ends it sooner).")
    var sessionHours = Self.defaults.api.sessionLifetime.milliseconds / 3_600_000

    func validate() throws {
        guard maxImportBytes > 0 else { throw ValidationError("--max-import-bytes must be positive") }
        guard (1_024...(1 << 30)).contains(maxJSONBodyBytes) else { throw ValidationError("--max-json-body-bytes must be from 1024 to 1073741824") }
        guard (1...100_000).contains(maxConcurrentRequests) else { throw ValidationError("--max-concurrent-requests must be from 1 to 100000") }
        guard (1...100_000).contains(maxEventStreams) else { throw ValidationError("--max-event-streams must be from 1 to 100000") }
        guard sessionHours >= 0.01, sessionHours <= 8760 else { throw ValidationError("--session-hours must be from 0.01 to 8760") }
        guard idleTimeoutSeconds >= 0.1, idleTimeoutSeconds <= 86_400 else {
            throw ValidationError("--idle-timeout-seconds must be from 0.1 to 86400")
        }
    }

    /// The API's configuration, with `fiberModel` for the links an import gives no rate.
    func configuration(fiberModel: FiberLinkModel) -> APIConfiguration {
        APIConfiguration(
            maxImportBytes: maxImportBytes, maxJSONBodyBytes: maxJSONBodyBytes, fiberModel: fiberModel, maxConcurrentRequests: maxConcurrentRequests,
            maxEventStreams: maxEventStreams, sessionLifetime: .milliseconds(Int64(sessionHours * 3_600_000)), metricsOpen: metricsOpen)
    }

    var idleTimeout: Duration { .milliseconds(Int64(idleTimeoutSeconds * 1000)) }
}
