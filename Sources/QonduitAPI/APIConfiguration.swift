public import QonduitCore

/// Limits and defaults of the northbound API.
public struct APIConfiguration: Sendable {
    /// Largest topology document `POST /api/v1/topology/import` accepts.
    public var maxImportBytes: Int
    /// Largest JSON body any other endpoint accepts.
    public var maxJSONBodyBytes: Int
    /// Fiber-link model for imported links without a key rate; a request may override each parameter.
    public var fiberModel: FiberLinkModel

    /// Requests under `/api/v1` in flight at once (event streams aside); more get 503.
    public var maxConcurrentRequests: Int
    /// Event streams (`GET /api/v1/events`) open at once; more get 503.
    public var maxEventStreams: Int
    /// How long a console session lasts at most (its token's expiry may end it sooner).
    public var sessionLifetime: Duration
    /// Whether the API is served over HTTPS: session cookies are then `Secure`, and origins `https://`.
    public var secureCookies: Bool
    /// Whether `GET /metrics` is served without a token (`serve --metrics-open`).
    public var metricsOpen: Bool

    public init(
        maxImportBytes: Int = 64 * 1024 * 1024, maxJSONBodyBytes: Int = 1024 * 1024, fiberModel: FiberLinkModel = .standard,
        maxConcurrentRequests: Int = 512, maxEventStreams: Int = 64, sessionLifetime: Duration = .seconds(12 * 3600),
        secureCookies: Bool = false, metricsOpen: Bool = false
    ) {
        self.metricsOpen = metricsOpen
        self.sessionLifetime = sessionLifetime
        self.secureCookies = secureCookies
        self.maxImportBytes = maxImportBytes
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.fiberModel = fiberModel
        self.maxConcurrentRequests = maxConcurrentRequests
        self.maxEventStreams = maxEventStreams
    }
}
