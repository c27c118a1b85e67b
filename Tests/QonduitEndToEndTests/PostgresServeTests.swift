import AsyncHTTPClient
import Foundation
import NIOHTTP1
import QonduitPostgres
import QonduitPostgresTestSupport
import QonduitTestSupport
import Testing

/// `qonduit serve --db postgres://…` as an operator starts it: the password never on the command
/// line, one controller per database, and the server's own reason when it refuses.
@Suite(.enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresServeTests {
    func serveExpectingExit(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
        try await ProcessRunner.run(
            "/usr/bin/timeout", ["30", QonduitBinary.path, "serve", "--listen", "127.0.0.1:0"] + arguments, environment: environment)
    }

    @Test func badCredentialsSayWhyAndNothingIsWritten() async throws {
        let databases = ScratchDatabases()
        let database = try await databases.databaseWithPassword().description
        let directory = try TestFiles.newDirectory("postgres-credentials")
        let tokenFile = directory.appendingPathComponent("admin.token").path
        let wrong = try await serveExpectingExit(
            ["--db", database, "--admin-token-file", tokenFile], environment: ["PGPASSWORD": "not-the-password"])
        #expect(wrong.status != 0 && wrong.status != 124, "refused at once: \(wrong.status)")
        #expect(wrong.stderr.contains("password authentication failed") && !wrong.stderr.contains("not-the-password"), "\(wrong.stderr)")
        let none = try await serveExpectingExit(["--db", database, "--admin-token-file", tokenFile], environment: ["PGPASSWORD": ""])
        #expect(none.stderr.contains("the server asks for a password: give it in PGPASSWORD or --db-password-file"), "\(none.stderr)")
        let missing = try await serveExpectingExit(
            ["--db", database, "--admin-token-file", tokenFile, "--db-password-file", directory.appendingPathComponent("absent").path])
        #expect(missing.stderr.contains("cannot read the database password file"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tokenFile), "nothing written for a controller that did not start")
        await databases.removeAll()
    }

    /// Two controllers on one database: one leads, the other answers reads and sends writes on to it;
    /// when the leader is killed, the other takes over in the next epoch and writes.
    @Test func aFollowerTakesOverWhenTheLeaderDies() async throws {
        let databases = ScratchDatabases()
        let database = try await databases.databaseWithPassword().description
        let directory = try TestFiles.newDirectory("postgres-failover")
        let storage = [
            "--admin-token-file", directory.appendingPathComponent("admin.token").path,
            "--device-key-file", directory.appendingPathComponent("device.key").path,
            "--db-password-file", try Self.passwordFile(in: directory), "--lease-ttl-ms", "1000",
        ]
        let metro = try #require(try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") })
        let leader = try await ControllerProcess.start(database: database, extraArguments: storage + ["--topology", metro.path])
        let follower = try await ControllerProcess.start(database: database, extraArguments: storage)
        defer { follower.terminate() }
        #expect(follower.token == leader.token, "one database, one first admin token")

        func controllers(_ base: String) async throws -> [[String: Any]] {
            let answer = try await HTTPClientRequest.exchange(.GET, "\(base)/api/v1/controllers")
            return (try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        }
        let seen = try await controllers(follower.baseURL)
        let leaders = seen.filter { $0["leader"] as? Bool == true }
        #expect(seen.count == 2 && leaders.count == 1 && leaders.first?["advertise_url"] as? String == leader.baseURL, "\(seen)")
        let epoch = try #require(leaders.first?["epoch"] as? Int)
        let listed = try await QonduitBinary.run(["controllers", "list", "--server", follower.baseURL])
        #expect(listed.status == 0 && listed.stdout.contains("2 controllers, 1 leader") && listed.stdout.contains(leader.baseURL), "\(listed.stdout)")
        #expect(
            try await QonduitBinary.run(["nodes", "list", "--server", follower.baseURL]).stdout.contains("mad-norte"), "reads are the follower's")
        // A write sent to the follower is the leader's to make: the client sees the leader's answer.
        let forwarded = try await HTTPClientRequest.exchange(.PATCH, "\(follower.baseURL)/api/v1/nodes/mad-norte", json: #"{"name":"Norte"}"#)
        #expect(forwarded.status == 200 && forwarded.text.contains(#""name":"Norte""#), "\(forwarded.status) \(forwarded.text)")
        let refused = try await HTTPClientRequest.exchange(.PATCH, "\(follower.baseURL)/api/v1/nodes/nowhere", json: #"{"name":"X"}"#)
        #expect(refused.status == 404 && refused.text.contains("nowhere"), "the leader's refusal too: \(refused.text)")
        let audit = try await HTTPClientRequest.exchange(.GET, "\(leader.baseURL)/api/v1/audit?action=PATCH")
        #expect(audit.text.components(separatedBy: "PATCH /api/v1/nodes").count - 1 == 2, "audited once each, by the leader: \(audit.text)")
        // The follower's event stream sees the leader's change (LISTEN/NOTIFY wakes it).
        let events = try await QonduitBinary.run(["events", "--after", "0", "--no-follow", "--server", follower.baseURL])
        #expect(events.stdout.contains("node.") || events.stdout.contains("topology.imported"), "\(events.stdout)")

        try await leader.kill()
        #expect(
            try await eventually(30) {
                try await controllers(follower.baseURL).contains {
                    $0["leader"] as? Bool == true && $0["advertise_url"] as? String == follower.baseURL
                }
            }, "the follower took over")
        let now = try await controllers(follower.baseURL).first { $0["leader"] as? Bool == true }
        #expect((now?["epoch"] as? Int ?? 0) > epoch, "a new epoch: \(String(describing: now))")
        let written = try await HTTPClientRequest.exchange(.PATCH, "\(follower.baseURL)/api/v1/nodes/mad-norte", json: #"{"name":"A"}"#)
        #expect(written.status == 200, "the new leader writes itself: \(written.text)")
        let metrics = try await HTTPClientRequest.exchange(.GET, "\(follower.baseURL)/metrics")
        #expect(metrics.text.contains("qonduit_leader{controller=") && metrics.text.contains("} 1"), "\(metrics.text.prefix(300))")
        try await follower.stop()
        await databases.removeAll()
    }

    static func passwordFile(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("password").path
        try ((PostgresTestServer.password ?? "") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
