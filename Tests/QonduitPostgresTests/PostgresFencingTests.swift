import QonduitCore
import QonduitPostgres
import QonduitPostgresTestSupport
import QonduitStorage
import Synchronization
import Testing

/// A controller that lost the lease commits nothing, and learns it at its first write.
@Suite(.enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresFencingTests {
    @Test func aDeposedLeaderCommitsNothingAndAFollowerWritesNothing() async throws {
        let databases = ScratchDatabases()
        let inventory = try await databases.store(clock: SystemWallClock())
        let a = ControllerIdentity(id: "a", advertiseURL: "http://a:1")
        let lease = try await inventory.claimLease(for: a, epoch: nil, ttl: .seconds(30))
        let lost = Atomic<Int>(0)
        inventory.fenceWrites(.leader(controller: "a", epoch: lease.epoch)) { lost.add(1, ordering: .relaxed) }
        _ = try await inventory.createNode(QKDNode(id: try NodeID("written")))

        // Another takes over (here: a released lease; in life, an expired one).
        try await inventory.releaseLease(of: "a", epoch: lease.epoch)
        let taken = try await inventory.claimLease(for: ControllerIdentity(id: "b", advertiseURL: "http://b:1"), epoch: nil, ttl: .seconds(30))
        #expect(taken.epoch == lease.epoch + 1)
        await #expect(throws: NotLeader.self) { _ = try await inventory.createNode(QKDNode(id: try NodeID("fenced"))) }
        await #expect(throws: NotLeader.self) {
            try await inventory.withKeyPathChanges { changes in try await changes.setStates(of: [.random()], to: .failed, reason: "x") }
        }
        #expect(lost.load(ordering: .relaxed) == 2, "each refused write tells the controller")

        inventory.fenceWrites(.follower) {}
        await #expect(throws: NotLeader.self) { _ = try await inventory.createNode(QKDNode(id: try NodeID("follower"))) }
        inventory.fenceWrites(.open) {}
        #expect(try await inventory.nodes(limit: 10, offset: 0).items.map(\.value.id.rawValue) == ["written"], "nothing fenced was stored")
        await databases.removeAll()
    }
}
