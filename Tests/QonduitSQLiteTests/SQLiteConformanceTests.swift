import QonduitSQLite
import QonduitStorage
import QonduitStorageTestSupport
import QonduitTestSupport
import Testing

/// SQLite passes the storage conformance suite, on a database file and in memory (which GRDB
/// serves differently: a pool of readers beside the writer, or one queue for both).
@Suite struct SQLiteConformanceTests {
    enum Place: String, CaseIterable, CustomTestStringConvertible {
        case file, memory
        var testDescription: String { rawValue }
    }

    @Test(.timeLimit(.minutes(1)), arguments: StorageConformance.checks, Place.allCases)
    func conforms(_ check: StorageCheck, in place: Place) async throws {
        try await check.run(
            on: StorageUnderTest { clock in
                try SQLiteInventory(path: place == .file ? TestFiles.path("conformance", suffix: ".sqlite") : ":memory:", clock: clock)
            })
    }
}
