public import ArgumentParser
import Foundation
import QonduitAPITypes
public import QonduitCore
public import QonduitPathEngine

struct PathsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paths", abstract: "Key-relay paths across trusted nodes: compute them, and provision key paths.",
        subcommands: [Compute.self, Provision.self, List.self, Show.self, Delete.self, Reoptimize.self]
    )

    struct Compute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute paths between two nodes on a running controller (a dry run: nothing is reserved)."
        )

        @Argument(help: "Source node id.") var source: String
        @Argument(help: "Destination node id.") var destination: String
        // Unconditional: `--rate -1` is a bad rate, told as such, not a missing value.
        @Option(parsing: .unconditional, help: "Spare key rate every link must have, bit/s.") var rate: Double?
        @Option(help: "What to minimise: hops, length, rate (prefer spare rate) or cost.") var metric = PathMetric.hops
        @Option(help: "Most links a path may have.") var maxHops: Int?
        @Option(name: .customLong("exclude-node"), help: "A node the path must avoid; may be repeated.") var excludeNodes: [String] = []
        @Option(name: .customLong("exclude-link"), help: "A link the path must avoid; may be repeated.") var excludeLinks: [String] = []
        @Option(name: .customLong("include-node"), help: "A trusted relay the path must pass through, in the order given; may be repeated.")
        var includeNodes: [String] = []
        @Option(help: "How many paths, best first (1–16): alternatives, or with --disjoint the size of the disjoint set (default 2).")
        var k: Int?
        @Option(help: "Paths that share no relay node (node) or no link (link), with the smallest total --metric.")
        var disjoint: Disjointness?
        @Flag(help: "The path with the largest bottleneck spare rate, ties broken by --metric.") var widest = false
        @Flag(help: "The most key rate the two nodes can share over all relay paths at once, split into paths.") var maxFlow = false
        @OptionGroup var client: ClientOptions

        func validate() throws {
            if let k, !(1...16).contains(k) { throw ValidationError("--k must be from 1 to 16") }
            if widest && maxFlow { throw ValidationError("choose one of --widest and --max-flow") }
            if (widest || maxFlow) && (k ?? 1) != 1 {
                throw ValidationError("--widest and --max-flow decide how many paths they return; leave out --k")
            }
            if (widest || maxFlow) && disjoint != nil {
                throw ValidationError("--disjoint computes shortest paths; leave out --widest and --max-flow")
            }
            if maxHops != nil && (disjoint != nil || maxFlow) { throw ValidationError("--max-hops does not apply to --disjoint or --max-flow") }
            if !includeNodes.isEmpty && (disjoint != nil || maxFlow) {
                throw ValidationError("--include-node does not apply to --disjoint or --max-flow")
            }
            if let rate, !rate.isFinite || rate < 0 { throw ValidationError("--rate must be a non-negative number of bit/s") }
            if let maxHops, maxHops < 1 { throw ValidationError("--max-hops must be at least 1") }
        }

        func run() async throws {
            var request: [String: any Sendable] = [
                "source": source, "destination": destination, "metric": metric.rawValue,
                "objective": widest ? "widest" : maxFlow ? "max_flow" : "shortest",
            ]
            if let k { request["k"] = k }
            if let disjoint { request["disjoint"] = disjoint.rawValue }
            if !includeNodes.isEmpty { request["include_nodes"] = includeNodes }
            if let rate { request["rate_bps"] = rate }
            if let maxHops { request["max_hops"] = maxHops }
            if !excludeNodes.isEmpty { request["exclude_nodes"] = excludeNodes }
            if !excludeLinks.isEmpty { request["exclude_links"] = excludeLinks }
            let answer: Answered<APIPathResult> = try await client.controller().send(
                "POST", "/api/v1/paths/compute", body: RequestText.json(request)
            )
            if client.json { return printJSON(answer.json) }
            let result = answer.value
            print(
                Table(
                    header: ["#", "HOPS", "LENGTH KM", "BOTTLENECK BIT/S", "RATE BIT/S", "COST", "PATH"],
                    rows: result.paths.enumerated().map {
                        [
                            String($0.offset + 1), String($0.element.hops), Format.number($0.element.lengthKm, digits: 1),
                            Format.number($0.element.bottleneckBps, digits: 1), Format.number($0.element.rateBps, digits: 1),
                            Format.number($0.element.cost, digits: 1), Format.route($0.element.nodes),
                        ]
                    }
                ).rendered)
            if maxFlow || disjoint != nil {
                print("total rate: \(Format.number(result.totalRateBps, digits: 1)) bit/s over \(result.paths.count) path(s)")
            }
        }
    }
}

extension PathMetric: ExpressibleByArgument {}
extension Disjointness: ExpressibleByArgument {}
