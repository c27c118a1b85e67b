import Foundation
import QonduitControllerTestSupport
import QonduitTestSupport
import Testing

/// One controller per database, and each database's admin token in a file of its own.
@Suite struct DatabaseOwnershipTests {
    /// `qonduit serve` that must exit by itself: `timeout` ends it if it does not, so that a regression fails instead of hanging.
    func serveExpectingExit(_ arguments: [String]) async throws -> ProcessResult {
        try await ProcessRunner.run("/usr/bin/timeout", ["30", QonduitBinary.path, "serve", "--listen", "127.0.0.1:0"] + arguments)
    }

    @Test func aSecondControllerOnTheSameDatabaseRefusesAndTheLockDiesWithItsHolder() async throws {
        let first = try await ControllerProcess.start()
        let second = try await serveExpectingExit(["--db", first.databasePath])
        #expect(second.status != 0 && second.status != 124, "refused at once, not left running: \(second.status)")
        #expect(
            second.stderr.contains(
                "the database '\(first.databasePath)' is in use by another qonduit serve (pid \(first.process.processIdentifier))"),
            "\(second.stderr)")
        #expect(second.stderr.contains(first.databasePath + ".lock"), "\(second.stderr)")
        try await first.kill()
        let third = try await ControllerProcess.start(database: first.databasePath)
        defer { third.terminate() }
        #expect(try await QonduitBinary.run(["nodes", "list", "--server", third.baseURL]).status == 0, "SIGKILL released the lock")
    }

    @Test func twoDatabasesInOneDirectoryKeepTheirOwnAdminTokens() async throws {
        let directory = try TestFiles.newDirectory("two-databases")
        let a = try await ControllerProcess.start(database: directory.appendingPathComponent("a.sqlite").path)
        try await a.stop()
        let b = try await ControllerProcess.start(database: directory.appendingPathComponent("b.sqlite").path)
        defer { b.terminate() }
        #expect(a.tokenFile.hasSuffix("/a-admin.token") && b.tokenFile.hasSuffix("/b-admin.token"))
        #expect(try String(contentsOfFile: a.tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == a.token)
        #expect(a.token != b.token)
    }

    @Test func anAdminTokenFileOfAnEarlierDatabaseIsNeverOverwritten() async throws {
        let directory = try TestFiles.newDirectory("earlier-token")
        let tokenFile = directory.appendingPathComponent("inventory-admin.token").path
        try "qdt_the-token-of-an-earlier-database\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("inventory.sqlite").path
        let refused = try await serveExpectingExit(["--db", database])
        #expect(refused.status != 0 && refused.status != 124, "\(refused.status)")
        #expect(refused.stderr.contains("'\(tokenFile)' already exists") && refused.stderr.contains("not overwritten"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: tokenFile, encoding: .utf8) == "qdt_the-token-of-an-earlier-database\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(left == ["inventory-admin.token"], "refused before anything was created: \(left)")
        // Nothing was stored: once the file is moved away, the database gets its first admin token after all.
        try FileManager.default.removeItem(atPath: tokenFile)
        let controller = try await ControllerProcess.start(database: database)
        defer { controller.terminate() }
        #expect(controller.token.hasPrefix("qdt_") && controller.token.count == 68)
    }

    @Test func aThrowawayRunSaysWhereItsTokenWentAndTakesItAway() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: QonduitBinary.path)
        process.arguments = ["serve", "--db", ":memory:", "--listen", "127.0.0.1:0", "--log-level", "warning"]
        process.currentDirectoryURL = TestFiles.workingDirectory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = try await offThePool {
            var text = ""
            while !text.contains("listening on"), process.isRunning {
                text += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            }
            return text
        }
        let line = try #require(text.split(separator: "\n").first { $0.contains("admin token in ") }, "\(text)")
        let path = String(line.split(separator: " ")[4])
        #expect(path.hasPrefix(FileManager.default.temporaryDirectory.path) && path.hasSuffix("-admin.token"), "\(line)")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(
            !FileManager.default.fileExists(atPath: TestFiles.workingDirectory.appendingPathComponent("qonduit-admin.token").path),
            "nothing is written to the current directory")
        process.terminate()
        _ = try await offThePool { process.waitUntilExit() }
        #expect(!FileManager.default.fileExists(atPath: path), "a throwaway token goes with its run")
    }
}
