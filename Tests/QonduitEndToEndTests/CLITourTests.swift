import AsyncHTTPClient
import Foundation
import NIOCore
import QonduitControllerTestSupport
import QonduitTestSupport
import Testing

/// The commands a user reaches for, run as a user would against a real controller.
@Suite struct CLITourTests {
    func metro() throws -> String {
        try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!.path
    }

    @Test func nodesLinksAgentsAndTheTopologyCanBeShownSetAndExported() async throws {
        let controller = try await ControllerProcess.start(extraArguments: ["--topology", try metro()])
        defer { controller.terminate() }
        let server = ["--server", controller.baseURL]

        let node = try await QonduitBinary.run(["nodes", "show", "mad-norte"] + server)
        #expect(
            node.status == 0 && node.stdout.contains("node mad-norte") && node.stdout.contains("no agent has registered"),
            "\(node.stdout)\(node.stderr)")
        #expect(node.stdout.contains("link mad-L1"), "\(node.stdout)")
        let missing = try await QonduitBinary.run(["nodes", "show", "nowhere"] + server)
        #expect(missing.status != 0 && missing.stderr.contains("404"), "\(missing.stderr)")

        let agents = try await QonduitBinary.run(["agents", "list"] + server)
        #expect(agents.status == 0 && agents.stdout.contains("0 agents"), "\(agents.stdout)\(agents.stderr)")

        let down = try await QonduitBinary.run(["links", "set", "mad-L1", "--status", "down"] + server)
        #expect(down.status == 0 && down.stdout.contains("in force down"), "\(down.stdout)\(down.stderr)")
        let sideways = try await QonduitBinary.run(["links", "set", "mad-L1", "--status", "sideways"] + server)
        #expect(sideways.status != 0 && sideways.stderr.contains("--status"), "\(sideways.stderr)")
        _ = try await QonduitBinary.run(["links", "set", "mad-L1", "--status", "up"] + server)
        let shown = try await QonduitBinary.run(["links", "show", "mad-L1"] + server)
        #expect(
            shown.status == 0 && shown.stdout.contains("in force:") && shown.stdout.contains("planned:") && shown.stdout.contains("measured:"),
            "\(shown.stdout)")
        #expect(shown.stdout.contains("0 key paths over it"), "\(shown.stdout)")

        let file = TestFiles.path("export", suffix: ".graphml")
        let exported = try await QonduitBinary.run(["topology", "export", "--format", "graphml", "-o", file] + server)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("<graphml"))
        let native = try await QonduitBinary.run(["topology", "export"] + server)
        #expect(native.status == 0 && native.stdout.contains("<networks") && native.stdout.contains("mad-L1"))
        let unwritable = try await QonduitBinary.run(["topology", "export", "-o", "/nonexistent/dir/x.xml"] + server)
        #expect(unwritable.status != 0 && unwritable.stderr.contains("cannot write"), "\(unwritable.stderr)")

        let paths = try await QonduitBinary.run(["paths", "list"] + server)
        #expect(paths.status == 0 && paths.stdout.contains("0 key paths"), "\(paths.stdout)")
    }

    @Test func inputsAreTakenInTheFormsAUserTypesAndRefusedNamingTheFlag() async throws {
        let controller = try await ControllerProcess.start()
        defer { controller.terminate() }
        let server = ["--server", controller.baseURL]
        let dated = try await QonduitBinary.run(["tokens", "create", "--role", "viewer", "--expires", "2099-01-31"] + server)
        #expect(dated.status == 0 && dated.stderr.contains("expires 2099-01-31T23:59:59"), "\(dated.stderr)")
        let actor = try await QonduitBinary.run(["audit", "--actor", "bob"] + server)
        #expect(actor.status != 0 && actor.stderr.contains("--actor must be token:ID"), "\(actor.stderr)")
        let since = try await QonduitBinary.run(["audit", "--since", "yesterday"] + server)
        #expect(since.status != 0 && since.stderr.contains("--since must be") && !since.stderr.contains("?since"), "\(since.stderr)")
        // Times are read one way everywhere: a duration, as --expires takes, means that long ago here.
        let recent = try await QonduitBinary.run(["audit", "--since", "1h", "--json"] + server)
        #expect(recent.status == 0 && recent.stdout.contains("POST /api/v1/tokens"), "\(recent.stdout)\(recent.stderr)")
        let future = try await QonduitBinary.run(["audit", "--since", "2099-01-31"] + server)
        #expect(future.status == 0 && !future.stdout.contains("POST"), "nothing after a date to come: \(future.stdout)")
        // A filter naming what is not there is told, not answered with an empty list.
        let nowhere = try await QonduitBinary.run(["paths", "list", "--node", "nowhere"] + server)
        #expect(nowhere.status != 0 && nowhere.stderr.contains("404") && nowhere.stderr.contains("'nowhere'"), "\(nowhere.stderr)")
        // A negative rate is a bad rate, not a missing value.
        let negative = try await QonduitBinary.run(["paths", "provision", "a", "b", "--rate", "-1"] + server)
        #expect(negative.status != 0 && negative.stderr.contains("--rate must be a positive number"), "\(negative.stderr)")
        let both = try await QonduitBinary.run(["bench", "codec", "--seconds", "1", "--count", "10"])
        #expect(both.status != 0 && both.stderr.contains("exclude each other"), "\(both.stderr)")
        let badServer = try await ProcessRunner.run(QonduitBinary.path, ["nodes", "list"], environment: ["QONDUIT_SERVER": "ftp://nowhere"])
        #expect(badServer.status != 0 && badServer.stderr.contains("QONDUIT_SERVER must be an http(s) URL"), "\(badServer.stderr)")
        let help = try await QonduitBinary.run(["serve", "--help"])
        #expect(help.stdout.contains("default: 127.0.0.1:8080") && !help.stdout.contains("ListenAddress("), "\(help.stdout)")
    }

    /// Every command's help is shown: an option two option groups both name fails only when parsed.
    @Test func everyCommandsHelpIsShown() async throws {
        var pending: [[String]] = [[]]
        var seen = 0
        while let path = pending.popLast() {
            let help = try await QonduitBinary.run(path + ["--help"])
            #expect(
                help.status == 0 && !help.stdout.contains("Validation failed"),
                "qonduit \(path.joined(separator: " ")) --help: \(help.stdout)\(help.stderr)")
            seen += 1
            guard let listed = help.stdout.range(of: "SUBCOMMANDS:\n"), path.count < 4 else { continue }
            // The list ends at its first blank line; each entry is a lower-case name, two spaces in.
            for line in help.stdout[listed.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).prefix(while: { !$0.isEmpty }) {
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first, name != "help",
                    name.allSatisfy({ $0.isLowercase || $0 == "-" })
                else { continue }
                pending.append(path + [String(name)])
            }
        }
        #expect(seen > 30, "every subcommand is reached (\(seen))")
    }

    @Test(arguments: [30, 60, 100])
    func benchPathsRunsOnGeneratedGraphsOfAnySize(_ nodes: Int) async throws {
        let result = try await QonduitBinary.run(["bench", "paths", "--generate", String(nodes), "--pairs", "20"])
        #expect(result.status == 0 && result.stdout.contains("max_flow median_us="), "\(result.stdout)\(result.stderr)")
    }

    @Test func everyBenchmarkRunsAtASmallSize() async throws {
        let importing = try await QonduitBinary.run(["bench", "import", "--nodes", "20", "--links", "30", "--runs", "1"])
        #expect(importing.status == 0 && importing.stdout.contains("topology_get median_ms="), "\(importing.stdout)\(importing.stderr)")
        let codec = try await QonduitBinary.run(["bench", "codec", "--count", "20", "--links", "2"])
        #expect(codec.status == 0 && codec.stdout.contains("node_decode"), "\(codec.stdout)\(codec.stderr)")
        let ingest = try await QonduitBinary.run(["bench", "ingest", "--agents", "4", "--concurrency", "2", "--seconds", "0.5"])
        #expect(ingest.status == 0, "\(ingest.stdout)\(ingest.stderr)")

        let controller = try await ControllerProcess.start(extraArguments: ["--topology", try metro()])
        defer { controller.terminate() }
        let fleet = try await AgentFleetProcess.start(controller: controller.baseURL, count: 6)
        defer { fleet.terminate() }
        let server = ["--server", controller.baseURL]
        _ = try await eventually(60) {
            let listed = jsonArray(try await QonduitBinary.run(["agents", "list", "--json"] + server).stdout)
            return listed.count == 6 && listed.allSatisfy { $0["state"] as? String == "reachable" }
        }
        let agents = try await QonduitBinary.run(["agents", "list"] + server)
        #expect(agents.stdout.contains("registered") && agents.stdout.contains("6 agents"), "\(agents.stdout)")
        let page = try await HTTPClient.shared.execute(
            HTTPClientRequest.authorized(url: "\(controller.baseURL)/api/v1/agents?limit=2&offset=1"), timeout: .seconds(30))
        let body = try JSONSerialization.jsonObject(with: Data(String(buffer: try await page.body.collect(upTo: 1 << 20)).utf8)) as? [String: Any]
        #expect(
            (body?["items"] as? [Any])?.count == 2 && body?["total"] as? Int == 6, "agents are paged like every listing: \(String(describing: body))")
        let provision = try await QonduitBinary.run(["bench", "provision", "--paths", "20", "--concurrency", "4"] + server)
        #expect(provision.status == 0 && provision.stdout.contains("active=20"), "\(provision.stdout)\(provision.stderr)")
        let reroute = try await QonduitBinary.run(["bench", "reroute", "--paths", "20", "--via", "api", "--timeout", "60"] + server)
        #expect(reroute.status == 0, "\(reroute.stdout)\(reroute.stderr)")

        // A multipath key path shows each route by its number, and its application.
        let multipath = try await QonduitBinary.run(
            [
                "paths", "provision", "mad-norte", "mad-upm", "--rate", "10", "--protection", "multipath", "--paths", "2",
                "--client-app", "urn:app:a", "--server-app", "urn:app:b",
            ] + server)
        #expect(
            multipath.status == 0 && multipath.stdout.contains("route 1 of 2") && multipath.stdout.contains("route 2 of 2"),
            "\(multipath.stdout)\(multipath.stderr)")
        #expect(multipath.stdout.contains("client urn:app:a, server urn:app:b") && !multipath.stdout.contains("primary route"), "\(multipath.stdout)")
    }
}
