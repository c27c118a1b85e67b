import Foundation
import Hummingbird
import Logging
import QonduitCore
import QonduitStorage

/// Checks node agents' credentials: each request must carry `Authorization: Bearer CREDENTIAL`, and
/// the credential must be bound to the node the request is for. (Agents report many times a second:
/// the inventory keeps what it checked until a credential changes, so a revocation counts at once.)
final class AgentAuthenticator: Sendable {
    let inventory: any Inventory

    init(inventory: any Inventory) {
        self.inventory = inventory
    }

    /// The credential the request carries, if the inventory issued it and it is not revoked.
    func authenticate(_ request: Request) async throws(SouthboundError) -> AgentCredentialInfo {
        guard request.headers[.authorization] != nil else {
            throw .unauthenticated("an agent must send Authorization: Bearer CREDENTIAL (qonduit agents credential NODE issues one)")
        }
        guard let presented = bearerCredentials(request.headers[.authorization]) else {
            throw .unauthenticated("the Authorization header must be Bearer CREDENTIAL")
        }
        let credential: AgentCredentialInfo?
        do { credential = try await inventory.authenticateAgent(presented) } catch { throw .failed("\(error)") }
        guard let credential else { throw .unauthenticated("the agent credential is not valid: unknown or revoked") }
        return credential
    }

    /// Refuses a credential bound to another node than `node`.
    func authorize(_ credential: AgentCredentialInfo?, for node: QKDUUID) throws(SouthboundError) {
        guard let credential, credential.qkdnID == node else {
            throw .forbidden(
                "this credential is for node \(credential?.qkdnID.description ?? "?"), not \(node): an agent may speak only for its own node")
        }
    }

    /// Appends the request's outcome to the audit log, and logs refusals.
    func audit(_ credential: AgentCredentialInfo?, action: String, request: Request, response: Response, logger: Logger) async {
        let status = Int(response.status.code)
        let actor = credential?.actor ?? "anonymous"
        if status == 401 || status == 403 {
            logger.warning("agent request refused", metadata: ["action": "\(action)", "actor": "\(actor)", "status": "\(status)"])
        }
        do {
            try await inventory.appendAudit(
                AuditEntry(
                    actor: actor, role: credential.map { _ in "agent" }, action: action, target: request.uri.path, status: status,
                    detail: credential.map { "node \($0.qkdnID)" }
                ))
        } catch {
            logger.error("audit entry not written", metadata: ["action": "\(action)", "error": "\(error)"])
        }
    }
}
