import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import QonduitController
import QonduitCore
import QonduitETSI
import QonduitSouthbound
import QonduitStorage
import QonduitTopology
import ServiceLifecycle

/// `qonduit bench ingest`: how many agent notifications per second the controller parses, applies
/// and persists, over real HTTP on loopback, into an SQLite file.
struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Time the controller taking in agent notifications: parse, apply and persist (client and server in this process).",
        discussion: """
            Imports a generated topology into a fresh SQLite file, starts the controller's southbound on a loopback \
            port, registers --agents agents, then sends link performance notifications from --concurrency clients \
            for --seconds and prints notifications/s and latency percentiles.
            """
    )

    @Option(help: "Agents that register and report.") var agents = 100
    @Option(help: "Requests in flight at once.") var concurrency = 32
    @Option(help: "Seconds to send for.") var seconds = 5.0

    func validate() throws {
        guard (1...10_000).contains(agents) else { throw ValidationError("--agents must be from 1 to 10000") }
        guard (1...1_024).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 1024") }
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be from 0 to 600") }
    }

    func run() async throws {
        let topology = GeneratedTopology.grid(nodes: max(agents, 2), links: max(agents, 2) * 2, seed: 7)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qonduit-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bench.xml")
        try Data(TopologyWriter.write(topology, as: .qonduit).utf8).write(to: file)
        var logger = Logger(label: "qonduit-bench")
        logger.logLevel = .critical
        // The controller as `serve` builds it; agents report every minute and the reconciler waits an
        // hour, so that what is measured is the notifications.
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let (app, storage) = try await ControllerApplication.build(
            ControllerConfiguration(
                storage: StorageConfiguration(database: directory.appendingPathComponent("bench.sqlite").path), topologies: [file.path], port: 0,
                southbound: .init(heartbeatIntervalMs: 60_000), reconcileInterval: .seconds(3_600)),
            logger: logger, onServerRunning: { continuation.yield($0) })
        try await storage.closing {
            let inventory = storage.inventory
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next() else { throw CLIError("the benchmark server did not start") }
                let (nodes, links) = try await inventory.topology()
                let base = "http://127.0.0.1:\(port)/southbound/v1"
                // Each agent reports on one of its node's links.
                var senders: [(node: QKDUUID, credential: String, body: String)] = []
                for node in nodes.prefix(agents).map(\.value) {
                    guard let id = node.qkdnID,
                        let link = links.first(where: { $0.value.nodeA == node.id || $0.value.nodeB == node.id })?.value.qkdlID
                    else { continue }
                    // Each agent authenticates as its node, as in production.
                    let credential = try await inventory.issueAgentCredential(for: id, createdBy: "bench").1.text
                    _ = try await Self.post(
                        "\(base)/agents?restconf_url=http://127.0.0.1:1/restconf", ETSINode(id: id, status: .operating).encoded(),
                        credential: credential
                    )
                    let notification = AgentNotification(
                        eventTime: "2026-11-25T12:00:00Z",
                        event: .linkPerformance(
                            link: link, .init(secretKeyRateBps: 12_000, physical: [.init(type: .qber, value: ETSIDecimal(thousandths: 21))])
                        ))
                    senders.append((id, credential, notification.encoded()))
                }
                let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
                let start = ContinuousClock.now
                let reporters = senders
                let concurrency = concurrency
                let results = try await withThrowingTaskGroup(of: (Int, [Double]).self) { workers in
                    for worker in 0..<concurrency {
                        workers.addTask {
                            var sent = 0
                            var latencies: [Double] = []
                            var index = worker
                            while ContinuousClock.now < deadline {
                                let sender = reporters[index % reporters.count]
                                index += concurrency
                                let begin = ContinuousClock.now
                                _ = try await Self.post(
                                    "\(base)/notifications?qkdn_id=\(sender.node.text)", sender.body, credential: sender.credential)
                                latencies.append((ContinuousClock.now - begin).milliseconds)
                                sent += 1
                            }
                            return (sent, latencies)
                        }
                    }
                    var total = 0
                    var latencies: [Double] = []
                    for try await (sent, samples) in workers {
                        total += sent
                        latencies += samples
                    }
                    return (total, latencies)
                }
                let elapsed = (ContinuousClock.now - start).milliseconds / 1000
                guard !results.1.isEmpty else { throw CLIError("no notification was sent within --seconds") }
                print(
                    "ingest notifications_per_s=\(Int((Double(results.0) / elapsed).rounded())) notifications=\(results.0) "
                        + "p50_ms=\(ImportBench.fmt(ImportBench.median(results.1))) p99_ms=\(ImportBench.fmt(PathBench.percentile(results.1, 0.99))) "
                        + "agents=\(senders.count) concurrency=\(concurrency)")
                group.cancelAll()
            }
        }
    }

    static func post(_ url: String, _ body: String, credential: String) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(credential)")
        request.headers.add(name: "Content-Type", value: "application/yang-data+xml")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let answer = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw CLIError("\(url) answered \(response.status.code): \(String(buffer: answer))")
        }
        return Int(response.status.code)
    }
}
