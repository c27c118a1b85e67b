import Foundation
import QonduitCore
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Testing

/// The repair service waits for the inventory to change instead of polling it.
struct RevisionWaitChecks {
    let storage: StorageUnderTest

    func aWaiterWakesAtTheNextWriteAndNotBefore() async throws {
        let inventory = try await storage.store()
        let seen = inventory.revision
        // Changed already: no wait.
        _ = try await inventory.createNode(QKDNode(id: try NodeID("a")))
        await inventory.waitForChange(from: seen)

        let now = inventory.revision
        let woken = Task {
            await inventory.waitForChange(from: now)
            return inventory.revision
        }
        try await Task.sleep(for: .milliseconds(50))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("b")))
        #expect(await woken.value > now)
    }

    /// An agent's routine reports (alive, key pool levels) change nothing anyone watches: repair
    /// and the event streams are not woken for them; a status change, an alarm or a return is news.
    func onlyReportsThatChangeWhatIsWatchedMoveTheRevision() async throws {
        let inventory = try await storage.store()
        let uuid = try #require(QKDUUID("5a1d7c1e-0000-4000-8000-000000000001"))
        let qkdl = try #require(QKDUUID("5a1d7c1e-0000-4000-8000-0000000000aa"))
        let node = try await inventory.registerAgent(
            AgentRegistration(qkdnID: uuid, restconfURL: "http://127.0.0.1:1", tree: "<qkd_node/>", nodeStatus: .up, links: []),
            autoOnboard: true, heartbeatIntervalMs: 1_000
        ).nodeID
        _ = try await inventory.createNode(QKDNode(id: try NodeID("far")))
        var link = QKDLink(id: try LinkID("l"), nodeA: node, nodeB: try NodeID("far"), lengthKm: 1, keyRateBps: 1_000)
        link.qkdlID = qkdl
        _ = try await inventory.createLink(link)

        var revision = inventory.revision
        _ = try await inventory.applyAgentReports(from: uuid, [.heartbeat])
        _ = try await inventory.applyAgentReports(from: uuid, [.keyPool(link: qkdl, bits: 4_096), .nodeStatus(.up)])
        #expect(inventory.revision == revision, "alive, as it was, with key in its pool")

        _ = try await inventory.applyAgentReports(from: uuid, [.link(ReportedLink(qkdlID: qkdl, status: .down))])
        #expect(inventory.revision > revision, "a link went down")
        revision = inventory.revision
        _ = try await inventory.applyAgentReports(
            from: uuid, [.alarm(AgentAlarm(kind: .alarm, about: "link", id: nil, status: nil, message: "cut", severity: nil))])
        #expect(inventory.revision > revision, "an alarm is logged for the event streams")
        revision = inventory.revision
        _ = try await inventory.applyAgentReports(from: uuid, [.nodeStatus(.down)])
        #expect(inventory.revision > revision, "the node went down")
    }

    func cancellingAWaiterEndsItsWait() async throws {
        let inventory = try await storage.store()
        let waiting = Task { await inventory.waitForChange(from: inventory.revision) }
        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        await waiting.value  // returns, though nothing was written (a wait that ignored cancellation would hang until the time limit)
    }

    static let checks: [StorageCheck] = [
        StorageCheck("aWaiterWakesAtTheNextWriteAndNotBefore") { try await Self(storage: $0).aWaiterWakesAtTheNextWriteAndNotBefore() },
        StorageCheck("onlyReportsThatChangeWhatIsWatchedMoveTheRevision") {
            try await Self(storage: $0).onlyReportsThatChangeWhatIsWatchedMoveTheRevision()
        },
        StorageCheck("cancellingAWaiterEndsItsWait") { try await Self(storage: $0).cancellingAWaiterEndsItsWait() },
    ]
}
