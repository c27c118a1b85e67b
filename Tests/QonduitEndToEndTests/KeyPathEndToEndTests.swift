import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitControllerTestSupport
import QonduitCore
import QonduitETSI
import QonduitPostgres
import QonduitPostgresTestSupport
import QonduitTestSupport
import Testing

/// Key paths provisioned through a real controller onto real simulated agents, over loopback HTTP.
@Suite(.serialized) struct KeyPathEndToEndTests {
    func send(_ method: HTTPMethod, _ url: String, _ body: String? = nil) async throws -> (status: Int, text: String) {
        try await HTTPClientRequest.exchange(method, url, json: body)
    }

    func object(_ text: String) -> [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:] }

    /// Every key path, and every link's key and reserved rate.
    func state(_ controller: String) async throws -> (paths: [[String: Any]], links: [[String: Any]]) {
        let paths = object(try await send(.GET, "\(controller)/api/v1/key-paths?limit=10000").text)["items"] as? [[String: Any]] ?? []
        let links = object(try await send(.GET, "\(controller)/api/v1/links?limit=10000").text)["items"] as? [[String: Any]] ?? []
        return (paths, links)
    }

    /// The database and the agents agree: each link's reserved rate is what its active and pending
    /// paths hold and no more than its key rate, and the paths listed as holding rate on it are those;
    /// each route's virtual link is on every node of the route with the route's rate, and no agent has
    /// a virtual link no path asks for.
    func inconsistencies(_ controller: String, _ fleet: AgentFleetProcess, skipping skipped: Set<String> = []) async throws -> [String] {
        var problems: [String] = []
        let (paths, links) = try await state(controller)
        var held: [String: Double] = [:]
        var holders: [String: Set<String>] = [:]  // link → key paths
        var wanted: [String: [String: Int]] = [:]  // node → virtual link → bandwidth
        for path in paths where path["state"] as? String != "failed" {
            for route in path["routes"] as? [[String: Any]] ?? [] {
                let rate = route["rate_bps"] as? Double ?? 0
                for link in route["links"] as? [String] ?? [] {
                    held[link, default: 0] += rate
                    holders[link, default: []].insert(path["id"] as? String ?? "")
                }
                for node in route["nodes"] as? [String] ?? [] {
                    wanted[node, default: [:]][route["qkdl_id"] as? String ?? ""] = Int(rate.rounded(.up))
                }
            }
        }
        for link in links {
            let id = link["id"] as? String ?? ""
            let reserved = link["reserved_bps"] as? Double ?? -1
            if abs(reserved - (held[id] ?? 0)) > 1e-6 { problems.append("link \(id) shows \(reserved) reserved, its paths hold \(held[id] ?? 0)") }
            if reserved > (link["key_rate_bps"] as? Double ?? 0) * (1 + 1e-9) { problems.append("link \(id) is over-reserved") }
            let listed = object(try await send(.GET, "\(controller)/api/v1/key-paths?link=\(id)&limit=10000").text)["items"] as? [[String: Any]] ?? []
            let listedIDs = Set(listed.compactMap { $0["id"] as? String })
            if listedIDs != holders[id] ?? [] {
                problems.append("link \(id) lists key paths \(listedIDs.sorted()), its paths are \((holders[id] ?? []).sorted())")
            }
        }
        for (node, restconf) in fleet.agents where !skipped.contains(node) {
            let document = Array(try await send(.GET, "\(restconf)/data/etsi-qkd-sdn-node:qkd_node").text.utf8)
            let tree = try ETSINode.decode(document, encoding: ETSIEncoding(sniffing: document))
            let virtual = Dictionary(
                tree.links.filter { $0.type == .virtual }.map { ($0.id.text, Int($0.virtualBandwidthBps ?? 0)) }, uniquingKeysWith: { a, _ in a })
            let asked = wanted[node] ?? [:]
            if virtual != asked {
                let extra = virtual.filter { asked[$0.key] != $0.value }
                let missing = asked.filter { virtual[$0.key] != $0.value }
                problems.append("agent of \(node) holds \(extra) beyond what the database asks for, and lacks \(missing)")
            }
        }
        return problems
    }

    func expectConsistent(_ controller: String, _ fleet: AgentFleetProcess, skipping skipped: Set<String> = []) async throws {
        let problems = try await inconsistencies(controller, fleet, skipping: skipped)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func keyPathsAreProvisionedOnTheAgentsAndSurviveAControllerKill() async throws {
        try await provisionRerouteAndSurviveAKill(database: nil, storageArguments: [])
    }

    /// The same, with the inventory in PostgreSQL: the password from a file, the token and the device
    /// key where the options say.
    @Test(.enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
    func keyPathsLiveTheSameLifeOnPostgreSQL() async throws {
        let databases = ScratchDatabases()
        let database = try await databases.databaseWithPassword()
        let directory = try TestFiles.newDirectory("postgres-controller")
        let passwordFile = directory.appendingPathComponent("password").path
        try ((PostgresTestServer.password ?? "") + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        do {
            try await provisionRerouteAndSurviveAKill(
                database: database.description,
                storageArguments: [
                    "--admin-token-file", directory.appendingPathComponent("admin.token").path,
                    "--device-key-file", directory.appendingPathComponent("device.key").path, "--db-password-file", passwordFile,
                ])
        } catch {
            await databases.removeAll()
            throw error
        }
        await databases.removeAll()
    }

    func provisionRerouteAndSurviveAKill(database: String?, storageArguments: [String]) async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        // Agents report no measurements here, so link key rates stay put and admission can be checked exactly.
        // Generous liveness: under a loaded suite an agent must not be taken for silent, which is not what this test is about.
        let arguments =
            ["--topology", metro.path, "--heartbeat-interval-ms", "500", "--missed-heartbeats", "20", "--reconcile-interval-ms", "300"]
            + storageArguments
        var controller = try await ControllerProcess.start(database: database, extraArguments: arguments)
        defer { controller.terminate() }
        let fleet = try await AgentFleetProcess.start(controller: controller.baseURL, count: 6, extraArguments: ["--report-every", "10000"])
        defer { fleet.terminate() }
        let nodes = fleet.agents.keys.sorted()
        // Generous: on a loaded CI machine (the API fuzzer runs alongside) registration can take a while.
        #expect(
            try await eventually(60) {
                let agents = object(try await send(.GET, "\(controller.baseURL)/api/v1/agents").text)["items"] as? [[String: Any]] ?? []
                return agents.count == 6 && agents.allSatisfy { $0["state"] as? String == "reachable" }
            })

        // Every pair at once, more than the network holds: each is admitted and activated, or refused with a reason.
        let pairs = nodes.flatMap { a in nodes.filter { $0 != a }.map { (a, $0) } }
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (a, b) in pairs {
                group.addTask { [controller] in
                    try await send(.POST, "\(controller.baseURL)/api/v1/key-paths", #"{"source":"\#(a)","destination":"\#(b)","rate_bps":150000}"#)
                }
            }
            return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
        }
        let admitted = answers.filter { $0.0 == 201 }
        #expect(!admitted.isEmpty && admitted.count < pairs.count, "\(admitted.count) of \(pairs.count) admitted")
        #expect(admitted.allSatisfy { object($0.1)["state"] as? String == "active" }, "\(admitted.map(\.1))")
        #expect(answers.allSatisfy { $0.0 == 201 || ($0.0 == 409 && $0.1.contains("spare")) }, "\(answers.filter { $0.0 != 201 }.map(\.1))")
        try await expectConsistent(controller.baseURL, fleet)

        // A link fails at its agent: every key path over it is re-routed (or degraded when there is
        // no other way), and the agents end up configured as the database says.
        let victim = try #require(((object(admitted[0].1)["routes"] as? [[String: Any]])?.first?["links"] as? [String])?.first)
        let victimLink = object(try await send(.GET, "\(controller.baseURL)/api/v1/links/\(victim)").text)
        let victimQkdl = try #require(victimLink["qkdl_id"] as? String)
        let victimEnd = try #require(victimLink["node_a"] as? String)
        #expect(try await send(.POST, "\(fleet.faults(victimEnd))/links/\(victimQkdl)/down").status == 204)
        let watching = controller
        #expect(
            try await eventually(30) {
                let paths = try await state(watching.baseURL).paths
                return paths.allSatisfy { path in
                    path["state"] as? String != "active"
                        || !((path["routes"] as? [[String: Any]]) ?? []).contains { ($0["links"] as? [String] ?? []).contains(victim) }
                }
            }, "no active path is left on the failed link")
        #expect(try await eventually(30) { try await inconsistencies(watching.baseURL, fleet).isEmpty })
        #expect(try await send(.POST, "\(fleet.faults(victimEnd))/links/\(victimQkdl)/up").status == 204)
        #expect(
            try await eventually(30) {
                object(try await send(.GET, "\(watching.baseURL)/api/v1/links/\(victim)").text)["status"] as? String == "up"
            })

        // Re-optimisation through the CLI moves paths back onto the healed link where that is better
        // (detours here may be as short as the old routes), and the agents follow; asked again, it
        // finds nothing left to improve.
        let reoptimized = try await QonduitBinary.run(["paths", "reoptimize", "--server", controller.baseURL, "--json"])
        #expect(reoptimized.status == 0, "\(reoptimized.stderr)")
        let moved = (object(reoptimized.stdout)["moved"] as? [[String: Any]]) ?? []
        #expect(
            (object(reoptimized.stdout)["examined"] as? Int ?? 0) > 0 && moved.allSatisfy { $0["state"] as? String == "active" },
            "\(reoptimized.stdout)")
        #expect(try await eventually(30) { try await inconsistencies(watching.baseURL, fleet).isEmpty })
        let settled = try await QonduitBinary.run(["paths", "reoptimize", "--server", controller.baseURL])
        #expect(settled.status == 0 && settled.stdout.contains("moved 0"), "\(settled.stdout)\(settled.stderr)")
        #expect(try await QonduitBinary.run(["paths", "reoptimize", "not-a-uuid", "--server", controller.baseURL]).status != 0)

        // The CLI lists, shows and deletes; deleting takes the configuration off the agents at once.
        let id = try #require(object(admitted[0].1)["id"] as? String)
        let listed = try await QonduitBinary.run(["paths", "list", "--server", controller.baseURL])
        #expect(listed.status == 0 && listed.stdout.contains(id), "\(listed.stderr)")
        let shown = try await QonduitBinary.run(["paths", "show", id, "--server", controller.baseURL])
        #expect(shown.status == 0 && shown.stdout.contains("key path \(id)"), "\(shown.stderr)")
        let deleted = try await QonduitBinary.run(["paths", "delete", id, "--server", controller.baseURL])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        try await expectConsistent(controller.baseURL, fleet)
        // A dry run shows the routes provisioning then reserves, and reserves nothing itself.
        let pathsBefore = try await state(controller.baseURL).paths.count
        let dryRun = try await QonduitBinary.run([
            "paths", "provision", nodes[0], nodes[1], "--rate", "1000", "--protection", "disjoint_backup", "--dry-run", "--server",
            controller.baseURL,
        ])
        #expect(dryRun.status == 0 && dryRun.stdout.contains("dry run, nothing reserved"), "\(dryRun.stdout)\(dryRun.stderr)")
        #expect(try await state(controller.baseURL).paths.count == pathsBefore)
        let provisioned = try await QonduitBinary.run([
            "paths", "provision", nodes[0], nodes[1], "--rate", "1000", "--protection", "disjoint_backup",
            "--client-app", "urn:app:a", "--server-app", "urn:app:b", "--server", controller.baseURL,
        ])
        #expect(
            provisioned.status == 0 && provisioned.stdout.contains(": active") && provisioned.stdout.contains("backup route"),
            "\(provisioned.stdout)\(provisioned.stderr)")
        func routeLines(_ text: String) -> [String] {
            text.split(separator: "\n").filter { $0.contains(" route") }.map { String($0.split(separator: ": ").last ?? "") }
        }
        #expect(routeLines(dryRun.stdout) == routeLines(provisioned.stdout), "the dry run's routes are the ones reserved")
        // Links show what key paths reserve on them, in JSON and in the table.
        let reserved = jsonArray(try await QonduitBinary.run(["links", "list", "--server", controller.baseURL, "--json"]).stdout)
        let busy = try #require(reserved.first { ($0["reserved_bps"] as? Double ?? 0) >= 1000 }, "\(reserved)")
        let table = try await QonduitBinary.run(["links", "list", "--server", controller.baseURL])
        let row = table.stdout.split(separator: "\n").first { $0.hasPrefix("\(busy["id"] as? String ?? "?") ") } ?? ""
        #expect(
            table.stdout.contains("RESERVED BIT/S") && row.contains(String(format: "%.1f", busy["reserved_bps"] as? Double ?? 0)), "\(table.stdout)")
        let refused = try await QonduitBinary.run(["paths", "provision", nodes[0], nodes[1], "--rate", "1e9", "--server", controller.baseURL])
        #expect(refused.status != 0 && refused.stderr.contains("409"), "\(refused.stderr)")
        try await expectConsistent(controller.baseURL, fleet)

        // An agent that has crashed (it answers 503) fails the path that needs it; the nodes that took
        // their part give it back at once, before the reconciler would have to.
        let crashed = nodes[2]
        #expect(try await send(.POST, "\(fleet.faults(crashed))/crash").status == 204)
        let broken = try await send(
            .POST, "\(controller.baseURL)/api/v1/key-paths", #"{"source":"\#(nodes[0])","destination":"\#(crashed)","rate_bps":1000}"#)
        #expect(broken.status == 201 && object(broken.text)["state"] as? String == "failed", "\(broken.text)")
        #expect((object(broken.text)["reason"] as? String ?? "").contains("node '\(crashed)'"), "\(broken.text)")
        try await expectConsistent(controller.baseURL, fleet, skipping: [crashed])
        #expect(try await send(.POST, "\(fleet.faults(crashed))/restart").status == 204)
        let healed = controller
        #expect(try await eventually(30) { try await inconsistencies(healed.baseURL, fleet).isEmpty }, "the restarted agent gets its paths back")

        // The network is emptied first, so that the paths in flight are admitted and reach their nodes.
        for path in try await state(controller.baseURL).paths {
            #expect(try await send(.DELETE, "\(controller.baseURL)/api/v1/key-paths/\(path["id"] as? String ?? "")").status == 204)
        }
        // Agents answer slowly (long enough that a poll on a loaded machine sees paths pending); the
        // controller is killed while paths are being configured, and restarted on the same port.
        for restconf in fleet.agents.values {
            #expect(try await send(.POST, "\(String(restconf.dropLast("/restconf".count)))/agent/v1/delay?ms=3000").status == 204)
        }
        // Fewer requests in flight than HTTPClient.shared's 8 connections to a host: otherwise they hold
        // every connection until they are answered, and the poll below sees the paths only once active.
        let inFlight = Task { [controller] in
            try? await withThrowingTaskGroup(of: Void.self) { group in
                for (a, b) in pairs.prefix(5) {
                    group.addTask {
                        _ = try? await send(
                            .POST, "\(controller.baseURL)/api/v1/key-paths", #"{"source":"\#(a)","destination":"\#(b)","rate_bps":20000}"#)
                    }
                }
                try await group.waitForAll()
            }
        }
        var pendingAtKill = 0
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(20)
        while pendingAtKill == 0 && Date() < deadline {
            let paths = try await state(controller.baseURL).paths
            pendingAtKill = paths.filter { $0["state"] as? String == "pending" }.count
            seen = paths.map { "\($0["state"] ?? "?"): \($0["reason"] ?? "")" }
            if pendingAtKill == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        try await controller.kill()
        _ = await inFlight.value
        controller = try await ControllerProcess.start(
            database: controller.databasePath, listen: "127.0.0.1:\(controller.port)", extraArguments: arguments)
        #expect(pendingAtKill > 0, "the kill came while paths were pending; the paths were \(seen)")
        let resumed = controller
        #expect(try await eventually(30) { try await state(resumed.baseURL).paths.allSatisfy { $0["state"] as? String != "pending" } })
        for restconf in fleet.agents.values {
            _ = try await send(.POST, "\(String(restconf.dropLast("/restconf".count)))/agent/v1/delay?ms=0")
        }
        // The reconciler brings every agent in line with the database, whatever the kill left on them.
        let restarted = controller
        #expect(try await eventually(30) { try await inconsistencies(restarted.baseURL, fleet).isEmpty })
        try await expectConsistent(controller.baseURL, fleet)
    }
}
