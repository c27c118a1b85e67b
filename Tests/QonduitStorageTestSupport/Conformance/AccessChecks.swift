import Foundation
import QonduitCore
import QonduitStorage
import Testing

/// Tokens, sessions and agent credentials: a secret works until revoked, ended or expired, by the
/// store's clock; the first admin token is made once.
struct AccessChecks {
    let storage: StorageUnderTest

    func aTokenWorksUntilRevokedOrExpired() async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_800_000_000))
        let inventory = try await storage.store(clock: clock)
        let (lasting, lastingSecret) = try await inventory.createAPIToken(role: .operator, description: "ops", expiresAt: nil, createdBy: nil)
        let (_, brief) = try await inventory.createAPIToken(role: .viewer, description: nil, expiresAt: clock.now + 60, createdBy: lasting.actor)
        #expect(try await inventory.authenticateAPIToken(lastingSecret.text)?.role == .operator)
        #expect(try await inventory.authenticateAPIToken(brief.text)?.createdBy == lasting.actor)
        #expect(try await inventory.authenticateAPIToken(AccessSecret.random(.apiToken).text) == nil, "an unknown secret is nobody")
        clock.advance(by: 61)
        #expect(try await inventory.authenticateAPIToken(brief.text) == nil, "expired by the store's clock")
        let revoked = try await inventory.revokeAPIToken(lasting.id)
        #expect(revoked.revokedAt != nil)
        #expect(try await inventory.authenticateAPIToken(lastingSecret.text) == nil)
        #expect(try await inventory.revokeAPIToken(lasting.id).revokedAt == revoked.revokedAt, "revoking again changes nothing")
        #expect(try await inventory.apiTokens().count == 2)
    }

    func theFirstAdminTokenIsMadeOnceAndOnlyIfDelivered() async throws {
        let inventory = try await storage.store()
        struct Undeliverable: Error {}
        await #expect(throws: Undeliverable.self) { try await inventory.createFirstAdminToken { _, _ in throw Undeliverable() } }
        #expect(try await inventory.apiTokens().isEmpty, "a token that could not be delivered is not kept")
        let first = try #require(try await inventory.createFirstAdminToken { _, _ in })
        #expect(first.role == .admin && first.createdBy == "controller")
        #expect(try await inventory.createFirstAdminToken { _, _ in } == nil, "tokens exist")
    }

    func aSessionEndsWithItsLifetimeOrWhenSignedOut() async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_800_000_000))
        let inventory = try await storage.store(clock: clock)
        let (token, _) = try await inventory.createAPIToken(role: .admin, description: nil, expiresAt: nil, createdBy: nil)
        let (_, kept) = try await inventory.createSession(for: token, lifetime: .seconds(600))
        let (_, ended) = try await inventory.createSession(for: token, lifetime: .seconds(600))
        #expect(try await inventory.authenticateSession(kept.text)?.token.id == token.id)
        try await inventory.endSession(ended.text)
        #expect(try await inventory.authenticateSession(ended.text) == nil)
        clock.advance(by: 601)
        #expect(try await inventory.authenticateSession(kept.text) == nil, "past its lifetime")
        let (_, again) = try await inventory.createSession(for: token, lifetime: .seconds(600))
        _ = try await inventory.revokeAPIToken(token.id)
        #expect(try await inventory.authenticateSession(again.text) == nil, "its token revoked")
    }

    func anAgentCredentialIsBoundToItsNodeUntilRevoked() async throws {
        let inventory = try await storage.store()
        let identity = QKDUUID.random()
        let (credential, secret) = try await inventory.issueAgentCredential(for: identity, createdBy: nil)
        #expect(credential.qkdnID == identity && credential.node == nil, "the node need not exist yet")
        #expect(try await inventory.authenticateAgent(secret.text)?.id == credential.id)
        #expect(try await inventory.agentCredentials(for: identity).map(\.id) == [credential.id])
        #expect(try await inventory.agentCredentials(for: .random()).isEmpty)
        _ = try await inventory.revokeAgentCredential(credential.id)
        #expect(try await inventory.authenticateAgent(secret.text) == nil)
    }

    static let checks: [StorageCheck] = [
        StorageCheck("aTokenWorksUntilRevokedOrExpired") { try await Self(storage: $0).aTokenWorksUntilRevokedOrExpired() },
        StorageCheck("theFirstAdminTokenIsMadeOnceAndOnlyIfDelivered") {
            try await Self(storage: $0).theFirstAdminTokenIsMadeOnceAndOnlyIfDelivered()
        },
        StorageCheck("aSessionEndsWithItsLifetimeOrWhenSignedOut") { try await Self(storage: $0).aSessionEndsWithItsLifetimeOrWhenSignedOut() },
        StorageCheck("anAgentCredentialIsBoundToItsNodeUntilRevoked") { try await Self(storage: $0).anAgentCredentialIsBoundToItsNodeUntilRevoked() },
    ]
}
