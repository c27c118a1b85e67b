import Foundation
import QonduitControllerTestSupport
import QonduitTestSupport
import Testing

/// README's walk-through, run as written: the block after its `<!-- walk-through` marker, against a
/// controller started as README's first command starts it (Benelux, `qonduit.sqlite` and its
/// `qonduit-admin.token` in the directory the commands run from), so that README cannot drift.
@Suite struct ReadmeWalkThroughTests {
    static func walkThrough() throws -> String {
        let readme = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        guard let marker = readme.range(of: "<!-- walk-through"),
            let open = readme.range(of: "```sh\n", range: marker.upperBound..<readme.endIndex),
            let close = readme.range(of: "\n```", range: open.upperBound..<readme.endIndex)
        else { throw ControllerFailed(message: "README.md has no walk-through block after a <!-- walk-through marker") }
        return String(readme[open.upperBound..<close.lowerBound])
    }

    @Test func theWalkThroughRunsAsWritten() async throws {
        let block = try Self.walkThrough()
        let directory = try TestFiles.newDirectory("walk-through")
        // The commands run from the checkout: its topology files are where they say.
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("Topologies"), withDestinationURL: RepositoryPaths.topologies)
        let benelux = RepositoryPaths.topologies.appendingPathComponent("benelux-multicity.xml").path
        let controller = try await ControllerProcess.start(
            database: directory.appendingPathComponent("qonduit.sqlite").path, extraArguments: ["--topology", benelux])
        defer { controller.terminate() }
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("qonduit-admin.token").path))
        let deviceKey = directory.appendingPathComponent("qonduit-device.key").path
        let mode = try FileManager.default.attributesOfItem(atPath: deviceKey)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the key that seals device credentials is written beside the database, for its owner alone")

        // This controller's port instead of 8080, and the CLI under test where `swift run` would have built it.
        let binaries = URL(fileURLWithPath: QonduitBinary.path).deletingLastPathComponent().path
        let script =
            "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
            + block
            .replacingOccurrences(of: "localhost:8080", with: "127.0.0.1:\(controller.port)")
            .replacingOccurrences(of: "$PWD/.build/debug", with: binaries)
        func walk() async throws -> ProcessResult {
            try await ProcessRunner.run(
                "/usr/bin/timeout", ["300", "/bin/bash", "-euo", "pipefail", "-c", script],
                environment: ["QONDUIT_SERVER": controller.baseURL, "QONDUIT_TOKEN": "", "PWD": directory.path],
                workingDirectory: directory
            )
        }
        let result = try await walk()
        #expect(result.status == 0, "the walk-through stopped (exit \(result.status)):\n\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("34 nodes") && result.stdout.contains("34 agents, 34 reachable"), "\(result.stdout)")
        #expect(result.stdout.contains("onboarded") && result.stdout.contains("json"), "the standard devices are onboarded: \(result.stdout)")
        #expect(result.stdout.contains(": active") && result.stdout.contains("1 key path over it"), "\(result.stdout)")
        #expect(result.stdout.contains("link bnl-L26: set down, in force down"), "\(result.stdout)")
        #expect(result.stdout.contains(#""unchanged":34"#), "re-importing the unchanged file changes nothing: \(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("benelux-export.xml").path))

        // Again, on the database the first run left: it works from any state it leaves.
        let again = try await walk()
        #expect(again.status == 0, "the walk-through stopped the second time (exit \(again.status)):\n\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.contains("34 agent(s) removed") && again.stdout.contains("34 agents, 34 reachable"), "\(again.stdout)")
        #expect(again.stdout.contains(": active") && again.stdout.contains(#""unchanged":34"#), "\(again.stdout)")
        #expect(!again.stderr.contains("not onboarded"), "every device onboarded again: \(again.stderr)")
    }
}
