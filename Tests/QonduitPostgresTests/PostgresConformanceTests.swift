import QonduitPostgres
import QonduitPostgresTestSupport
import QonduitStorage
import QonduitStorageTestSupport
import Testing

/// PostgreSQL passes the storage conformance suite, each check on stores of its own (a schema each).
@Suite(.enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresConformanceTests {
    // Every statement is a round trip to a server that shares the machine's two cores with the rest of
    // the suite: a check that takes a second alone took a minute in a full run. The limit only catches a hang.
    @Test(.timeLimit(.minutes(3)), arguments: StorageConformance.checks)
    func conforms(_ check: StorageCheck) async throws {
        let databases = ScratchDatabases()
        do {
            try await check.run(on: StorageUnderTest { clock in try await databases.store(clock: clock) })
        } catch {
            await databases.removeAll()
            throw error
        }
        await databases.removeAll()
    }
}
