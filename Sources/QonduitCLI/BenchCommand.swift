import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOHTTP1
import QonduitAPITypes
import QonduitController
import QonduitCore
import QonduitSQLite
import QonduitStorage
import QonduitTopology

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks for capacity planning; they print figures, one line each.",
        subcommands: [ImportBench.self, PathBench.self, CodecBench.self, IngestBench.self, ProvisionBench.self, RerouteBench.self]
    )
}

/// Imports a generated topology into a fresh database and serves it, timing both.
struct ImportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Time importing a generated topology into a fresh SQLite file and serving GET /api/v1/topology."
    )

    @Option(help: "Nodes in the generated topology.") var nodes = 10_000
    @Option(help: "Links in the generated topology (at most about 4 per node).") var links = 30_000
    @Option(help: "Repetitions of each measurement; the median is reported.") var runs = 5
    @Option(help: "Random seed of the generator.") var seed: UInt64 = 1

    func validate() throws {
        guard nodes >= 2 else { throw ValidationError("--nodes must be at least 2") }
        guard links >= 1, links <= nodes * 4 - 8 else { throw ValidationError("--links must be from 1 to about 4 per node") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() async throws {
        let topology = GeneratedTopology.grid(nodes: nodes, links: links, seed: seed)
        let xml = Array(TopologyWriter.write(topology, as: .qonduit).utf8)
        print("generated nodes=\(topology.nodes.count) links=\(topology.links.count) xml_bytes=\(xml.count)")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qonduit-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var parseMs: [Double] = []
        var importMs: [Double] = []
        var totalMs: [Double] = []
        var imported: String?
        for run in 0..<runs {
            let path = directory.appendingPathComponent("bench-\(run).sqlite").path
            let start = ContinuousClock.now
            let fresh = try SQLiteInventory(path: path)
            let draft = try TopologyReader.draft(xml, file: "generated.xml")
            let parsed = ContinuousClock.now
            let summary = try await fresh.importTopology(draft, file: "generated.xml", mode: .merge)
            let end = ContinuousClock.now
            precondition(summary.nodes.created == topology.nodes.count && summary.links.created == topology.links.count)
            parseMs.append((parsed - start).milliseconds)
            importMs.append((end - parsed).milliseconds)
            totalMs.append((end - start).milliseconds)
            imported = path
        }
        print(
            "import median_total_ms=\(Self.fmt(Self.median(totalMs))) median_parse_ms=\(Self.fmt(Self.median(parseMs))) "
                + "median_store_ms=\(Self.fmt(Self.median(importMs))) min_total_ms=\(Self.fmt(totalMs.min()!)) runs=\(runs)")

        guard let imported else { return }
        var logger = Logger(label: "qonduit-bench")
        logger.logLevel = .critical  // stopping the server by cancellation is expected here
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        // The controller as `serve` builds it, over the inventory imported last.
        let (app, storage) = try await ControllerApplication.build(
            ControllerConfiguration(storage: StorageConfiguration(database: imported), port: 0, reconcileInterval: .seconds(3_600)),
            logger: logger, onServerRunning: { portContinuation.yield($0) })
        try await storage.closing {
            // The API needs a token, as for any client: a viewer's reads the topology.
            let token = try await storage.inventory.createAPIToken(role: .viewer, description: "bench import", expiresAt: nil, createdBy: nil).1.text
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                var iterator = portStream.makeAsyncIterator()
                guard let port = await iterator.next() else { throw CLIError("the benchmark server did not start") }
                var getMs: [Double] = []
                var bytes = 0
                for _ in 0..<(runs + 1) {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/topology")
                    request.headers.add(name: "Authorization", value: "Bearer \(token)")
                    let start = ContinuousClock.now
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                    let body = try await response.body.collect(upTo: 1 << 30)
                    getMs.append((ContinuousClock.now - start).milliseconds)
                    bytes = body.readableBytes
                    guard response.status == .ok else { throw CLIError("GET /api/v1/topology answered \(response.status)") }
                }
                getMs.removeFirst()  // the first request warms the connection
                print(
                    "topology_get median_ms=\(Self.fmt(Self.median(getMs))) min_ms=\(Self.fmt(getMs.min()!)) "
                        + "max_ms=\(Self.fmt(getMs.max()!)) bytes=\(bytes) runs=\(getMs.count)")
                group.cancelAll()
            }
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
