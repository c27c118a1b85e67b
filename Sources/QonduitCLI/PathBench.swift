import ArgumentParser
import Foundation
import QonduitCore
import QonduitPathEngine
import QonduitTopology

/// `qonduit bench paths`: how fast the path engine answers on a given network.
struct PathBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paths",
        abstract: "Time each path algorithm over random source/destination pairs of a topology.",
        discussion: """
            Loads a topology file (any import format), or generates a random geometric graph with --generate N \
            (average degree about 6), builds the engine's graph snapshot and runs each algorithm over --pairs \
            random pairs of connected nodes, printing one line per algorithm: shortest and widest over every \
            pair, k_shortest (k = 4), disjoint_pair (two node-disjoint paths) and max_flow over a tenth of them.
            """
    )

    @Option(help: "Topology file to load.") var topology: String?
    @Option(help: "Generate a random geometric graph of this many nodes instead of loading a file.") var generate: Int?
    @Option(help: "Source/destination pairs per algorithm.") var pairs = 1_000
    @Option(help: "Random seed for the pairs and the generated graph.") var seed: UInt64 = 42
    @Flag(help: "Print one JSON object instead of lines.") var json = false
    @Option(help: "Also write the network benchmarked, as GraphML, for other tools to run on the same graph.")
    var saveGraphml: String?

    func validate() throws {
        guard (topology == nil) != (generate == nil) else { throw ValidationError("give either --topology FILE or --generate N") }
        if let generate, generate < 2 { throw ValidationError("--generate needs at least 2 nodes") }
        guard pairs >= 1 else { throw ValidationError("--pairs must be at least 1") }
    }

    func run() async throws {
        let network: Topology
        if let topology {
            network = try TopologyFiles.read(topology, format: nil, fiberModel: .standard).topology
        } else {
            network = GeneratedTopology.randomGeometric(nodes: generate!, seed: seed)
        }
        if let saveGraphml {
            let xml = TopologyWriter.write(network, as: .graphml, comment: " Benchmark network of qonduit bench paths. ")
            do { try xml.write(toFile: saveGraphml, atomically: true, encoding: .utf8) } catch {
                throw CLIError("\(saveGraphml): cannot write: \(error.localizedDescription)")
            }
        }
        var builds: [Double] = []
        var graph = RelayGraph(topology: network)
        for _ in 0..<5 {
            let start = ContinuousClock.now
            graph = RelayGraph(topology: network)
            builds.append((ContinuousClock.now - start).milliseconds)
        }
        let engine = PathEngine(graph: graph)
        let workspace = SearchWorkspace(for: graph)
        let queries = Self.connectedPairs(in: network, count: pairs, seed: seed)
        guard !queries.isEmpty else { throw CLIError("the topology has no two connected nodes") }

        var results: [(String, [Double])] = []
        results.append(("shortest", try time(queries) { try engine.shortestPath(from: $0, to: $1, metric: .length, workspace: workspace) }))
        results.append(("widest", try time(queries) { try engine.widestPath(from: $0, to: $1, metric: .length, workspace: workspace) }))
        let kQueries = Array(queries.prefix(max(1, queries.count / 10)))
        results.append(
            ("k_shortest", try time(kQueries) { try engine.kShortestPaths(from: $0, to: $1, k: 4, metric: .length, workspace: workspace) }))
        // A pair may have no disjoint partner (a bridge on every route); the time to find that out counts too.
        results.append(
            (
                "disjoint_pair",
                time(kQueries) { try? engine.disjointPaths(from: $0, to: $1, k: 2, disjointness: .node, metric: .length, workspace: workspace) }
            ))
        results.append(("max_flow", try time(kQueries) { try engine.maximumKeyRateFlow(from: $0, to: $1, workspace: workspace) }))

        let buildMs = ImportBench.median(builds)
        if json {
            var object: [String: Any] = [
                "nodes": network.nodes.count, "links": network.links.count, "snapshot_build_ms": buildMs,
            ]
            for (name, samples) in results {
                object[name] = ["median_us": ImportBench.median(samples), "p99_us": Self.percentile(samples, 0.99), "queries": samples.count]
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("graph nodes=\(network.nodes.count) links=\(network.links.count)")
            print("snapshot_build_ms=\(String(format: "%.2f", buildMs))")
            for (name, samples) in results {
                print(
                    "\(name) median_us=\(String(format: "%.1f", ImportBench.median(samples))) "
                        + "p99_us=\(String(format: "%.1f", Self.percentile(samples, 0.99))) queries=\(samples.count)")
            }
        }
    }

    private func time(_ queries: [(NodeID, NodeID)], _ body: (NodeID, NodeID) throws -> Any?) rethrows -> [Double] {
        var samples: [Double] = []
        samples.reserveCapacity(queries.count)
        for (source, destination) in queries {
            let start = ContinuousClock.now
            _ = try body(source, destination)
            samples.append((ContinuousClock.now - start).milliseconds * 1000)
        }
        return samples
    }

    /// Random pairs inside the largest component joined by links that carry key (up, with a key
    /// rate), so every query has an answer.
    static func connectedPairs(in topology: Topology, count: Int, seed: UInt64) -> [(NodeID, NodeID)] {
        var neighbours: [NodeID: [NodeID]] = [:]
        for link in topology.links where link.current.status == .up && link.current.keyRateBps > 0 {
            neighbours[link.nodeA, default: []].append(link.nodeB)
            neighbours[link.nodeB, default: []].append(link.nodeA)
        }
        let trusted = Dictionary(uniqueKeysWithValues: topology.nodes.map { ($0.id, $0.trusted) })
        var component: [NodeID: Int] = [:]
        var sizes: [Int] = []
        for node in topology.nodes where component[node.id] == nil && trusted[node.id] == true {
            var stack = [node.id]
            component[node.id] = sizes.count
            var size = 0
            while let current = stack.popLast() {
                size += 1
                for next in neighbours[current] ?? [] where component[next] == nil && trusted[next] == true {
                    component[next] = sizes.count
                    stack.append(next)
                }
            }
            sizes.append(size)
        }
        guard let largest = sizes.indices.max(by: { sizes[$0] < sizes[$1] }), sizes[largest] >= 2 else { return [] }
        let members = topology.nodes.map(\.id).filter { component[$0] == largest }
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let a = members[Int(random.next() % UInt64(members.count))]
            var b = a
            while b == a { b = members[Int(random.next() % UInt64(members.count))] }
            return (a, b)
        }
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded(.up)))]
    }
}
