import Foundation
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

    @Test func aSecondControllerIsRefusedUntilTheFirstDiesAndBadCredentialsSayWhy() async throws {
        let databases = ScratchDatabases()
        let database = try await databases.database().description
        let directory = try TestFiles.newDirectory("postgres-serve")
        let tokenFile = directory.appendingPathComponent("admin.token").path
        let storage = [
            "--admin-token-file", tokenFile, "--device-key-file", directory.appendingPathComponent("device.key").path,
        ]
        let password = ["PGPASSWORD": PostgresTestServer.password ?? ""]

        let wrong = try await serveExpectingExit(["--db", database] + storage, environment: ["PGPASSWORD": "not-the-password"])
        #expect(wrong.status != 0 && wrong.status != 124, "refused at once: \(wrong.status)")
        #expect(wrong.stderr.contains("password authentication failed") && !wrong.stderr.contains("not-the-password"), "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tokenFile), "nothing written for a controller that did not start")

        let first = try await offThePool {
            try ControllerProcess(database: database, extraArguments: storage + ["--db-password-file", try Self.passwordFile(in: directory)])
        }
        #expect(first.token.hasPrefix("qdt_"))
        let second = try await serveExpectingExit(["--db", database] + storage, environment: password)
        #expect(second.status != 0 && second.status != 124, "\(second.status)")
        #expect(
            second.stderr.contains("in use by another controller (qonduit serve (pid \(first.process.processIdentifier)"), "\(second.stderr)")
        try await first.kill()

        // The lock died with its holder; the database keeps its token (none is written again).
        let third = try await offThePool {
            try ControllerProcess(database: database, extraArguments: storage + ["--db-password-file", try Self.passwordFile(in: directory)])
        }
        #expect(third.token == first.token)
        #expect(try await QonduitBinary.run(["nodes", "list", "--server", third.baseURL]).status == 0)
        try await third.stop()
        await databases.removeAll()
    }

    static func passwordFile(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("password").path
        try ((PostgresTestServer.password ?? "") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
