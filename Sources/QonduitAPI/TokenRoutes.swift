import Foundation
import Hummingbird
import QonduitCore
import QonduitStorage

/// `/api/v1/tokens` (admin): create, list and revoke operators' API tokens.
struct TokenRoutes {
    let inventory: any Inventory
    let configuration: APIConfiguration

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get { request, _ in
            _ = try QueryParameters(request, allowed: [])
            let tokens = try await inventory.apiTokens()
            return JSONCoding.response(writing: ListRepresentation(items: tokens.map { TokenRepresentation(token: $0) }, total: tokens.count))
        }
        group.post { request, context in
            _ = try QueryParameters(request, allowed: [])
            var request = request
            let body = try await request.decodeJSON(TokenCreateRequest.self, maxBytes: configuration.maxJSONBodyBytes)
            let (role, expiresAt) = try body.checked(now: inventory.clock.now)
            let (token, secret) = try await inventory.createAPIToken(
                role: role, description: body.description, expiresAt: expiresAt, createdBy: context.callerName
            )
            var response = JSONCoding.response(writing: TokenRepresentation(token: token, secret: secret), status: .created)
            response.headers[.location] = "/api/v1/tokens/\(token.id)"
            return response
        }
        group.delete("{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            _ = try await inventory.revokeAPIToken(try context.parameters.require("id"))
            return Response(status: .noContent)
        }
    }
}

/// `POST /api/v1/tokens`: `{"role", "description"?, "expires_at"?}`.
struct TokenCreateRequest: Decodable {
    static let fields = ["role", "description", "expires_at"]
    var role: String
    var description: String?
    var expiresAt: String?

    enum CodingKeys: String, CodingKey {
        case role, description
        case expiresAt = "expires_at"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Self.fields)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        expiresAt = try container.decodeIfPresent(String.self, forKey: .expiresAt)
    }

    func checked(now: Date) throws(Problem) -> (Role, Date?) {
        guard let role = Role(rawValue: role) else {
            throw Problem.field("role", "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")), got '\(role)'")
        }
        if let description, description.isEmpty || description.count > 256 {
            throw Problem.field("description", "must be 1 to 256 characters")
        }
        guard let expiresAt else { return (role, nil) }
        guard let date = TimestampText.date(expiresAt) else {
            throw Problem.field("expires_at", "must be an ISO 8601 time such as 2027-01-31T12:00:00Z, got '\(expiresAt)'")
        }
        guard date > now else { throw Problem.field("expires_at", "must be in the future, got '\(expiresAt)'") }
        return (role, date)
    }
}

struct TokenRepresentation: JSONWritable {
    var token: APIToken
    /// Only in the answer to the token's creation: the secret is not kept.
    var secret: AccessSecret?

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("id")
        writer.string(token.id)
        writer.comma()
        writer.key("role")
        writer.string(token.role.rawValue)
        writer.comma()
        writer.key("description")
        writer.string(token.description)
        writer.comma()
        writer.key("created_at")
        writer.string(token.createdAt)
        writer.comma()
        writer.key("created_by")
        writer.string(token.createdBy)
        writer.comma()
        writer.key("expires_at")
        writer.string(token.expiresAt)
        writer.comma()
        writer.key("revoked_at")
        writer.string(token.revokedAt)
        if let secret {
            writer.comma()
            writer.key("token")
            writer.string(secret.text)
        }
        writer.raw("}")
    }
}
