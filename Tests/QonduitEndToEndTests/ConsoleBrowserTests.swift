import Foundation
import QonduitAPI
import QonduitControllerTestSupport
import QonduitCore
import QonduitStorage
import QonduitTestSupport
import Testing

/// The operator console in a real headless browser (Debian's chromium and chromium-driver through
/// Selenium, which `scripts/test` installs), against the whole controller in process with a simulated
/// agent per node of the Benelux network: Tests/Browser/console_scenarios.py says what it checks.
/// Screenshots land in the test run's files (TestFiles).
@Suite(.serialized) struct ConsoleBrowserTests {
    @Test func anOperatorAndAViewerUseTheConsoleInABrowser() async throws {
        let python = try #require(ProcessRunner.which("python3"))
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing: scripts/test installs chromium and chromium-driver")
        }
        let benelux = RepositoryPaths.topologies.appendingPathComponent("benelux-multicity.xml")
        let controller = try await InProcessController.start(topology: benelux, api: APIConfiguration(maxImportBytes: 200_000))
        let fleet = try await InProcessAgentFleet.start(for: controller)
        let directory = try TestFiles.newDirectory("console")
        func file(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let admin = try file("admin.token", controller.token)
        let viewer = try file("viewer.token", try await controller.token(.viewer))
        let operatorToken = try file("operator.token", try await controller.token(.operator))
        let badTopology = try file("bad.xml", "<network>\n<node id=\"a\">\n</network>\n")
        let hugeTopology = try file("huge.xml", "<network>\n" + String(repeating: "<!-- padding -->\n", count: 20_000) + "</network>\n")
        #expect(
            try await eventually(30) {
                try await controller.inventory.agents().filter { $0.state == .reachable }.count == fleet.agents.count
            })
        let result = try await ProcessRunner.run(
            python,
            [
                Self.scenarios, "tour", controller.baseURL,
                "--admin-token-file", admin, "--viewer-token-file", viewer, "--operator-token-file", operatorToken,
                "--source", "ams-bank", "--destination", "rotterdam-port", "--screenshots", directory.appendingPathComponent("screenshots").path,
                "--topology", badTopology, "--huge-topology", hugeTopology,
            ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("ok: the map shows every node (34 of 34)"), "\(result.stdout)")
        await controller.stop()
        fleet.terminate()
    }

    /// `qonduit serve` stopped and started again under an open page: the page resumes after the last
    /// event it saw (the process is the point: it is the controller's restart).
    @Test func theConsoleResumesAfterAControllerRestartWithoutLosingEvents() async throws {
        let python = try #require(ProcessRunner.which("python3"))
        let directory = try TestFiles.newDirectory("console-restart")
        let result = try await ProcessRunner.run(
            python,
            [
                Self.scenarios, "restart", "--qonduit", QonduitBinary.path, "--db", directory.appendingPathComponent("restart.sqlite").path,
                "--listen", "127.0.0.1:0", "--topology", RepositoryPaths.topologies.appendingPathComponent("benelux-multicity.xml").path,
            ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("ok: a change made while the page was reconnecting reaches it"), "\(result.stdout)")
    }

    static let scenarios = RepositoryPaths.root.appendingPathComponent("Tests/Browser/console_scenarios.py").path
}
