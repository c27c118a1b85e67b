import Foundation
import Hummingbird
import QonduitCore
import QonduitStorage

/// `/api/v1/session`: the console signs in by exchanging an API token for a session cookie
/// (`HttpOnly`, `SameSite=Strict`, `Secure` over TLS), so that the token never sits in the browser.
/// Open operations (`AccessPolicy.openOperations`): the session is their credential, and each checks it itself.
struct SessionRoutes {
    let inventory: any Inventory
    let configuration: APIConfiguration

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post { request, context in
            _ = try QueryParameters(request, allowed: [])
            if let refusal = SessionCookie.crossSiteRefusal(request, secure: configuration.secureCookies) {
                await audit(
                    AuditEntry(actor: "anonymous", role: nil, action: "POST /api/v1/session", target: request.uri.path, status: 403, detail: refusal),
                    context)
                throw Problem(.forbidden, detail: refusal)
            }
            var request = request
            let body = try await request.decodeJSON(SessionCreateRequest.self, maxBytes: configuration.maxJSONBodyBytes)
            guard let token = try await inventory.authenticateAPIToken(body.token) else {
                await audit(AuditEntry(actor: "anonymous", role: nil, action: "POST /api/v1/session", target: request.uri.path, status: 401), context)
                throw Problem(.unauthorized, detail: "the API token is not valid: unknown, expired or revoked")
            }
            let (session, secret) = try await inventory.createSession(for: token, lifetime: configuration.sessionLifetime)
            await audit(
                AuditEntry(actor: token.actor, role: token.role.rawValue, action: "POST /api/v1/session", target: request.uri.path, status: 201),
                context)
            var response = JSONCoding.response(writing: SessionRepresentation(session: session), status: .created)
            let seconds = TimestampText.date(session.expiresAt).map { Int($0.timeIntervalSince(inventory.clock.now).rounded(.down)) } ?? 0
            response.setCookie(SessionCookie.set(secret.text, maxAge: max(0, seconds), secure: configuration.secureCookies))
            return response
        }
        group.get { request, context in
            _ = try QueryParameters(request, allowed: [])
            // Not being signed in is an answer, not an error: the sign-in page asks this on every visit.
            let presented = try await SessionCookie.presented(in: request, inventory: inventory)
            guard let session = presented?.session else {
                var response = JSONCoding.response(writing: SessionRepresentation(session: nil))
                // A dead session's cookie is dropped, so the browser stops sending it.
                if presented != nil { response.setCookie(SessionCookie.cleared(secure: configuration.secureCookies)) }
                return response
            }
            return JSONCoding.response(writing: SessionRepresentation(session: session))
        }
        group.delete { request, context in
            _ = try QueryParameters(request, allowed: [])
            guard case (let secret, let session?)? = try await SessionCookie.presented(in: request, inventory: inventory) else {
                return try signedOut(request, context)
            }
            let token = session.token
            if let refusal = SessionCookie.crossSiteRefusal(request, secure: configuration.secureCookies) {
                await audit(
                    AuditEntry(
                        actor: token.actor, role: token.role.rawValue, action: "DELETE /api/v1/session", target: request.uri.path, status: 403,
                        detail: refusal),
                    context)
                throw Problem(.forbidden, detail: refusal)
            }
            try await inventory.endSession(secret)
            await audit(
                AuditEntry(actor: token.actor, role: token.role.rawValue, action: "DELETE /api/v1/session", target: request.uri.path, status: 204),
                context)
            var response = Response(status: .noContent)
            response.setCookie(SessionCookie.cleared(secure: configuration.secureCookies))
            return response
        }
    }

    /// 401, and the cookie dropped: a browser holding a dead session stops sending it.
    private func signedOut(_ request: Request, _ context: APIRequestContext) throws -> Response {
        var response = try Problem(.unauthorized, detail: "not signed in: no session, or it ended, expired or its token was revoked")
            .response(from: request, context: context)
        response.setCookie(SessionCookie.cleared(secure: configuration.secureCookies))
        return response
    }

    private func audit(_ entry: AuditEntry, _ context: APIRequestContext) async {
        await inventory.appendAudit(entry, loggingFailureTo: context.logger)
    }
}

/// `POST /api/v1/session`: `{"token"}`, in the body so that it reaches no URL and no access log.
struct SessionCreateRequest: Decodable {
    var token: String

    enum CodingKeys: String, CodingKey { case token }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: ["token"])
        token = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .token)
    }
}

/// `{"signed_in": false}`, or the session: `signed_in` true, its token, role and times.
struct SessionRepresentation: JSONWritable {
    var session: APISession?

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("signed_in")
        writer.raw(session == nil ? "false" : "true")
        guard let session else { return writer.raw("}") }
        writer.comma()
        writer.key("token_id")
        writer.string(session.token.id)
        writer.comma()
        writer.key("role")
        writer.string(session.token.role.rawValue)
        writer.comma()
        writer.key("created_at")
        writer.string(session.createdAt)
        writer.comma()
        writer.key("expires_at")
        writer.string(session.expiresAt)
        writer.raw("}")
    }
}
