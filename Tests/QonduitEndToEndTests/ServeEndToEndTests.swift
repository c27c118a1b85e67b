import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitControllerTestSupport
import QonduitTestSupport
import Testing

/// These tests drive the real `qonduit` executable: `serve` on an ephemeral port and the CLI against it.
@Suite(.serialized) struct ServeEndToEndTests {
    @Test func serveImportsTopologiesAtStartAndTheCLIListsThem() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await ControllerProcess.start(extraArguments: ["--topology", metro.path])
        defer { controller.terminate() }
        let table = try await QonduitBinary.run(["nodes", "list", "--server", controller.baseURL])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("mad-norte") && table.stdout.contains("6 nodes"))
        let json = try await QonduitBinary.run(["links", "list", "--server", controller.baseURL, "--json"])
        #expect(jsonArray(json.stdout).count == 8)
        #expect(jsonArray(json.stdout).allSatisfy { ($0["key_rate_bps"] as? Double ?? 0) > 0 })

        // --json is the API's JSON: the same items with every field, nulls and times as the API wrote them.
        let api = try await HTTPClientRequest.exchange(.GET, "\(controller.baseURL)/api/v1/links?limit=100")
        let items = try #require((try JSONSerialization.jsonObject(with: Data(api.text.utf8)) as? [String: Any])?["items"] as? [Any])
        let printed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Any]
        #expect(printed.map { NSArray(array: $0) } == NSArray(array: items), "\(json.stdout)")
        #expect(api.text.contains(":null") && json.stdout.contains(": null"), "nulls are kept")
        #expect(json.stdout.contains("\n    \"id\": \"mad-L") && !json.stdout.contains("\" :"), "\(json.stdout.prefix(300))")
        let none = try await QonduitBinary.run(["paths", "list", "--server", controller.baseURL, "--json"])
        #expect(none.stdout == "[]\n", "\(none.stdout)")
    }

    /// `serve` wires every part's metrics into `/metrics` (the inventory's write latency among them),
    /// closed to anonymous scrapes unless `--metrics-open`, and serves the console at `/`.
    @Test func serveServesMetricsAndTheConsole() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let closed = try await ControllerProcess.start(extraArguments: ["--topology", metro.path])
        defer { closed.terminate() }
        let anonymous = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(closed.baseURL)/metrics"), timeout: .seconds(30))
        #expect(anonymous.status == .unauthorized)
        let scrape = try await HTTPClientRequest.exchange(.GET, "\(closed.baseURL)/metrics")
        #expect(scrape.status == 200)
        for series in ["qonduit_sqlite_write_duration_seconds_count", #"qonduit_links{status="up"} 8.0"#, "qonduit_http_requests_total"] {
            #expect(scrape.text.contains(series), "\(series)")
        }
        let console = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(closed.baseURL)/"), timeout: .seconds(30))
        #expect(console.status == .ok && console.headers.first(name: "Content-Type") == "text/html; charset=utf-8")

        let open = try await ControllerProcess.start(extraArguments: ["--metrics-open"])
        defer { open.terminate() }
        let openScrape = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(open.baseURL)/metrics"), timeout: .seconds(30))
        #expect(openScrape.status == .ok)
    }

    @Test func theCLIImportsEveryExampleAndEveryFormat() async throws {
        let controller = try await ControllerProcess.start()
        defer { controller.terminate() }
        let files =
            try RepositoryPaths.exampleTopologies().map(\.path)
            + ["networkx.graphml", "yed.graphml", "zoo.graphml", "sndlib.xml"].map(fixturePath)
        for file in files {
            let result = try await QonduitBinary.run(["topology", "import", file, "--server", controller.baseURL])
            #expect(result.status == 0, "\(file): \(result.stderr)")
            #expect(result.stdout.contains("created"))
        }
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest.authorized(url: "\(controller.baseURL)/api/v1/topology"), timeout: .seconds(30)
        )
        let body = try await response.body.collect(upTo: 64 << 20)
        let topology = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: [Any]]
        // 6 + 21 + 34 example nodes, then 4 + 3 + 3 + 4 from the fixtures.
        #expect(topology?["nodes"]?.count == 75)
        let again = try await QonduitBinary.run(["topology", "import", files[0], "--server", controller.baseURL, "--json"])
        let summary = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        #expect((summary?["nodes"] as? [String: Int])?["created"] == 0)
    }

    @Test func theCLIComputesRelayPaths() async throws {
        let backbone = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("backbone") }!
        let controller = try await ControllerProcess.start(extraArguments: ["--topology", backbone.path])
        defer { controller.terminate() }
        let table = try await QonduitBinary.run([
            "paths", "compute", "bjs-beijing", "bjs-jinan", "--metric", "length", "--server", controller.baseURL,
        ])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("bjs-beijing > bjs-r01") && table.stdout.contains("> bjs-jinan"))
        let none = try await QonduitBinary.run(["paths", "compute", "bjs-beijing", "bjs-shanghai", "--max-hops", "2", "--server", controller.baseURL])
        #expect(none.status != 0 && none.stderr.contains("404") && none.stderr.contains("more than 2 hop"))
        #expect(try await QonduitBinary.run(["paths", "compute", "a", "b", "--k", "0"]).status != 0)
        // An unknown node is told once, not once as the problem and again as its only item.
        let unknown = try await QonduitBinary.run(["paths", "compute", "nowhere", "bjs-jinan", "--server", controller.baseURL])
        #expect(unknown.status != 0 && unknown.stderr.contains("no node with id 'nowhere'"), "\(unknown.stderr)")
        #expect(unknown.stderr.components(separatedBy: "nowhere").count == 2, "said once: \(unknown.stderr)")
    }

    @Test func theCLIComputesDisjointPathsMaxFlowAndWaypointsOnAMesh() async throws {
        let benelux = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("benelux") }!
        let controller = try await ControllerProcess.start(extraArguments: ["--topology", benelux.path])
        defer { controller.terminate() }
        let pair = try await QonduitBinary.run(["paths", "compute", "ams-bank", "bru-nato", "--disjoint", "node", "--server", controller.baseURL])
        #expect(pair.status == 0, "\(pair.stderr)")
        #expect(pair.stdout.contains("total rate:") && pair.stdout.contains("over 2 path(s)"), "\(pair.stdout)")
        let flow = try await QonduitBinary.run(["paths", "compute", "ams-bank", "bru-nato", "--max-flow", "--server", controller.baseURL, "--json"])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(flow.stdout.utf8)) as? [String: Any], "\(flow.stderr)")
        let shares = (result["paths"] as? [[String: Any]] ?? []).compactMap { $0["rate_bps"] as? Double }
        #expect(!shares.isEmpty && abs(shares.reduce(0, +) - (result["total_rate_bps"] as? Double ?? -1)) < 1e-6)
        let via = try await QonduitBinary.run(["paths", "compute", "ams-bank", "bru-nato", "--include-node", "ghent", "--server", controller.baseURL])
        #expect(via.status == 0 && via.stdout.contains("> ghent >"), "\(via.stdout)\(via.stderr)")
        let three = try await QonduitBinary.run([
            "paths", "compute", "ams-bank", "bru-nato", "--disjoint", "link", "--k", "3", "--server", controller.baseURL,
        ])
        #expect(three.status != 0 && three.stderr.contains("only 2 link-disjoint"), "\(three.stderr)")
        let conflicting = try await QonduitBinary.run(["paths", "compute", "a", "b", "--max-flow", "--max-hops", "3"])
        #expect(conflicting.status != 0 && conflicting.stderr.contains("--max-hops"))
    }

    @Test func theInventorySurvivesARestart() async throws {
        let first = try await ControllerProcess.start()
        let file = try RepositoryPaths.exampleTopologies()[0].path
        #expect(try await QonduitBinary.run(["topology", "import", file, "--server", first.baseURL]).status == 0)
        let before = try await QonduitBinary.run(["nodes", "list", "--server", first.baseURL, "--json"]).stdout
        #expect(try await first.stop() == 0, "graceful shutdown on SIGTERM exits 0")
        let second = try await ControllerProcess.start(database: first.databasePath)
        defer { second.terminate() }
        let after = try await QonduitBinary.run(["nodes", "list", "--server", second.baseURL, "--json"]).stdout
        #expect(!jsonArray(after).isEmpty && after == before)
    }

    @Test func anOperatorsLinkDownSurvivesARestartWithTheSameTopologyFile() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!.path
        let first = try await ControllerProcess.start(extraArguments: ["--topology", metro])
        let down = try await QonduitBinary.run(["links", "set", "mad-L1", "--status", "down", "--server", first.baseURL])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(try await first.stop() == 0)
        // The file says up: the operator's maintenance stands all the same, and the import says so.
        let second = try await ControllerProcess.start(database: first.databasePath, extraArguments: ["--topology", metro])
        defer { second.terminate() }
        let link = try await QonduitBinary.run(["links", "show", "mad-L1", "--server", second.baseURL, "--json"])
        let shown = try JSONSerialization.jsonObject(with: Data(link.stdout.utf8)) as? [String: Any]
        #expect((shown?["link"] as? [String: Any])?["status"] as? String == "down", "\(link.stdout)\(link.stderr)")
        #expect((shown?["link"] as? [String: Any])?["held_down"] as? Bool == true)
        let table = try await QonduitBinary.run(["links", "show", "mad-L1", "--server", second.baseURL])
        #expect(table.stdout.contains("held down by an operator"), "\(table.stdout)")
        #expect(try await QonduitBinary.run(["links", "set", "mad-L1", "--status", "up", "--server", second.baseURL]).status == 0)
        let released = try await QonduitBinary.run(["links", "show", "mad-L1", "--server", second.baseURL])
        #expect(!released.stdout.contains("held down") && released.stdout.contains("in force:  up"), "\(released.stdout)")
    }

    @Test func importErrorsReachTheOperatorWithLines() async throws {
        let controller = try await ControllerProcess.start()
        defer { controller.terminate() }
        let result = try await QonduitBinary.run(["topology", "import", fixturePath("broken-references.xml"), "--server", controller.baseURL])
        #expect(result.status != 0)
        #expect(result.stderr.contains("422") && result.stderr.contains("line 18: link 'L1': node_b refers to unknown node 'Z'"))
        #expect(jsonArray(try await QonduitBinary.run(["nodes", "list", "--server", controller.baseURL, "--json"]).stdout).isEmpty)
    }

    @Test func serveRefusesABadTopologyFileAtStart() async throws {
        let result = try await QonduitBinary.run([
            "serve", "--db", TestFiles.path("inventory", suffix: ".sqlite"),
            "--listen", "127.0.0.1:0", "--topology", fixturePath("broken-references.xml"),
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("broken-references.xml:18: link 'L1'"))
    }

    @Test(arguments: [
        ["serve", "--listen", "nowhere"],
        ["serve", "--listen", "127.0.0.1:70000"],
        ["serve", "--max-import-bytes", "0"],
        ["serve", "--fiber-loss-db-per-km", "-0.2"],
        ["nodes", "list", "--server", "not a url"],
        ["topology", "convert", "x.xml", "--to", "yaml"],
    ])
    func badArgumentsAreRefusedWithAMessage(_ arguments: [String]) async throws {
        let result = try await QonduitBinary.run(arguments)
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
    }

    @Test func clientCommandsExplainAnUnreachableController() async throws {
        let result = try await QonduitBinary.run(["nodes", "list", "--server", "http://127.0.0.1:1"])
        #expect(result.status != 0 && result.stderr.contains("cannot reach the controller at http://127.0.0.1:1: nothing listens on 127.0.0.1:1"))
        #expect(!result.stderr.contains("errno") && !result.stderr.contains("error set"), "in the user's terms: \(result.stderr)")
    }
}

@Suite struct OfflineTopologyCommandTests {
    @Test func validateSummarisesAGoodFile() async throws {
        let file = try RepositoryPaths.exampleTopologies()[0].path
        let result = try await QonduitBinary.run(["topology", "validate", file])
        #expect(result.status == 0 && result.stdout.contains("valid qonduit topology"))
    }

    @Test func validateListsEveryProblemAsFileLineMessage() async throws {
        let file = fixturePath("broken-references.xml")
        let result = try await QonduitBinary.run(["topology", "validate", file])
        #expect(result.status != 0)
        for line in [13, 15, 18, 24, 28] { #expect(result.stderr.contains("\(file):\(line): "), "line \(line)") }
    }

    @Test func validateRefusesMissingAndHostileFiles() async throws {
        #expect(try await QonduitBinary.run(["topology", "validate", "/nonexistent.xml"]).stderr.contains("cannot read"))
        let bomb = URL(fileURLWithPath: TestFiles.path("bomb", suffix: ".xml"))
        try #"<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#.write(to: bomb, atomically: true, encoding: .utf8)
        let result = try await QonduitBinary.run(["topology", "validate", bomb.path])
        #expect(result.status != 0 && result.stderr.contains("DOCTYPE"))
    }

    @Test func convertWritesAFileThatValidatesAndReadsBack() async throws {
        let output = URL(fileURLWithPath: TestFiles.path("converted", suffix: ".xml"))
        let converted = try await QonduitBinary.run(["topology", "convert", fixturePath("zoo.graphml"), "--to", "qonduit", "-o", output.path])
        #expect(converted.stderr.contains("wrote \(output.path) (qonduit, "), "says what it wrote, as export does: \(converted.stderr)")
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(try await YANGValidator.topologyProblems(try String(contentsOf: output, encoding: .utf8)).isEmpty)
        let validated = try await QonduitBinary.run(["topology", "validate", output.path])
        #expect(validated.stdout.contains("3 nodes") && validated.stdout.contains("2 links"))
        let graphml = try await QonduitBinary.run(["topology", "convert", output.path, "--to", "graphml"])
        #expect(graphml.stdout.contains("<graphml"))
    }
}
