import QonduitCore
import QonduitPostgres
import QonduitPostgresTestSupport
import QonduitStorage
import Testing

/// Controllers sharing a database follow each other's commits: the revision one watches moves when
/// another writes, so that its event streams and derived state keep up.
@Suite(.enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresChangeFeedTests {
    @Test(.timeLimit(.minutes(1))) func anotherControllersCommitWakesAWaiter() async throws {
        let databases = ScratchDatabases()
        let stores = try await databases.stores(2)
        let (writer, watcher) = (stores[0], stores[1])
        await watcher.waitUntilFollowingOthers()
        let seen = watcher.revision
        let woken = Task { await watcher.waitForChange(from: seen) }
        _ = try await writer.createNode(QKDNode(id: try NodeID("elsewhere")))
        await woken.value  // would hang (and hit the suite's time limit) without the notification
        #expect(watcher.revision > seen)
        #expect(try await watcher.events(after: 0, limit: 10).map(\.kind) == [.nodeCreated], "and the event is there to read")
        await databases.removeAll()
    }
}
