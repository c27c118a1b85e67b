import ArgumentParser
import Foundation
import QonduitPathEngine

struct PathsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paths", abstract: "Key-relay paths across trusted nodes.", subcommands: [Compute.self]
    )

    struct Compute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute paths between two nodes on a running controller (a dry run: nothing is reserved)."
        )

        @Argument(help: "Source node id.") var source: String
        @Argument(help: "Destination node id.") var destination: String
        @Option(help: "Spare key rate every link must have, bit/s.") var rate: Double?
        @Option(help: "What to minimise: hops, length, rate (prefer spare rate) or cost.") var metric = PathMetric.hops
        @Option(help: "Most links a path may have.") var maxHops: Int?
        @Option(name: .customLong("exclude-node"), help: "A node the path must avoid; may be repeated.") var excludeNodes: [String] = []
        @Option(name: .customLong("exclude-link"), help: "A link the path must avoid; may be repeated.") var excludeLinks: [String] = []
        @Option(help: "How many alternative loopless paths, best first (1–16).") var k = 1
        @Flag(help: "The path with the largest bottleneck spare rate, ties broken by --metric.") var widest = false
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard (1...16).contains(k) else { throw ValidationError("--k must be from 1 to 16") }
            if widest && k != 1 { throw ValidationError("--widest returns one path; leave --k at 1") }
            if let rate, !rate.isFinite || rate < 0 { throw ValidationError("--rate must be a non-negative number of bit/s") }
            if let maxHops, maxHops < 1 { throw ValidationError("--max-hops must be at least 1") }
        }

        func run() async throws {
            var request: [String: any Sendable] = [
                "source": source, "destination": destination, "metric": metric.rawValue, "k": k,
                "objective": widest ? "widest" : "shortest",
            ]
            if let rate { request["rate_bps"] = rate }
            if let maxHops { request["max_hops"] = maxHops }
            if !excludeNodes.isEmpty { request["exclude_nodes"] = excludeNodes }
            if !excludeLinks.isEmpty { request["exclude_links"] = excludeLinks }
            let body = try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])
            let result: PathResultJSON = try await client.controller().send(
                "POST", "/api/v1/paths/compute", body: [UInt8](body)
            )
            if client.json { return try printJSON(result) }
            print(Table(header: ["#", "HOPS", "LENGTH KM", "BOTTLENECK BIT/S", "COST", "PATH"], rows: result.paths.enumerated().map {
                [String($0.offset + 1), String($0.element.hops), Format.number($0.element.length_km, digits: 1),
                 Format.number($0.element.bottleneck_bps, digits: 1), Format.number($0.element.cost, digits: 1),
                 $0.element.nodes.joined(separator: " > ")]
            }).rendered)
        }
    }
}

extension PathMetric: ExpressibleByArgument {}

struct PathResultJSON: Codable {
    struct Path: Codable {
        var nodes: [String]
        var links: [String]
        var hops: Int
        var length_km: Double
        var cost: Double
        var bottleneck_bps: Double
    }
    var paths: [Path]
    var total_rate_bps: Double
}
