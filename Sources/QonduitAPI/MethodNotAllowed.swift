import Hummingbird

/// Answers 405 with `Allow` (RFC 9110) for a path the API has under another method, where the
/// router alone would answer 404: a client that got the method wrong learns so.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Each route's path segments (`{…}` matches any one segment) and the methods it takes.
    let routes: [(segments: [Substring], methods: [String])]

    /// The API's operations: the access policy's table (checked against the router by a test), its
    /// open operations, and the open routes.
    init() {
        var methods: [String: [String]] = ["/healthz": ["GET"], "/openapi.json": ["GET"]]
        for operation in Array(AccessPolicy.requiredRoles.keys) + AccessPolicy.openOperations {
            let parts = operation.split(separator: " ", maxSplits: 1)
            methods[String(parts[1]), default: []].append(String(parts[0]))
        }
        routes = methods.map { ($0.key.split(separator: "/"), $0.value.sorted()) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            guard response.status == .notFound, let allowed = otherMethods(request) else { return response }
            return try methodNotAllowed(request, context, allowed)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = otherMethods(request) else { throw error }
            return try methodNotAllowed(request, context, allowed)
        }
    }

    /// The methods the API takes at the request's path when they do not include its method (a 404
    /// under a method the path takes is the handler's own: no such id).
    private func otherMethods(_ request: Request) -> [String]? {
        guard let allowed = allowedMethods(request.uri.path), !allowed.contains(request.method.rawValue) else { return nil }
        return allowed
    }

    /// The methods the API takes at `path`, if any route matches it.
    private func allowedMethods(_ path: String) -> [String]? {
        let segments = path.split(separator: "/")
        let matching = routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { pattern, segment in pattern.hasPrefix("{") || pattern == segment }
        }
        // As the router does, a literal segment wins over a parameter: /key-paths/reoptimize is not /key-paths/{id}.
        func literals(_ route: (segments: [Substring], methods: [String])) -> Int { route.segments.count { !$0.hasPrefix("{") } }
        guard let best = matching.map(literals).max() else { return nil }
        return Array(Set(matching.filter { literals($0) == best }.flatMap(\.methods))).sorted()
    }

    private func methodNotAllowed(_ request: Request, _ context: Context, _ allowed: [String]) throws -> Response {
        var response = try Problem(.methodNotAllowed, detail: "\(request.uri.path) takes \(allowed.joined(separator: ", "))")
            .response(from: request, context: context)
        response.headers[.allow] = allowed.joined(separator: ", ")
        return response
    }
}
