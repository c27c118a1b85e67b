import Hummingbird
import Logging
import QonduitCore
import QonduitStorage

/// Lets a request through only with a valid bearer token (or console session) whose role allows the
/// operation (401 and 403 problems otherwise), and appends every change, and every refusal, to the
/// audit log. The operations in `open` pass untouched: they check what they are given themselves.
struct AccessControlMiddleware: RouterMiddleware {
    let inventory: any Inventory
    /// Whether the server is HTTPS: the session cookie it clears is then `Secure`, and origins `https://`.
    let secureCookies: Bool
    /// Operations (`METHOD route`) open to anyone.
    let open: Set<String>

    /// The API's access control under `configuration`: `AccessPolicy`'s open operations, and the
    /// metrics if the operator opened them.
    init(inventory: any Inventory, configuration: APIConfiguration) {
        self.inventory = inventory
        secureCookies = configuration.secureCookies
        open = AccessPolicy.openOperations.union(configuration.metricsOpen ? ["GET /metrics"] : [])
    }

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let route = context.endpointPath ?? request.uri.path
        let action = "\(request.method.rawValue) \(route)"
        if open.contains(action) { return try await next(request, context) }
        let required = AccessPolicy.requiredRole(method: request.method.rawValue, route: route)
        let isChange = request.method != .get && request.method != .head
        // A bearer token (API clients), else the console's session cookie.
        let token: APIToken?
        var viaSession = false
        if let authorization = request.headers[.authorization] {
            token = try await bearerCredentials(authorization).asyncFlatMap { try await inventory.authenticateAPIToken($0) }
        } else if let presented = try await SessionCookie.presented(in: request, inventory: inventory) {
            token = presented.session?.token
            viaSession = true
        } else {
            token = nil
        }
        guard let token else {
            let unauthorized = Problem(
                .unauthorized,
                detail: viaSession
                    ? "not signed in: the console's session ended, expired or its token was revoked"
                    : request.headers[.authorization] == nil
                        ? "this operation needs an API token: send Authorization: Bearer TOKEN (qonduit tokens create)"
                        : "the API token is not valid: unknown, expired or revoked"
            )
            var response = try unauthorized.response(from: request, context: context)
            response.headers[.wwwAuthenticate] = #"Bearer realm="qonduit""#
            if viaSession { response.setCookie(SessionCookie.cleared(secure: secureCookies)) }
            await record(AuditEntry(actor: "anonymous", role: nil, action: action, target: request.uri.path, status: 401), context)
            return response
        }
        if viaSession, isChange, let refusal = SessionCookie.crossSiteRefusal(request, secure: secureCookies) {
            await record(
                AuditEntry(actor: token.actor, role: token.role.rawValue, action: action, target: request.uri.path, status: 403, detail: refusal),
                context)
            return try Problem(.forbidden, detail: refusal).response(from: request, context: context)
        }
        guard token.role.allows(required) else {
            let forbidden = Problem(.forbidden, detail: "\(action) needs the \(required.rawValue) role; this token has \(token.role.rawValue)")
            await record(AuditEntry(actor: token.actor, role: token.role.rawValue, action: action, target: request.uri.path, status: 403), context)
            return try forbidden.response(from: request, context: context)
        }
        var context = context
        context.caller = token
        guard isChange else { return try await next(request, context) }
        // A change: its outcome goes to the audit log, errors included (answered here as ProblemMiddleware would),
        // unless the route appended it with the change.
        let handoff = AuditHandoff(actor: token.actor, role: token.role.rawValue, action: action, target: request.uri.path)
        context.audit = handoff
        let response: Response
        var detail: String?
        do {
            response = try await next(request, context)
        } catch {
            detail = Problem(error).detail
            response = try Problem.response(for: error, request: request, context: context)
        }
        guard !handoff.wasAppended else { return response }
        await record(handoff.entry(status: Int(response.status.code), detail: detail), context)
        return response
    }

    private func record(_ entry: AuditEntry, _ context: APIRequestContext) async {
        await inventory.appendAudit(entry, loggingFailureTo: context.logger)
    }
}

extension Inventory {
    /// Appends `entry` to the audit log; a failure is logged, as the answer has been decided already.
    func appendAudit(_ entry: AuditEntry, loggingFailureTo logger: Logger) async {
        do {
            try await appendAudit(entry)
        } catch {
            logger.error("audit entry not written", metadata: ["action": "\(entry.action)", "error": "\(error)"])
        }
    }
}

extension Optional {
    fileprivate func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
