import Hummingbird
import Logging
import QonduitCore
import QonduitInventory

/// Lets a request through only with a valid bearer token whose role allows the operation (401 and
/// 403 problems otherwise), and appends every change, and every refusal, to the audit log.
struct AccessControlMiddleware: RouterMiddleware {
    let inventory: Inventory

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let route = context.endpointPath ?? request.uri.path
        let required = AccessPolicy.requiredRole(method: request.method.rawValue, route: route)
        let action = "\(request.method.rawValue) \(route)"
        guard let presented = bearerCredentials(request.headers[.authorization]), let token = try await inventory.authenticateAPIToken(presented)
        else {
            let unauthorized = Problem(
                .unauthorized,
                detail: request.headers[.authorization] == nil
                    ? "this operation needs an API token: send Authorization: Bearer TOKEN (qonduit tokens create)"
                    : "the API token is not valid: unknown, expired or revoked"
            )
            var response = try unauthorized.response(from: request, context: context)
            response.headers[.wwwAuthenticate] = #"Bearer realm="qonduit""#
            await record(AuditEntry(actor: "anonymous", role: nil, action: action, target: request.uri.path, status: 401), context)
            return response
        }
        guard token.role.allows(required) else {
            let forbidden = Problem(.forbidden, detail: "\(action) needs the \(required.rawValue) role; this token has \(token.role.rawValue)")
            await record(AuditEntry(actor: token.actor, role: token.role.rawValue, action: action, target: request.uri.path, status: 403), context)
            return try forbidden.response(from: request, context: context)
        }
        var context = context
        context.caller = token
        guard request.method != .get && request.method != .head else { return try await next(request, context) }
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
        do {
            try await inventory.appendAudit(entry)
        } catch {
            context.logger.error("audit entry not written", metadata: ["action": "\(entry.action)", "error": "\(error)"])
        }
    }
}
