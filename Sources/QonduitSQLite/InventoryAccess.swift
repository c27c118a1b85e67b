public import Foundation
import GRDB
public import QonduitCore
public import QonduitStorage

/// Now, as the inventory writes times (UTC, ISO 8601 with milliseconds), in SQL.
let nowSQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

extension SQLiteInventory {
    // MARK: Operators' tokens

    /// A new token with `role`; the returned secret is not kept and cannot be read again.
    public func createAPIToken(role: Role, description: String?, expiresAt: Date?, createdBy: String?) async throws -> (APIToken, AccessSecret) {
        let secret = AccessSecret.random(.apiToken)
        let id = StoredTime.randomRecordID()
        let now = clock.timestamp
        let token = try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_token (id, role, hash, description, created_at, created_by, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, role.rawValue, secret.tokenHash, description, now, createdBy, expiresAt.map(SystemWallClock.timestamp)])
            return try Self.apiToken(id, db)
        }
        return (token, secret)
    }

    /// Creates the first admin token when no token was ever created (a fresh inventory), and hands
    /// it to `deliver` before it commits: a token that could not be delivered is never stored, so a
    /// failed first start cannot leave an inventory no one may administer. Nil when tokens exist.
    public func createFirstAdminToken(deliver: @Sendable (APIToken, AccessSecret) throws -> Void) async throws -> APIToken? {
        let secret = AccessSecret.random(.apiToken)
        let id = StoredTime.randomRecordID()
        let now = clock.timestamp
        return try await write { db -> APIToken? in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM api_token") == 0 else { return nil }
            try db.execute(
                sql: """
                    INSERT INTO api_token (id, role, hash, description, created_at, created_by)
                    VALUES (?, 'admin', ?, 'first admin token, created at first start', ?, 'controller')
                    """, arguments: [id, secret.tokenHash, now])
            let token = try Self.apiToken(id, db)
            try deliver(token, secret)
            return token
        }
    }

    /// Every token, newest first, revoked and expired ones included.
    public func apiTokens() async throws -> [APIToken] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY created_at DESC, id").map(Self.apiToken)
        }
    }

    /// Revokes a token for good; revoking a revoked token changes nothing.
    public func revokeAPIToken(_ id: String) async throws -> APIToken {
        let now = clock.timestamp
        return try await write { db in
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return try Self.apiToken(id, db)
        }
    }

    /// The token `text` is, if it is one the inventory issued and it is neither revoked nor expired.
    public func authenticateAPIToken(_ text: String) async throws -> APIToken? {
        guard let secret = AccessSecret(text, kind: .apiToken) else { return nil }
        let hash = secret.tokenHash
        return try await checkedTokens.value(for: hash) {
            let now = clock.now
            return try await database.read { db in
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT * FROM api_token
                            WHERE hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
                            """, arguments: [hash, SystemWallClock.timestamp(now)])
                else { return (nil, nil) }
                let token = try Self.apiToken(row)
                // Kept until it expires: a cached token must not outlive its expiry.
                let secondsLeft = try token.expiresAt.map { try Date($0, strategy: .iso8601).timeIntervalSince(now) }
                return (token, secondsLeft.map { .milliseconds(Int64(max(0, $0) * 1000)) })
            }
        }
    }

    private static func apiToken(_ id: String, _ db: Database) throws -> APIToken {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE id = ?", arguments: [id]) else {
            throw AccessError.tokenNotFound(id)
        }
        return try apiToken(row)
    }

    static func apiToken(_ row: Row) throws -> APIToken {
        guard let role = Role(rawValue: row["role"]) else {
            throw StorageError.corrupt("api_token \(row["id"] as String) has role \(row["role"] as String)")
        }
        return APIToken(
            id: row["id"], role: role, description: row["description"], createdAt: row["created_at"], createdBy: row["created_by"],
            expiresAt: row["expires_at"], revokedAt: row["revoked_at"]
        )
    }

    // MARK: Agents' credentials

    /// A new credential for the agent of the node with identity `qkdnID` (which the inventory need not
    /// know yet: an agent may onboard its node). Earlier credentials for the node stay valid until revoked.
    public func issueAgentCredential(for qkdnID: QKDUUID, createdBy: String?) async throws -> (AgentCredentialInfo, AccessSecret) {
        let secret = AccessSecret.random(.agentCredential)
        let id = StoredTime.randomRecordID()
        let now = clock.timestamp
        let info = try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO agent_credential (id, qkdn_id, verifier, controller_proof, created_at, created_by)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [id, qkdnID.description, secret.agentVerifier, secret.controllerProof, now, createdBy])
            return try Self.agentCredential(id, db)
        }
        return (info, secret)
    }

    /// Credentials, newest first: all, or those of one node identity.
    public func agentCredentials(for qkdnID: QKDUUID? = nil) async throws -> [AgentCredentialInfo] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.*, n.id AS node FROM agent_credential c LEFT JOIN node n ON n.qkdn_id = c.qkdn_id
                    WHERE ?1 IS NULL OR c.qkdn_id = ?1 ORDER BY c.created_at DESC, c.id
                    """, arguments: [qkdnID?.description]
            ).map(Self.agentCredential)
        }
    }

    public func revokeAgentCredential(_ id: String) async throws -> AgentCredentialInfo {
        let now = clock.timestamp
        return try await write { db in
            try db.execute(sql: "UPDATE agent_credential SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return try Self.agentCredential(id, db)
        }
    }

    /// The credential `text` is, unless unknown or revoked.
    public func authenticateAgent(_ text: String) async throws -> AgentCredentialInfo? {
        guard let secret = AccessSecret(text, kind: .agentCredential) else { return nil }
        let verifier = secret.agentVerifier
        return try await checkedAgentCredentials.value(for: verifier) {
            try await database.read { db in
                (
                    try Row.fetchOne(
                        db,
                        sql: """
                            SELECT c.*, n.id AS node FROM agent_credential c LEFT JOIN node n ON n.qkdn_id = c.qkdn_id
                            WHERE c.verifier = ? AND c.revoked_at IS NULL
                            """, arguments: [verifier]
                    ).map(Self.agentCredential), nil
                )
            }
        }
    }

    /// What the controller presents to the agent that registered with `restconfURL`: the proof of the
    /// credential the agent last used while it is valid, else of its node's newest valid credential (nil
    /// when the node has none, and the agent will refuse the controller). A new credential so takes over
    /// only once the agent uses it (or the old one is revoked): issuing it cuts no working agent off.
    /// Which of a node's credentials (`c`) is its newest: the one a new agent proves itself with.
    static let newestCredentialFirst = "c.created_at DESC, c.id"

    public func controllerProof(forAgentAt restconfURL: String) async throws -> String? {
        try await controllerProofs.value(for: restconfURL) {
            try await database.read { db in
                (
                    try String.fetchOne(
                        db,
                        sql: """
                            SELECT c.controller_proof FROM agent a JOIN node n ON n.id = a.node_id JOIN agent_credential c ON c.qkdn_id = n.qkdn_id
                            WHERE a.restconf_url = ? AND c.revoked_at IS NULL
                            ORDER BY c.id IS a.credential_id DESC, \(Self.newestCredentialFirst) LIMIT 1
                            """, arguments: [restconfURL]), nil
                )
            }
        }
    }

    private static func agentCredential(_ id: String, _ db: Database) throws -> AgentCredentialInfo {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT c.*, n.id AS node FROM agent_credential c LEFT JOIN node n ON n.qkdn_id = c.qkdn_id WHERE c.id = ?
                    """, arguments: [id])
        else { throw AccessError.credentialNotFound(id) }
        return try agentCredential(row)
    }

    private static func agentCredential(_ row: Row) throws -> AgentCredentialInfo {
        guard let qkdnID = QKDUUID(row["qkdn_id"] as String) else { throw StorageError.corrupt("agent_credential \(row["id"] as String)") }
        return AgentCredentialInfo(
            id: row["id"], qkdnID: qkdnID, node: row["node"], createdAt: row["created_at"], createdBy: row["created_by"], revokedAt: row["revoked_at"]
        )
    }

    // MARK: Audit

    /// How many audit entries the log keeps (the latest).
    public func setAuditRetention(_ keep: Int) async throws {
        precondition(keep >= 1, "the audit log keeps at least one entry")
        try await database.write { db in
            try RetainedLog.audit.setRetention(keep, db)
        }
    }

    /// Appends `entry` to the audit log; entries that arrive together share one transaction.
    public func appendAudit(_ entry: AuditEntry) async throws {
        try await auditQueue.submit(entry) { [self] (entries: [AuditEntry]) in
            try await appendAudit(entries)
            return entries.map { _ in .success(()) }
        }
    }

    /// Appends entries to the audit log, in one transaction.
    public func appendAudit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        // The log is no state anything derives from: it does not move the inventory's revision.
        try await database.write { db in try Self.insertAudit(entries, db) }
    }

    /// Appends entries to the audit log in the transaction of `db` (the change they record, say).
    static func insertAudit(_ entries: [AuditEntry], _ db: Database) throws {
        guard !entries.isEmpty else { return }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO audit (time, actor, role, action, target, status, outcome, detail) VALUES (\(nowSQL), ?, ?, ?, ?, ?, ?, ?)
                """)
        for entry in entries {
            try insert.execute(arguments: [
                entry.actor, entry.role, entry.action, entry.target, entry.status, entry.outcome.rawValue, entry.detail,
            ])
        }
        try RetainedLog.audit.trim(db)
    }

    /// A page of the audit log, newest first.
    public func audit(_ filter: AuditFilter, limit: Int, offset: Int) async throws -> Page<AuditEntry> {
        try await database.read { db in
            let condition = """
                (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR outcome = ?2) AND (?3 IS NULL OR substr(action, 1, length(?3)) = ?3)
                AND (?4 IS NULL OR time >= ?4) AND (?5 IS NULL OR time < ?5)
                """
            let arguments: StatementArguments = [filter.actor, filter.outcome?.rawValue, filter.actionPrefix, filter.since, filter.until]
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM audit WHERE \(condition) ORDER BY id DESC LIMIT ?6 OFFSET ?7",
                arguments: arguments + [limit, offset])
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit WHERE \(condition)", arguments: arguments) ?? 0
            return Page(
                items: try rows.map { row in
                    guard let outcome = AuditEntry.Outcome(rawValue: row["outcome"]) else {
                        throw StorageError.corrupt("audit \(row["id"] as Int64)")
                    }
                    return AuditEntry(
                        id: row["id"], time: row["time"], actor: row["actor"], role: row["role"], action: row["action"], target: row["target"],
                        status: row["status"], outcome: outcome, detail: row["detail"]
                    )
                }, total: total)
        }
    }
}
