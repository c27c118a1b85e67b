import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitAPITypes
import QonduitCore

/// `qonduit bench provision`: key-path provisioning over the API of a running controller whose
/// nodes have agents (`qonduit agents simulate`), as operators would drive it.
struct ProvisionBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Time provisioning key paths over a running controller's API (its nodes' agents configure each path).",
        discussion: """
            Sends --paths POST /api/v1/key-paths requests between random pairs of the controller's nodes, --concurrency \
            at a time, each for --rate bit/s, and prints provisioned paths/s and request latency percentiles, with how many \
            came back active, failed (a node was not configured) or refused (409: no route with the rate to spare). \
            --warmup first sends that many requests the same way, untimed and uncounted (the controller's first batches \
            also open its connections to the agents). Then deletes every path it created. Start the controller and \
            `qonduit agents simulate` first (scripts/bench-provision.sh does).
            """
    )

    @Option(help: "Base URL of the controller (default: $QONDUIT_SERVER, else http://127.0.0.1:8080).") var server: String?
    @OptionGroup var access: TokenOptions
    @Option(help: "Key paths to request.") var paths = 2_000
    @Option(help: "Requests in flight at once.") var concurrency = 16
    @Option(help: "Rate of each key path, bit/s.") var rate = 100.0
    @Option(help: "Random seed for the pairs.") var seed: UInt64 = 1
    @Option(help: "Requests sent first, untimed and uncounted.") var warmup = 0

    func validate() throws {
        guard (1...1_000_000).contains(paths) else { throw ValidationError("--paths must be from 1 to 1000000") }
        guard (1...1_024).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 1024") }
        guard rate.isFinite, rate > 0 else { throw ValidationError("--rate must be a positive number of bit/s") }
        guard (0...1_000_000).contains(warmup) else { throw ValidationError("--warmup must be from 0 to 1000000") }
    }

    struct Outcome: Sendable {
        var status: Int
        var state: String?
        var id: String?
        var milliseconds: Double
    }

    func run() async throws {
        let client = try ControllerClient(server: server, token: access.resolvedToken())
        let nodes: [APINode] = try await client.fetchAll("/api/v1/nodes")
        guard nodes.count >= 2 else { throw CLIError("the controller has \(nodes.count) node(s); provisioning needs two") }
        var random = SplitMix64(seed: seed)
        let pairs: [(String, String)] = (0..<(warmup + paths)).map { _ in
            let a = Int(random.next() % UInt64(nodes.count))
            var b = Int(random.next() % UInt64(nodes.count - 1))
            if b >= a { b += 1 }
            return (nodes[a].id, nodes[b].id)
        }
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(3)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let warmed: [Outcome]
        let outcomes: [Outcome]
        let started: ContinuousClock.Instant
        do {
            warmed = try await Self.provision(Array(pairs.prefix(warmup)), rate: rate, concurrency: concurrency, client: client, over: http)
            started = ContinuousClock.now
            outcomes = try await Self.provision(Array(pairs.dropFirst(warmup)), rate: rate, concurrency: concurrency, client: client, over: http)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try? await http.shutdown()
        let seconds = (ContinuousClock.now - started).milliseconds / 1000
        let created = outcomes.filter { $0.status == 201 }
        let active = created.filter { $0.state == "active" }.count
        let refused = outcomes.filter { $0.status == 409 }.count
        let other = outcomes.count - created.count - refused
        let latencies = outcomes.map(\.milliseconds)
        print(
            "provision requests=\(outcomes.count) active=\(active) failed=\(created.count - active) refused=\(refused) errors=\(other) "
                + "seconds=\(ImportBench.fmt(seconds)) paths_per_s=\(ImportBench.fmt(Double(active) / seconds)) "
                + "requests_per_s=\(ImportBench.fmt(Double(outcomes.count) / seconds)) "
                + "p50_ms=\(ImportBench.fmt(ImportBench.median(latencies))) p99_ms=\(ImportBench.fmt(PathBench.percentile(latencies, 0.99)))"
                + (warmup > 0 ? " warmup=\(warmup)" : ""))

        // Leave the controller as it was.
        for id in (warmed + created).filter({ $0.status == 201 }).compactMap(\.id) {
            let _: NoContent = try await client.send("DELETE", "/api/v1/key-paths/\(id)")
        }
    }

    /// Sends one request per pair, `concurrency` at a time, timing each.
    static func provision(
        _ pairs: [(String, String)], rate: Double, concurrency: Int, client: ControllerClient, over http: HTTPClient
    ) async throws -> [Outcome] {
        try await withThrowingTaskGroup(of: [Outcome].self) { group in
            let lanes = min(concurrency, pairs.count)
            for lane in 0..<lanes {
                group.addTask {
                    var results: [Outcome] = []
                    for index in stride(from: lane, to: pairs.count, by: lanes) {
                        let (a, b) = pairs[index]
                        var request = HTTPClientRequest(url: "\(client.baseURL)/api/v1/key-paths")
                        request.method = .POST
                        if let token = client.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: #"{"source":"\#(a)","destination":"\#(b)","rate_bps":\#(rate)}"#))
                        let sent = ContinuousClock.now
                        let response = try await http.execute(request, timeout: .seconds(60))
                        let body = try await response.body.collect(upTo: 1 << 20)
                        let elapsed = (ContinuousClock.now - sent).milliseconds
                        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
                        results.append(
                            Outcome(
                                status: Int(response.status.code), state: json?["state"] as? String, id: json?["id"] as? String, milliseconds: elapsed
                            ))
                    }
                    return results
                }
            }
            return try await group.reduce(into: [Outcome]()) { $0 += $1 }
        }
    }
}
