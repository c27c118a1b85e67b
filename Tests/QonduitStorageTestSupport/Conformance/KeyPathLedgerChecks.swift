import QonduitCore
import QonduitStorage
import Testing

/// The ledger's transaction: all or nothing, serialised so that admission is exact, each new path
/// stored or refused alone, routes and reservations moved together.
struct KeyPathLedgerChecks {
    let storage: StorageUnderTest

    struct Refused: Error {}

    /// A, B and C in a triangle: AB 1000 bit/s, AC and CB 2000.
    func triangle() async throws -> any Inventory {
        let inventory = try await storage.store()
        for id in ["A", "B", "C"] { _ = try await inventory.createNode(node(id)) }
        _ = try await inventory.createLink(link("AB", "A", "B", rate: 1000))
        _ = try await inventory.createLink(link("AC", "A", "C", rate: 2000))
        _ = try await inventory.createLink(link("CB", "C", "B", rate: 2000))
        return inventory
    }

    func path(_ bps: Double, via nodes: [String], state: KeyPathState = .active) throws -> QKDKeyPath {
        let ids = try nodes.map { try NodeID($0) }
        let links = try zip(nodes, nodes.dropFirst()).map { try LinkID($0 + $1) }
        var path = QKDKeyPath(
            id: .random(), source: ids.first!, destination: ids.last!, rateBps: bps, metric: .hops, appID: .random(),
            routes: [KeyPathRoute(role: .primary, nodes: ids, links: links, rateBps: bps, qkdlID: .random())])
        path.state = state
        return path
    }

    func aLedgerThatThrowsLeavesNothing() async throws {
        let inventory = try await triangle()
        let mark = try await inventory.eventLogBounds().latest
        let held = try path(600, via: ["A", "B"])
        await #expect(throws: Refused.self) {
            try await inventory.withKeyPathLedger { ledger in
                try await ledger.insert(try ledger.admit { _ in held })
                #expect(ledger.reservedBps[try LinkID("AB")] == 600, "the transaction sees what it held")
                throw Refused()
            }
        }
        #expect(try await inventory.keyPaths().total == 0)
        #expect(try await inventory.reservedBps().values.allSatisfy { $0 == 0 })
        #expect(try await inventory.events(after: mark, limit: 10).isEmpty, "no event of what rolled back")
        await #expect(throws: KeyPathError.keyPathNotFound(held.id.text)) { try await inventory.keyPath(held.id.text) }
    }

    func concurrentLedgersNeverOverbook() async throws {
        let inventory = try await triangle()
        let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<25 {
                let wanted = try path(100, via: ["A", "B"])
                group.addTask {
                    do {
                        try await inventory.withKeyPathLedger { ledger in
                            let held = try ledger.admit { _ in wanted }
                            // Another ledger running now would see the same sums: it must wait for this one.
                            await Task.yield()
                            try await ledger.insert(held)
                        }
                        return true
                    } catch is KeyPathError {
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 10, "1000 bit/s holds ten paths of 100")
        #expect(try await inventory.reservedBps()[try LinkID("AB")] == 1000)
        #expect(try await inventory.keyPaths().total == 10)
    }

    func aLinkThatIsNotUpTakesNoNewPathButKeepsItsOwn() async throws {
        let inventory = try await triangle()
        let held = try path(300, via: ["A", "B"])
        try await inventory.withKeyPathLedger { ledger in try await ledger.insert(try ledger.admit { _ in held }) }
        _ = try await inventory.updateLink("AB") { $0.status = .down }
        let wanted = try path(100, via: ["A", "B"])
        await #expect(throws: KeyPathError.linkNotUp(try LinkID("AB"), status: .down)) {
            try await inventory.withKeyPathLedger { ledger in _ = try ledger.admit { _ in wanted } }
        }
        // Putting a path back on routes it had checks the rate alone (a repair that could not be configured).
        try await inventory.withKeyPathLedger { ledger in
            _ = try ledger.readmit(held, requireUp: false) { _ in held }
            #expect(throws: KeyPathError.linkNotUp(try LinkID("AB"), status: .down)) { try ledger.readmit(held) { _ in held } }
        }
    }

    func eachNewPathIsStoredOrRefusedAlone() async throws {
        let inventory = try await triangle()
        let first = try path(100, via: ["A", "B"])
        var second = try path(100, via: ["A", "C", "B"])
        second.id = first.id
        let twin = second
        let third = try path(100, via: ["A", "C", "B"])
        let answers = try await inventory.withKeyPathLedger { ledger in
            let admitted = try [first, twin, third].map { wanted in try ledger.admit { _ in wanted } }
            return try await ledger.insert(admitted).map { (try? $0.get()) != nil }
        }
        #expect(answers == [true, false, true], "a path whose id is taken fails alone")
        #expect(Set(try await inventory.keyPaths().items.map(\.value.id)) == [first.id, third.id])
        let reserved = try await inventory.reservedBps()
        let (ab, ac) = (try LinkID("AB"), try LinkID("AC"))
        #expect(reserved[ab] == 100 && reserved[ac] == 100, "the refused path holds nothing: \(reserved)")
    }

    func aReRouteMovesRoutesReservationsAndState() async throws {
        let inventory = try await triangle()
        let old = try path(300, via: ["A", "B"])
        try await inventory.withKeyPathLedger { ledger in try await ledger.insert(try ledger.admit { _ in old }) }
        let mark = try await inventory.eventLogBounds().latest
        var detour = old
        detour.routes = try path(300, via: ["A", "C", "B"]).routes
        let new = detour
        let ab = try LinkID("AB")
        try await inventory.withKeyPathLedger { ledger in
            let current = try #require(try await ledger.keyPaths([old.id])[old.id])
            #expect(current.routes == old.routes)
            _ = try ledger.readmit(current) { reserved in
                #expect(reserved[ab] == 0, "its own reservation is given back to plan with")
                return new
            }
            try await ledger.logReroutes([Reroute(old: current, new: new, reason: "link AB down")])
            try await ledger.replaceRoutes(of: [current], with: [new])
            try await ledger.setStates(of: [old.id], to: .pending, reason: "link AB down")
            try await ledger.holdRetiring([RetiringRoute(keyPath: old.id, route: old.routes[0])])
        }
        let stored = try await inventory.keyPath(old.id.text).value
        #expect(stored.routes == new.routes && stored.state == .pending && stored.reason == "link AB down")
        let reserved = try await inventory.reservedBps()
        let (ac, cb) = (try LinkID("AC"), try LinkID("CB"))
        #expect((reserved[ab] ?? 0) == 0 && reserved[ac] == 300 && reserved[cb] == 300)
        #expect(try await inventory.events(after: mark, limit: 10).map(\.kind) == [.keyPathRerouted, .keyPathState])
        let atA = try await inventory.holding(at: try NodeID("A"))
        #expect(atA.inProgress.contains(old.routes[0].qkdlID), "a retiring route's entry is still in flight")
        #expect(atA.inProgress.contains(new.routes[0].qkdlID), "a pending path's entries are in flight")

        try await inventory.activate([old.id])
        let active = try await inventory.holding(at: try NodeID("A"))
        #expect(active.inProgress.isEmpty && active.desired.map(\.id) == [old.id], "activation lets the retiring route go")
    }

    func activationLeavesPathsFailedMeanwhile() async throws {
        let inventory = try await triangle()
        let (pending, failing) = (try path(100, via: ["A", "B"], state: .pending), try path(100, via: ["A", "C"], state: .pending))
        try await inventory.withKeyPathLedger { ledger in
            for wanted in [pending, failing] { try await ledger.insert(try ledger.admit { _ in wanted }) }
        }
        try await inventory.withKeyPathLedger { ledger in
            try await ledger.release([failing])
            try await ledger.setStates(of: [failing.id], to: .failed, reason: "failed by an operator")
        }
        let mark = try await inventory.eventLogBounds().latest
        try await inventory.activate([pending.id, failing.id])
        #expect(try await inventory.keyPath(pending.id.text).value.state == .active)
        let failed = try await inventory.keyPath(failing.id.text).value
        #expect(failed.state == .failed && failed.reason == "failed by an operator", "activation does not revive a failed path")
        #expect(try await inventory.events(after: mark, limit: 10).map(\.subject) == [pending.id.text], "one state change, one event")
        let stored = try await inventory.withKeyPathLedger { ledger in try await ledger.storedKeyPaths([pending.id, failing.id, .random()]) }
        #expect(stored.count == 2, "an id not found is left out")
        #expect(stored[pending.id] == (try await inventory.keyPath(pending.id.text)), "read in a ledger as read outside one")
    }

    func failingAndDeletingReleaseWhatAPathHolds() async throws {
        let inventory = try await triangle()
        let (failing, deleted) = (try path(200, via: ["A", "B"], state: .pending), try path(300, via: ["A", "B"]))
        try await inventory.withKeyPathLedger { ledger in
            for wanted in [failing, deleted] { try await ledger.insert(try ledger.admit { _ in wanted }) }
        }
        #expect(try await inventory.reservedBps()[try LinkID("AB")] == 500)
        await #expect(throws: NetworkError.reservedByKeyPaths("AB", keyPaths: [failing.id.text, deleted.id.text].sorted())) {
            try await inventory.deleteLink("AB")
        }
        let ab = try LinkID("AB")
        let audited = AuditEntry(actor: "anonymous", role: nil, action: "POST /api/v1/key-paths", target: "/api/v1/key-paths", status: 422)
        try await inventory.withKeyPathLedger { ledger in
            let stored = try #require(try await ledger.keyPaths([failing.id])[failing.id])
            try await ledger.release([stored])
            #expect(ledger.reservedBps[ab] == 300, "the transaction's book gives back what was released")
            try await ledger.setStates(of: [failing.id], to: .failed, reason: "node B refused")
            try await ledger.appendAudit([audited])
        }
        let failed = try await inventory.keyPath(failing.id.text).value
        #expect(failed.state == .failed && failed.reason == "node B refused" && failed.routes.isEmpty)
        #expect(try await inventory.reservedBps()[ab] == 300)
        #expect(try await inventory.audit(AuditFilter(), limit: 10, offset: 0).items.map(\.status) == [422], "audited with the change")
        let mark = try await inventory.eventLogBounds().latest
        // Changes that take no rate run without a book, and commit or roll back as a ledger does.
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await inventory.withKeyPathChanges { changes in
                try await changes.remove([try #require(try await changes.keyPaths([deleted.id])[deleted.id])])
                throw Refused()
            }
        }
        #expect(try await inventory.reservedBps()[ab] == 300, "a body that throws gives nothing back")
        try await inventory.withKeyPathChanges { changes in
            try await changes.remove([try #require(try await changes.keyPaths([deleted.id])[deleted.id])])
        }
        await #expect(throws: KeyPathError.keyPathNotFound(deleted.id.text)) { try await inventory.keyPath(deleted.id.text) }
        #expect(try await inventory.events(after: mark, limit: 10).map(\.kind) == [.keyPathDeleted])
        #expect((try await inventory.reservedBps()[ab] ?? 0) == 0)
        #expect(try await inventory.keyPaths(KeyPathFilter(state: .failed)).items.map(\.value.id) == [failing.id])
        try await inventory.deleteLink("AB")
    }

    static let checks: [StorageCheck] = [
        StorageCheck("aLedgerThatThrowsLeavesNothing") { try await Self(storage: $0).aLedgerThatThrowsLeavesNothing() },
        StorageCheck("concurrentLedgersNeverOverbook") { try await Self(storage: $0).concurrentLedgersNeverOverbook() },
        StorageCheck("aLinkThatIsNotUpTakesNoNewPathButKeepsItsOwn") { try await Self(storage: $0).aLinkThatIsNotUpTakesNoNewPathButKeepsItsOwn() },
        StorageCheck("eachNewPathIsStoredOrRefusedAlone") { try await Self(storage: $0).eachNewPathIsStoredOrRefusedAlone() },
        StorageCheck("aReRouteMovesRoutesReservationsAndState") { try await Self(storage: $0).aReRouteMovesRoutesReservationsAndState() },
        StorageCheck("activationLeavesPathsFailedMeanwhile") { try await Self(storage: $0).activationLeavesPathsFailedMeanwhile() },
        StorageCheck("failingAndDeletingReleaseWhatAPathHolds") { try await Self(storage: $0).failingAndDeletingReleaseWhatAPathHolds() },
    ]
}
