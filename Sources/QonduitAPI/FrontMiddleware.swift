public import Hummingbird

/// A middleware given by whoever assembles the API (a follower forwarding writes to the leader, say),
/// as a function: the router takes it without knowing its type.
public struct FrontMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    public typealias Next = (Request, APIRequestContext) async throws -> Response

    let handler: @Sendable (Request, APIRequestContext, Next) async throws -> Response

    public init(_ handler: @escaping @Sendable (Request, APIRequestContext, Next) async throws -> Response) {
        self.handler = handler
    }

    public func handle(_ request: Request, context: APIRequestContext, next: Next) async throws -> Response {
        try await handler(request, context, next)
    }
}
