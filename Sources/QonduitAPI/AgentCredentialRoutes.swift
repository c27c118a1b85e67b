import Hummingbird
import QonduitCore
import QonduitStorage

/// `/api/v1/agents/credentials` (admin): issue, list and revoke node agents' credentials.
struct AgentCredentialRoutes {
    let inventory: any Inventory
    let configuration: APIConfiguration

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get { request, _ in
            let query = try QueryParameters(request, allowed: ["node"])
            var credentials: [AgentCredentialInfo] = []
            if let node = query.string("node") {
                // A node without a GS QKD 015 id has no credential.
                if let qkdnID = try await inventory.node(node).value.qkdnID { credentials = try await inventory.agentCredentials(for: qkdnID) }
            } else {
                credentials = try await inventory.agentCredentials()
            }
            return JSONCoding.response(
                writing: ListRepresentation(items: credentials.map { CredentialRepresentation(credential: $0) }, total: credentials.count)
            )
        }
        group.post { request, context in
            _ = try QueryParameters(request, allowed: [])
            var request = request
            let body = try await request.decodeJSON(CredentialIssueRequest.self, maxBytes: configuration.maxJSONBodyBytes)
            let qkdnID: QKDUUID
            switch (body.node, body.qkdnID) {
            case (let node?, nil):
                guard let identity = try await inventory.node(node).value.qkdnID else {
                    throw Problem.field("node", "names node '\(node)', which has no GS QKD 015 id")
                }
                qkdnID = identity
            case (nil, let text?):
                guard let identity = QKDUUID(text) else { throw Problem.field("qkdn_id", "must be a UUID, got '\(text)'") }
                qkdnID = identity
            default:
                throw Problem(.badRequest, detail: "give exactly one of node (an inventory node id) and qkdn_id (for a node an agent will onboard)")
            }
            let (credential, secret) = try await inventory.issueAgentCredential(for: qkdnID, createdBy: context.callerName)
            var response = JSONCoding.response(writing: CredentialRepresentation(credential: credential, secret: secret), status: .created)
            response.headers[.location] = "/api/v1/agents/credentials/\(credential.id)"
            return response
        }
        group.delete("{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            _ = try await inventory.revokeAgentCredential(try context.parameters.require("id"))
            return Response(status: .noContent)
        }
    }
}

/// `POST /api/v1/agents/credentials`: `{"node"}` or `{"qkdn_id"}`.
struct CredentialIssueRequest: Decodable {
    var node: String?
    var qkdnID: String?

    enum CodingKeys: String, CodingKey {
        case node
        case qkdnID = "qkdn_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: ["node", "qkdn_id"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        node = try container.decodeIfPresent(String.self, forKey: .node)
        qkdnID = try container.decodeIfPresent(String.self, forKey: .qkdnID)
    }
}

struct CredentialRepresentation: JSONWritable {
    var credential: AgentCredentialInfo
    /// Only in the answer to the credential's issue: the secret is not kept.
    var secret: AccessSecret?

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("id")
        writer.string(credential.id)
        writer.comma()
        writer.key("qkdn_id")
        writer.string(credential.qkdnID.description)
        writer.comma()
        writer.key("node")
        writer.string(credential.node)
        writer.comma()
        writer.key("created_at")
        writer.string(credential.createdAt)
        writer.comma()
        writer.key("created_by")
        writer.string(credential.createdBy)
        writer.comma()
        writer.key("revoked_at")
        writer.string(credential.revokedAt)
        if let secret {
            writer.comma()
            writer.key("credential")
            writer.string(secret.text)
        }
        writer.raw("}")
    }
}
