public import Foundation
public import QonduitCore

/// Who may do what: operators' API tokens and console sessions, and node agents' credentials. A
/// secret is returned once, when made; the store keeps what checks it, never the secret.
public protocol AccessStore: Sendable {
    /// The time of day: token and session expiry are read from it.
    var clock: any WallClock { get }

    /// A new token with `role`; the returned secret is not kept and cannot be read again.
    func createAPIToken(role: Role, description: String?, expiresAt: Date?, createdBy: String?) async throws -> (APIToken, AccessSecret)
    /// Creates the first admin token when no token was ever created (a fresh store), and hands it
    /// to `deliver` before it commits: a token that could not be delivered is never stored, so a
    /// failed first start cannot leave a store no one may administer. Nil when tokens exist.
    func createFirstAdminToken(deliver: @Sendable (APIToken, AccessSecret) throws -> Void) async throws -> APIToken?
    /// Every token, newest first, revoked and expired ones included.
    func apiTokens() async throws -> [APIToken]
    /// Revokes a token for good; revoking a revoked token changes nothing.
    func revokeAPIToken(_ id: String) async throws -> APIToken
    /// The token `text` is, if it is one the store issued and it is neither revoked nor expired.
    func authenticateAPIToken(_ text: String) async throws -> APIToken?

    /// Starts a session for `token` that lasts `lifetime`, or until the token expires if that is sooner.
    func createSession(for token: APIToken, lifetime: Duration) async throws -> (APISession, AccessSecret)
    /// The session `text` names, if it has not ended or expired and its token is still valid.
    func authenticateSession(_ text: String) async throws -> APISession?
    /// Ends the session `text` names (signing out); ending an unknown session changes nothing.
    func endSession(_ text: String) async throws

    /// A new credential for the agent of the node with identity `qkdnID` (which the store need not
    /// know yet: an agent may onboard its node). Earlier credentials for the node stay valid until revoked.
    func issueAgentCredential(for qkdnID: QKDUUID, createdBy: String?) async throws -> (AgentCredentialInfo, AccessSecret)
    /// Credentials, newest first: all, or those of one node identity.
    func agentCredentials(for qkdnID: QKDUUID?) async throws -> [AgentCredentialInfo]
    func revokeAgentCredential(_ id: String) async throws -> AgentCredentialInfo
    /// The credential `text` is, unless unknown or revoked.
    func authenticateAgent(_ text: String) async throws -> AgentCredentialInfo?
    /// The proof the controller presents to the agent at `restconfURL` (from its node's newest
    /// credential); nil when the agent is unknown or its node has no credential.
    func controllerProof(forAgentAt restconfURL: String) async throws -> String?
}

extension AccessStore {
    public func agentCredentials() async throws -> [AgentCredentialInfo] {
        try await agentCredentials(for: nil)
    }
}
