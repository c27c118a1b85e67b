public import Foundation
import PostgresNIO
public import QonduitCore
public import QonduitStorage

/// Operators' tokens and agents' credentials: only digests of secrets are stored.
extension PostgresInventory {
    public func createAPIToken(role: Role, description: String?, expiresAt: Date?, createdBy: String?) async throws -> (APIToken, AccessSecret) {
        let secret = AccessSecret.random(.apiToken)
        let id = StoredTime.randomRecordID()
        let now = clock.timestamp
        let token = try await write { session in
            try await session.execute(
                """
                INSERT INTO api_token (id, role, hash, description, created_at, created_by, expires_at)
                VALUES (\(id), \(role.rawValue), \(secret.tokenHash), \(description), \(now), \(createdBy), \(expiresAt.map(SystemWallClock.timestamp)))
                """)
            return try await Self.apiToken(id, session)
        }
        return (token, secret)
    }

    public func createFirstAdminToken(deliver: @Sendable (APIToken, AccessSecret) throws -> Void) async throws -> APIToken? {
        let secret = AccessSecret.random(.apiToken)
        let id = StoredTime.randomRecordID()
        let now = clock.timestamp
        return try await write { session -> APIToken? in
            guard try await session.value("SELECT count(*) FROM api_token", as: Int.self) == 0 else { return nil }
            try await session.execute(
                """
                INSERT INTO api_token (id, role, hash, description, created_at, created_by)
                VALUES (\(id), 'admin', \(secret.tokenHash), 'first admin token, created at first start', \(now), 'controller')
                """)
            let token = try await Self.apiToken(id, session)
            try deliver(token, secret)
            return token
        }
    }

    public func apiTokens() async throws -> [APIToken] {
        try await read { session in
            try await session.rows("SELECT * FROM api_token ORDER BY created_at DESC, id").map(Self.apiToken)
        }
    }

    public func revokeAPIToken(_ id: String) async throws -> APIToken {
        let now = clock.timestamp
        return try await write { session in
            try await session.execute("UPDATE api_token SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL")
            return try await Self.apiToken(id, session)
        }
    }

    public func authenticateAPIToken(_ text: String) async throws -> APIToken? {
        guard let secret = AccessSecret(text, kind: .apiToken) else { return nil }
        let now = clock.timestamp
        return try await read { session in
            try await session.row(
                """
                SELECT * FROM api_token WHERE hash = \(secret.tokenHash) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(now))
                """
            ).map(Self.apiToken)
        }
    }

    private static func apiToken(_ id: String, _ session: PostgresSession) async throws -> APIToken {
        guard let row = try await session.row("SELECT * FROM api_token WHERE id = \(id)") else { throw AccessError.tokenNotFound(id) }
        return try apiToken(row)
    }

    static func apiToken(_ row: PostgresRandomAccessRow) throws -> APIToken {
        let id: String = try row.get("id")
        let roleText: String = try row.get("role")
        guard let role = Role(rawValue: roleText) else { throw StorageError.corrupt("api_token \(id) has role \(roleText)") }
        return APIToken(
            id: id, role: role, description: try row.get("description"), createdAt: try row.get("created_at"), createdBy: try row.get("created_by"),
            expiresAt: try row.get("expires_at"), revokedAt: try row.get("revoked_at"))
    }

    // MARK: Agents' credentials

    public func issueAgentCredential(for qkdnID: QKDUUID, createdBy: String?) async throws -> (AgentCredentialInfo, AccessSecret) {
        let secret = AccessSecret.random(.agentCredential)
        let id = StoredTime.randomRecordID()
        let now = clock.timestamp
        let info = try await write { session in
            try await session.execute(
                """
                INSERT INTO agent_credential (id, qkdn_id, verifier, controller_proof, created_at, created_by)
                VALUES (\(id), \(qkdnID.description), \(secret.agentVerifier), \(secret.controllerProof), \(now), \(createdBy))
                """)
            return try await Self.agentCredential(id, session)
        }
        return (info, secret)
    }

    public func agentCredentials(for qkdnID: QKDUUID?) async throws -> [AgentCredentialInfo] {
        try await read { session in
            try await session.rows(
                """
                SELECT c.*, n.id AS node FROM agent_credential c LEFT JOIN node n ON n.qkdn_id = c.qkdn_id
                WHERE \(qkdnID?.description)::text IS NULL OR c.qkdn_id = \(qkdnID?.description) ORDER BY c.created_at DESC, c.id
                """
            ).map(Self.agentCredential)
        }
    }

    public func revokeAgentCredential(_ id: String) async throws -> AgentCredentialInfo {
        let now = clock.timestamp
        return try await write { session in
            try await session.execute("UPDATE agent_credential SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL")
            return try await Self.agentCredential(id, session)
        }
    }

    public func authenticateAgent(_ text: String) async throws -> AgentCredentialInfo? {
        guard let secret = AccessSecret(text, kind: .agentCredential) else { return nil }
        return try await read { session in
            try await session.row(
                """
                SELECT c.*, n.id AS node FROM agent_credential c LEFT JOIN node n ON n.qkdn_id = c.qkdn_id
                WHERE c.verifier = \(secret.agentVerifier) AND c.revoked_at IS NULL
                """
            ).map(Self.agentCredential)
        }
    }

    /// The proof of the credential the agent last used while it is valid, else of its node's newest
    /// valid credential (see `SQLiteInventory.controllerProof(forAgentAt:)`).
    public func controllerProof(forAgentAt restconfURL: String) async throws -> String? {
        try await read { session in
            try await session.value(
                """
                SELECT c.controller_proof FROM agent a JOIN node n ON n.id = a.node_id JOIN agent_credential c ON c.qkdn_id = n.qkdn_id
                WHERE a.restconf_url = \(restconfURL) AND c.revoked_at IS NULL
                ORDER BY c.id IS NOT DISTINCT FROM a.credential_id DESC, c.created_at DESC, c.id LIMIT 1
                """, as: String.self)
        }
    }

    private static func agentCredential(_ id: String, _ session: PostgresSession) async throws -> AgentCredentialInfo {
        guard
            let row = try await session.row(
                "SELECT c.*, n.id AS node FROM agent_credential c LEFT JOIN node n ON n.qkdn_id = c.qkdn_id WHERE c.id = \(id)")
        else { throw AccessError.credentialNotFound(id) }
        return try agentCredential(row)
    }

    private static func agentCredential(_ row: PostgresRandomAccessRow) throws -> AgentCredentialInfo {
        let id: String = try row.get("id")
        guard let qkdnID = QKDUUID(try row.get("qkdn_id", as: String.self)) else { throw StorageError.corrupt("agent_credential \(id)") }
        return AgentCredentialInfo(
            id: id, qkdnID: qkdnID, node: try row.get("node"), createdAt: try row.get("created_at"), createdBy: try row.get("created_by"),
            revokedAt: try row.get("revoked_at"))
    }

    // MARK: Console sessions

    public func createSession(for token: APIToken, lifetime: Duration) async throws -> (APISession, AccessSecret) {
        let secret = AccessSecret.random(.session)
        let start = clock.now
        let now = SystemWallClock.timestamp(start)
        let end = SystemWallClock.timestamp(start.addingTimeInterval(Double(lifetime.components.seconds)))
        let session = try await write { session -> APISession in
            try await session.execute("DELETE FROM api_session WHERE expires_at <= \(now)")
            let inserted = try await session.execute(
                """
                INSERT INTO api_session (hash, token_id, created_at, expires_at)
                SELECT \(secret.sessionHash), id, \(now), least(\(end)::text, coalesce(expires_at, '9999'))
                FROM api_token WHERE id = \(token.id) AND revoked_at IS NULL
                """)
            guard inserted == 1, let started = try await Self.session(hash: secret.sessionHash, now: now, session) else {
                throw AccessError.tokenNotFound(token.id)
            }
            return started
        }
        return (session, secret)
    }

    public func authenticateSession(_ text: String) async throws -> APISession? {
        guard let secret = AccessSecret(text, kind: .session) else { return nil }
        let now = clock.timestamp
        return try await read { session in try await Self.session(hash: secret.sessionHash, now: now, session) }
    }

    public func endSession(_ text: String) async throws {
        guard let secret = AccessSecret(text, kind: .session) else { return }
        try await write { session in try await session.execute("DELETE FROM api_session WHERE hash = \(secret.sessionHash)") }
    }

    private static func session(hash: String, now: String, _ session: PostgresSession) async throws -> APISession? {
        guard
            let row = try await session.row(
                """
                SELECT t.*, s.created_at AS session_created_at, s.expires_at AS session_expires_at
                FROM api_session s JOIN api_token t ON t.id = s.token_id
                WHERE s.hash = \(hash) AND s.expires_at > \(now) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > \(now))
                """)
        else { return nil }
        return APISession(token: try apiToken(row), createdAt: try row.get("session_created_at"), expiresAt: try row.get("session_expires_at"))
    }
}
