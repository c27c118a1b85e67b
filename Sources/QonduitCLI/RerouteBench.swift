import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitAPITypes
import QonduitCore

/// `qonduit bench reroute`: how long a running controller takes to bring every key path over a link
/// back to active once the link's agent reports it down.
struct RerouteBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reroute",
        abstract: "Time re-routing every key path over a link after its agent reports it down (a running controller with agents).",
        discussion: """
            Provisions --paths key paths between the two ends of --link (by default the link with the most key rate), \
            each for a rate small enough that all of them fit on any route, so that every path runs over the link. Then \
            takes the link down at its agent (--via agent: the agent reports it, as a fibre cut would) or through the \
            API (--via api: PATCH /api/v1/links/{id}), and times how long until no path uses the link and all are \
            active again on other routes: from the fault, and from the moment the API shows the link down (the \
            report applied). Prints the figures, brings the link back and deletes the paths. Start the \
            controller and `qonduit agents simulate` first (scripts/bench-reroute.sh does).
            """
    )

    enum Trigger: String, ExpressibleByArgument { case agent, api }

    @Option(help: "Base URL of the controller (default: $QONDUIT_SERVER, else http://127.0.0.1:8080).") var server: String?
    @OptionGroup var access: TokenOptions
    @Option(help: "Key paths over the link.") var paths = 10_000
    @Option(help: "The link to fail (default: the one with the most key rate).") var link: String?
    @Option(help: "Provisioning requests in flight at once.") var concurrency = 32
    @Option(help: "Who reports the link down: its agent, or an operator through the API.") var via = Trigger.agent
    @Option(help: "Give up waiting after this many seconds.") var timeout = 300.0

    func validate() throws {
        guard (1...1_000_000).contains(paths) else { throw ValidationError("--paths must be from 1 to 1000000") }
        guard (1...1_024).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 1024") }
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be from 0 to 86400 seconds") }
    }

    func run() async throws {
        let client = try ControllerClient(server: server, token: access.resolvedToken())
        let links: [APILink] = try await client.fetchAll("/api/v1/links")
        guard
            let chosen = link.map({ id in links.first { $0.id == id } })
                ?? links.filter({ $0.status == .up }).max(by: { $0.keyRateBps < $1.keyRateBps })
        else { throw CLIError(link.map { "the controller has no link '\($0)'" } ?? "the controller has no link that is up") }
        guard chosen.status == .up else { throw CLIError("link '\(chosen.id)' is \(chosen.status.rawValue); it must be up") }
        let qkdl = chosen.qkdlId
        // Every path fits on any route: all of them together take at most half the weakest link's rate.
        let weakest = links.filter { $0.status == .up }.map(\.keyRateBps).min() ?? chosen.keyRateBps
        let rate = weakest / 2 / Double(paths)
        guard rate > 0 else { throw CLIError("the network's links have no key rate to share") }

        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(3)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = http.shutdown() }

        let provisioned = ContinuousClock.now
        let outcomes = try await ProvisionBench.provision(
            Array(repeating: (chosen.nodeA, chosen.nodeB), count: paths), rate: rate, concurrency: concurrency, client: client, over: http
        )
        let created = outcomes.compactMap { $0.status == 201 && $0.state == "active" ? $0.id : nil }
        let provisionSeconds = (ContinuousClock.now - provisioned).milliseconds / 1000
        let over: Int = try await total(client, ["link": chosen.id])
        print(
            "reroute link=\(chosen.id) paths=\(created.count) over_link=\(over) rate_bps=\(ImportBench.fmt(rate)) "
                + "provision_seconds=\(ImportBench.fmt(provisionSeconds))")
        guard created.count == paths else {
            throw CLIError("only \(created.count) of \(paths) paths were provisioned active (\(outcomes.filter { $0.status != 201 }.count) refused)")
        }

        let agentBase = via == .agent ? try await faultAPI(of: chosen.nodeA, client) : nil
        let started = ContinuousClock.now
        try await setLink(chosen, qkdl: qkdl, status: "down", agentBase: agentBase, client: client, http: http)
        let answered = ContinuousClock.now
        var seenDown: ContinuousClock.Instant?
        while true {
            // No rate reserved on the link means no path uses it: one row to read, where counting the
            // paths over it took the controller's CPU away from the re-route being measured.
            let current: APILink = try await client.send("GET", "/api/v1/links/\(chosen.id)")
            if seenDown == nil && current.status != .up { seenDown = .now }
            let active = current.reservedBps == 0 ? try await total(client, ["state": "active"]) : 0
            if current.reservedBps == 0 && active >= created.count { break }
            if ContinuousClock.now - started > .seconds(timeout) {
                let over: Int = try await total(client, ["link": chosen.id])
                throw CLIError("after \(Int(timeout)) s, \(over) path(s) still use the link and \(created.count - active) are not active")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let done = ContinuousClock.now
        let seconds = (done - started).milliseconds / 1000
        // From the moment the API shows the link down (the report applied) to every path active again.
        let fromReport = seenDown.map { (done - $0).milliseconds / 1000 }
        print(
            "reroute via=\(via.rawValue) paths=\(created.count) seconds_to_all_active=\(ImportBench.fmt(seconds)) "
                + "seconds_from_report=\(fromReport.map(ImportBench.fmt) ?? "-") "
                + "paths_per_s=\(ImportBench.fmt(Double(created.count) / (fromReport ?? seconds))) "
                + "fault_answered_ms=\(ImportBench.fmt((answered - started).milliseconds)) "
                + "link_down_seen_ms=\(seenDown.map { ImportBench.fmt(($0 - started).milliseconds) } ?? "-")")

        // Leave the controller as it was.
        try await setLink(chosen, qkdl: qkdl, status: "up", agentBase: agentBase, client: client, http: http)
        try await withThrowingTaskGroup(of: Void.self) { group in
            let lanes = min(concurrency, created.count)
            for lane in 0..<lanes {
                group.addTask {
                    for index in stride(from: lane, to: created.count, by: lanes) {
                        let _: NoContent = try await client.send("DELETE", "/api/v1/key-paths/\(created[index])")
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func total(_ client: ControllerClient, _ query: [String: String]) async throws -> Int {
        let page: PageJSON<APIKeyPath> = try await client.send("GET", "/api/v1/key-paths", query: query.merging(["limit": "1"]) { a, _ in a })
        return page.total
    }

    /// The agent's own API (`/agent/v1`), beside its RESTCONF root.
    private func faultAPI(of node: String, _ client: ControllerClient) async throws -> String {
        let agents: PageJSON<APIAgent> = try await client.send("GET", "/api/v1/agents")
        guard let agent = agents.items.first(where: { $0.nodeId == node }), agent.state == .reachable else {
            throw CLIError("node '\(node)' has no reachable agent: start `qonduit agents simulate`, or use --via api")
        }
        let base = agent.restconfUrl.hasSuffix("/restconf") ? String(agent.restconfUrl.dropLast("/restconf".count)) : agent.restconfUrl
        return "\(base)/agent/v1"
    }

    private func setLink(
        _ link: APILink, qkdl: String, status: String, agentBase: String?, client: ControllerClient, http: HTTPClient
    ) async throws {
        if let agentBase {
            var request = HTTPClientRequest(url: "\(agentBase)/links/\(qkdl)/\(status)")
            request.method = .POST
            let response = try await http.execute(request, timeout: .seconds(30))
            guard response.status.code == 204 else { throw CLIError("the agent answered \(response.status.code) to taking the link \(status)") }
        } else {
            let _: APILink = try await client.send("PATCH", "/api/v1/links/\(link.id)", body: Array(#"{"status":"\#(status)"}"#.utf8))
        }
    }
}

/// The fields of a listed key path and agent this client reads.
