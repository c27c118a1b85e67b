public import QonduitStorage
public import Testing

/// What every storage implementation must do, as named checks over fresh stores. An
/// implementation's tests run each check (`@Test(arguments: StorageConformance.checks)`) with a
/// `StorageUnderTest` that makes its stores; the checks use the protocols only, so they run
/// unchanged against any engine.
public enum StorageConformance {
    public static let checks: [StorageCheck] =
        NetworkCRUDChecks.checks + TopologyImportChecks.checks + IdentityChecks.checks + LinkMeasurementChecks.checks
        + EventsFromSwiftChecks.checks + RevisionWaitChecks.checks + KeyPathLedgerChecks.checks + AccessChecks.checks
        + AgentChecks.checks + LogChecks.checks + RepairCandidateChecks.checks + LeaseChecks.checks
}

/// One check: a name for the test report, and what it does with the stores it is given.
public struct StorageCheck: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (StorageUnderTest) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (StorageUnderTest) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { name }

    public func run(on storage: StorageUnderTest) async throws {
        try await body(storage)
    }
}

/// How an implementation's tests make an empty store for a check (each call a new one).
public struct StorageUnderTest: Sendable {
    private let make: @Sendable (any WallClock) async throws -> any Inventory

    public init(_ make: @escaping @Sendable (_ clock: any WallClock) async throws -> any Inventory) {
        self.make = make
    }

    /// A new, empty store whose expiries read `clock`.
    public func store(clock: any WallClock = SystemWallClock()) async throws -> any Inventory {
        try await make(clock)
    }
}
