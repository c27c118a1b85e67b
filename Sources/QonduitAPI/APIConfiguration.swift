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

    public init(
        maxImportBytes: Int = 64 * 1024 * 1024, maxJSONBodyBytes: Int = 1024 * 1024, fiberModel: FiberLinkModel = .standard,
        maxConcurrentRequests: Int = 512, maxEventStreams: Int = 64
    ) {
        self.maxImportBytes = maxImportBytes
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.fiberModel = fiberModel
        self.maxConcurrentRequests = maxConcurrentRequests
        self.maxEventStreams = maxEventStreams
    }
}
