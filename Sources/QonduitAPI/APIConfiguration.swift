public import QonduitCore

/// Limits and defaults of the northbound API.
public struct APIConfiguration: Sendable {
    /// Largest topology document `POST /api/v1/topology/import` accepts.
    public var maxImportBytes: Int
    /// Largest JSON body any other endpoint accepts.
    public var maxJSONBodyBytes: Int
    /// Fiber-link model for imported links without a key rate; a request may override each parameter.
    public var fiberModel: FiberLinkModel

    public init(maxImportBytes: Int = 64 * 1024 * 1024, maxJSONBodyBytes: Int = 1024 * 1024, fiberModel: FiberLinkModel = .standard) {
        self.maxImportBytes = maxImportBytes
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.fiberModel = fiberModel
    }
}
