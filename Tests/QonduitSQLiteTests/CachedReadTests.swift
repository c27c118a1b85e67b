import Foundation
import GRDB
import QonduitCore
import QonduitStorage
import Testing

@testable import QonduitSQLite

/// Token checks and agents' addresses are read once and kept until what they were read from
/// changes: a change is seen by the very next read, as it was when each read went to the database.
@Suite struct CachedReadTests {
    func fileInventory() throws -> SQLiteInventory {
        try SQLiteInventory(path: temporaryDatabasePath())
    }

    @Test func aRevokedTokenIsRefusedAtOnceThoughItWasJustAccepted() async throws {
        let inventory = try fileInventory()
        let (token, secret) = try await inventory.createAPIToken(role: .operator, description: nil, expiresAt: nil, createdBy: nil)
        for _ in 0..<3 { #expect(try await inventory.authenticateAPIToken(secret.text)?.id == token.id) }
        #expect(try await inventory.authenticateAPIToken(AccessSecret.random(.apiToken).text) == nil)

        _ = try await inventory.revokeAPIToken(token.id)
        #expect(try await inventory.authenticateAPIToken(secret.text) == nil)
        // A token created after a refusal of its secret was kept is accepted (no secret repeats, but the refusal is not kept past a change).
        let (other, otherSecret) = try await inventory.createAPIToken(role: .viewer, description: nil, expiresAt: nil, createdBy: nil)
        #expect(try await inventory.authenticateAPIToken(otherSecret.text)?.id == other.id)
    }

    @Test func aTokenStopsWorkingWhenItExpiresThoughItWasJustAccepted() async throws {
        let inventory = try fileInventory()
        // A busy machine may take longer than the token lives to check it at all: then it tries a longer life.
        for life in [1.0, 4, 16, 64] {
            let expiry = Date().addingTimeInterval(life)
            let (token, secret) = try await inventory.createAPIToken(role: .viewer, description: nil, expiresAt: expiry, createdBy: nil)
            guard try await inventory.authenticateAPIToken(secret.text)?.id == token.id else {
                #expect(Date() >= expiry, "refused before it expired")
                continue
            }
            try await Task.sleep(for: .seconds(max(0, expiry.timeIntervalSinceNow) + 0.05))
            #expect(try await inventory.authenticateAPIToken(secret.text) == nil)
            return
        }
        Issue.record("no token was ever checked within its life")
    }

    @Test func anAgentsNewAddressAndStateAreSeenAtOnceAndHeartbeatsKeepWhatWasRead() async throws {
        let inventory = try fileInventory()
        let uuid = try #require(QKDUUID("5a1d7c1e-0000-4000-8000-000000000002"))
        func register(at url: String) async throws -> NodeID {
            try await inventory.registerAgent(
                AgentRegistration(qkdnID: uuid, restconfURL: url, tree: "<qkd_node/>", nodeStatus: .up, links: []),
                autoOnboard: true, heartbeatIntervalMs: 1_000
            ).nodeID
        }
        let node = try await register(at: "http://127.0.0.1:1")
        #expect(try await inventory.agentAddress(of: node)?.restconfURL == "http://127.0.0.1:1")

        let changes = inventory.tableChanges.count(of: "agent")
        _ = try await inventory.applyAgentReports(from: uuid, [.heartbeat, .nodeStatus(.up)])
        #expect(inventory.tableChanges.count(of: "agent") == changes, "a heartbeat leaves the address kept")

        _ = try await register(at: "http://127.0.0.1:2")
        #expect(try await inventory.agentAddress(of: node)?.restconfURL == "http://127.0.0.1:2")
        #expect(try await inventory.markSilentAgentsUnreachable(missedIntervals: 3, now: Date().addingTimeInterval(60)) == [node])
        #expect(try await inventory.agentAddress(of: node)?.state == .unreachable)
        _ = try await inventory.applyAgentReports(from: uuid, [.heartbeat])
        #expect(try await inventory.agentAddress(of: node)?.state == .reachable)
        // The node's deletion takes its agent (a foreign key action).
        _ = try await inventory.deleteNode(node.rawValue, cascade: true)
        #expect(try await inventory.agentAddress(of: node) == nil)
    }

    @Test func aWriteThatRollsBackChangesNothingKept() async throws {
        let inventory = try fileInventory()
        let before = inventory.tableChanges.count(of: "api_token")
        await #expect(throws: (any Error).self) {
            try await inventory.write { db -> Void in
                try db.execute(sql: "UPDATE api_token SET description = 'x'")
                throw CancellationError()
            }
        }
        #expect(inventory.tableChanges.count(of: "api_token") == before)
        _ = try await inventory.createAPIToken(role: .viewer, description: nil, expiresAt: nil, createdBy: nil)
        #expect(inventory.tableChanges.count(of: "api_token") == before + 1)
    }
}
