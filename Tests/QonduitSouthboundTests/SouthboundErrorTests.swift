import QonduitCore
import QonduitETSI
import QonduitStorage
import Testing

@testable import QonduitSouthbound

/// What an agent is told when its request fails: its own mistakes with what to fix, the
/// controller's failures as a 500 that names none of the controller's internals.
@Suite struct SouthboundErrorTests {
    @Test func theAgentsMistakesAreNamedAndTheControllersOwnAreNot() throws {
        let corrupt = SouthboundError.from(StorageError.corrupt("agent row 7: tree is not UTF-8"))
        #expect(corrupt.status == 500)
        #expect(corrupt.document.entries.map(\.message) == ["the controller failed to handle the request; its log says why"])
        #expect(SouthboundError.from(KeyPathError.keyPathNotFound("k")).status == 500, "not something an agent can ask for")

        let missing = SouthboundError.from(NetworkError.nodeNotFound("lab-3"))
        #expect(missing.status == 404 && missing.document.entries.first?.message == "no node 'lab-3'")
        let link = try #require(QKDUUID("cccccccc-0000-4000-8000-0000000000cc"))
        let foreign = SouthboundError.from(AgentError.unknownReportedLink(link, node: try NodeID("a")))
        #expect(foreign.status == 400 && foreign.document.entries.first?.message.contains("has no link") == true)
    }

    @Test func aFailureIsAnsweredWithoutItsReason() {
        let failure = SouthboundError.failed("SQLite error 10: disk I/O error in /var/lib/qonduit/qonduit.sqlite")
        let body = failure.document.encoded()
        #expect(failure.status == 500)
        #expect(body.contains("operation-failed") && !body.contains("SQLite") && !body.contains("/var/lib"), "\(body)")
    }
}
