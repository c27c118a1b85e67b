public import Hummingbird
public import QonduitInventory

/// The request context of the controller's HTTP server: Hummingbird's core context, and the
/// operator's token once access control has checked it, so that handlers know who asks.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token the request was made with; nil before access control and on open routes.
    public var caller: APIToken?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// How the audit log and records name the caller: `token:ID`.
    var callerName: String? { caller?.actor }
}
