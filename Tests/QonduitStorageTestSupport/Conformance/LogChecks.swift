import QonduitCore
import QonduitStorage
import Testing

/// The event and audit logs: in order, filtered, and trimmed to their retention.
struct LogChecks {
    let storage: StorageUnderTest

    func eventsAreOrderedPagedAndTrimmed() async throws {
        let inventory = try await storage.store()
        let start = try await inventory.eventLogBounds()
        for id in ["A", "B", "C", "D"] { _ = try await inventory.createNode(QKDNode(id: try NodeID(id))) }
        let all = try await inventory.events(after: start.latest, limit: 100)
        #expect(all.map(\.subject) == ["A", "B", "C", "D"] && all.allSatisfy { $0.kind == .nodeCreated })
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.id < $1.id }, "ids grow in commit order")
        #expect(try await inventory.events(after: all[1].id, limit: 1).map(\.subject) == ["C"])
        #expect(try await inventory.events(about: "B", limit: 10).map(\.id) == [all[1].id])
        try await inventory.setEventRetention(2)
        _ = try await inventory.createNode(QKDNode(id: try NodeID("E")))
        let bounds = try await inventory.eventLogBounds()
        #expect(try await inventory.events(after: 0, limit: 100).map(\.subject) == ["D", "E"], "the latest two are kept")
        #expect(bounds.latest > all[3].id && bounds.oldest == all[3].id)
    }

    func theAuditLogIsNewestFirstAndFiltered() async throws {
        let inventory = try await storage.store()
        let operatorActor = "token:0123456789abcdef"
        try await inventory.appendAudit(
            AuditEntry(actor: operatorActor, role: "operator", action: "POST /api/v1/nodes", target: "/api/v1/nodes", status: 201))
        try await inventory.appendAudit([
            AuditEntry(actor: "anonymous", role: nil, action: "GET /api/v1/nodes", target: "/api/v1/nodes", status: 401),
            AuditEntry(actor: operatorActor, role: "operator", action: "DELETE /api/v1/nodes/{id}", target: "/api/v1/nodes/A", status: 409),
        ])
        let page = try await inventory.audit(AuditFilter(), limit: 10, offset: 0)
        #expect(page.total == 3 && page.items.map(\.status) == [409, 401, 201], "newest first")
        #expect(page.items.map(\.outcome) == [.failed, .refused, .success])
        #expect(try await inventory.audit(AuditFilter(actor: operatorActor), limit: 10, offset: 0).total == 2)
        #expect(try await inventory.audit(AuditFilter(outcome: .refused), limit: 10, offset: 0).items.map(\.actor) == ["anonymous"])
        #expect(try await inventory.audit(AuditFilter(actionPrefix: "DELETE "), limit: 10, offset: 0).items.map(\.target) == ["/api/v1/nodes/A"])
        #expect(try await inventory.audit(AuditFilter(), limit: 1, offset: 1).items.map(\.status) == [401])
        try await inventory.setAuditRetention(1)
        try await inventory.appendAudit(AuditEntry(actor: "anonymous", role: nil, action: "GET /api/v1/links", target: "/api/v1/links", status: 401))
        #expect(try await inventory.audit(AuditFilter(), limit: 10, offset: 0).items.map(\.action) == ["GET /api/v1/links"])
    }

    static let checks: [StorageCheck] = [
        StorageCheck("eventsAreOrderedPagedAndTrimmed") { try await Self(storage: $0).eventsAreOrderedPagedAndTrimmed() },
        StorageCheck("theAuditLogIsNewestFirstAndFiltered") { try await Self(storage: $0).theAuditLogIsNewestFirstAndFiltered() },
    ]
}
