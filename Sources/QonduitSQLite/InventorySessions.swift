import Foundation
import GRDB
public import QonduitCore
public import QonduitStorage

extension SQLiteInventory {
    /// Starts a session for `token` that lasts `lifetime`, or until the token expires if that is sooner.
    /// Sessions past their time are removed on the way.
    public func createSession(for token: APIToken, lifetime: Duration) async throws -> (APISession, AccessSecret) {
        let secret = AccessSecret.random(.session)
        let start = clock.now
        let now = SystemWallClock.timestamp(start)
        let end = SystemWallClock.timestamp(start.addingTimeInterval(Double(lifetime.components.seconds)))
        let session = try await write { db -> APISession in
            try db.execute(sql: "DELETE FROM api_session WHERE expires_at <= ?", arguments: [now])
            try db.execute(
                sql: """
                    INSERT INTO api_session (hash, token_id, created_at, expires_at)
                    SELECT ?, id, ?, min(?, coalesce(expires_at, '9999'))
                    FROM api_token WHERE id = ? AND revoked_at IS NULL
                    """, arguments: [secret.sessionHash, now, end, token.id])
            guard db.changesCount == 1, let session = try Self.session(hash: secret.sessionHash, now: now, db) else {
                throw AccessError.tokenNotFound(token.id)
            }
            return session
        }
        return (session, secret)
    }

    /// The session `text` names, if it is one the inventory started, it has not ended or expired, and
    /// its token is neither revoked nor expired.
    public func authenticateSession(_ text: String) async throws -> APISession? {
        guard let secret = AccessSecret(text, kind: .session) else { return nil }
        let now = clock.timestamp
        return try await database.read { db in try Self.session(hash: secret.sessionHash, now: now, db) }
    }

    /// Ends the session `text` names (signing out); ending an unknown session changes nothing.
    public func endSession(_ text: String) async throws {
        guard let secret = AccessSecret(text, kind: .session) else { return }
        try await write { db in try db.execute(sql: "DELETE FROM api_session WHERE hash = ?", arguments: [secret.sessionHash]) }
    }

    private static func session(hash: String, now: String, _ db: Database) throws -> APISession? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT t.*, s.created_at AS session_created_at, s.expires_at AS session_expires_at
                    FROM api_session s JOIN api_token t ON t.id = s.token_id
                    WHERE s.hash = ?2 AND s.expires_at > ?1
                      AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?1)
                    """, arguments: [now, hash])
        else { return nil }
        return APISession(token: try apiToken(row), createdAt: row["session_created_at"], expiresAt: row["session_expires_at"])
    }
}
