import Foundation
import Hummingbird
import QonduitCore
import QonduitPathEngine

/// `POST /api/v1/paths/compute`: a dry run of path computation; nothing is reserved.
struct PathRoutes {
    let snapshots: GraphSnapshots
    let configuration: APIConfiguration

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("compute") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            var request = request
            let body = try await request.decodeJSON(PathComputeRequest.self, maxBytes: configuration.maxJSONBodyBytes)
            var query = try body.checked()
            let snapshot = try await snapshots.engine()
            let answer: PathComputeResponse
            do throws(PathComputationError) {
                // Nodes down or silent relay nothing and end nothing, as provisioning sees them.
                for end in [query.source, query.destination] {
                    if let status = snapshot.unavailableNodes[end] {
                        throw .noPath(source: query.source, destination: query.destination, reason: "node '\(end)' is \(status.rawValue)")
                    }
                }
                query.constraints.unavailableNodes = snapshot.unavailableNodes
                answer = try query.run(on: snapshot.engine)
            } catch {
                throw Problem(pathError: error)
            }
            return JSONCoding.response(writing: answer)
        }
    }
}

/// The request body, as the API documents it.
struct PathComputeRequest: Decodable {
    static let fields = [
        "source", "destination", "rate_bps", "metric", "max_hops", "exclude_nodes", "exclude_links",
        "include_nodes", "k", "disjoint", "objective",
    ]

    var source: String
    var destination: String
    var rateBps: Double?
    var metric: String?
    var maxHops: Int?
    var excludeNodes: [String]?
    var excludeLinks: [String]?
    var includeNodes: [String]?
    var k: Int?
    var disjoint: String?
    var objective: String?

    enum CodingKeys: String, CodingKey {
        case source, destination
        case rateBps = "rate_bps"
        case metric
        case maxHops = "max_hops"
        case excludeNodes = "exclude_nodes"
        case excludeLinks = "exclude_links"
        case includeNodes = "include_nodes"
        case k, disjoint, objective
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Self.fields)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        destination = try container.decode(String.self, forKey: .destination)
        rateBps = try container.decodeIfPresent(Double.self, forKey: .rateBps)
        metric = try container.decodeIfPresent(String.self, forKey: .metric)
        maxHops = try container.decodeIfPresent(Int.self, forKey: .maxHops)
        excludeNodes = try container.decodeIfPresent([String].self, forKey: .excludeNodes)
        excludeLinks = try container.decodeIfPresent([String].self, forKey: .excludeLinks)
        includeNodes = try container.decodeIfPresent([String].self, forKey: .includeNodes)
        k = try container.decodeIfPresent(Int.self, forKey: .k)
        disjoint = try container.decodeIfPresent(String.self, forKey: .disjoint)
        objective = try container.decodeIfPresent(String.self, forKey: .objective)
    }

    enum Objective: String, CaseIterable {
        case shortest, widest
        case maxFlow = "max_flow"
    }
    enum Disjoint: String, CaseIterable { case none, node, link }

    struct Checked {
        var source: NodeID
        var destination: NodeID
        var metric: PathMetric
        var constraints: PathConstraints
        var k: Int
        var disjointness: Disjointness?
        var objective: Objective

        func run(on engine: PathEngine) throws(PathComputationError) -> PathComputeResponse {
            switch (objective, disjointness) {
            case (.shortest, let disjointness?):
                let paths = try engine.disjointPaths(
                    from: source, to: destination, k: k, disjointness: disjointness, metric: metric, constraints: constraints
                )
                // Disjoint paths share no link, so each carries its own bottleneck at once.
                return PathComputeResponse(paths: paths.map { ($0, $0.bottleneckBps) }, totalRateBps: paths.reduce(0) { $0 + $1.bottleneckBps })
            case (.shortest, nil):
                let paths = try engine.kShortestPaths(from: source, to: destination, k: k, metric: metric, constraints: constraints)
                // Alternatives are not used together: the most one key path can carry is the best bottleneck.
                return PathComputeResponse(paths: paths.map { ($0, $0.bottleneckBps) }, totalRateBps: paths.map(\.bottleneckBps).max() ?? 0)
            case (.widest, _):
                let path = try engine.widestPath(from: source, to: destination, metric: metric, constraints: constraints)
                return PathComputeResponse(paths: [(path, path.bottleneckBps)], totalRateBps: path.bottleneckBps)
            case (.maxFlow, _):
                let flow = try engine.maximumKeyRateFlow(from: source, to: destination, metric: metric, constraints: constraints)
                return PathComputeResponse(paths: flow.shares.map { ($0.path, $0.rateBps) }, totalRateBps: flow.totalRateBps)
            }
        }
    }

    func checked() throws(Problem) -> Checked {
        var check = RequestCheck()
        let source = check.identifier(source, as: NodeID.self, pointer: "/source")
        let destination = check.identifier(destination, as: NodeID.self, pointer: "/destination")
        let metric = check.enumValue(metric, as: PathMetric.self, pointer: "/metric") ?? .hops
        let objective = check.enumValue(objective, as: Objective.self, pointer: "/objective") ?? .shortest
        let disjoint = check.enumValue(disjoint, as: Disjoint.self, pointer: "/disjoint") ?? .none
        let disjointness = Disjointness(rawValue: disjoint.rawValue)
        if let rateBps, !rateBps.isFinite || rateBps < 0 {
            check.items.append(.init(pointer: "/rate_bps", message: "must be a non-negative number of bit/s"))
        }
        if let maxHops, maxHops < 1 || maxHops > 1_000 {
            check.items.append(.init(pointer: "/max_hops", message: "must be from 1 to 1000"))
        }
        // Disjoint answers are pairs unless k says otherwise.
        let k = k ?? (disjointness == nil ? 1 : 2)
        if !(1...16).contains(k) { check.items.append(.init(pointer: "/k", message: "must be from 1 to 16")) }
        if objective != .shortest && k != 1 {
            check.items.append(.init(pointer: "/k", message: "the \(objective.rawValue) objective decides how many paths it returns; leave k at 1"))
        }
        if objective != .shortest && disjointness != nil {
            check.items.append(.init(pointer: "/disjoint", message: "disjoint paths are computed for the shortest objective"))
        }
        if maxHops != nil && (disjointness != nil || objective == .maxFlow) {
            check.items.append(
                .init(pointer: "/max_hops", message: "a hop limit applies to shortest and widest paths, not to disjoint paths or max_flow"))
        }
        let excludedNodes = (excludeNodes ?? []).enumerated().compactMap { index, id in
            check.identifier(id, as: NodeID.self, pointer: "/exclude_nodes/\(index)")
        }
        let excludedLinks = (excludeLinks ?? []).enumerated().compactMap { index, id in
            check.identifier(id, as: LinkID.self, pointer: "/exclude_links/\(index)")
        }
        let waypoints = (includeNodes ?? []).enumerated().compactMap { index, id in
            check.identifier(id, as: NodeID.self, pointer: "/include_nodes/\(index)")
        }
        if (includeNodes ?? []).count > 8 {
            check.items.append(.init(pointer: "/include_nodes", message: "at most 8 waypoints"))
        }
        if !waypoints.isEmpty && (disjointness != nil || objective == .maxFlow) {
            check.items.append(
                .init(pointer: "/include_nodes", message: "waypoints apply to shortest and widest paths, not to disjoint paths or max_flow"))
        }
        try check.finish()
        return Checked(
            source: source!, destination: destination!, metric: metric,
            constraints: PathConstraints(
                minRateBps: rateBps ?? 0, maxHops: maxHops, excludeNodes: Set(excludedNodes), excludeLinks: Set(excludedLinks),
                includeNodes: waypoints
            ),
            k: k, disjointness: disjointness, objective: objective
        )
    }
}

struct PathComputeResponse: JSONWritable {
    /// Each path with the rate the answer assigns it, bit/s.
    var paths: [(path: RelayPath, rateBps: Double)]
    var totalRateBps: Double

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("paths")
        writer.array(paths) { writer, entry in
            let path = entry.path
            writer.raw("{")
            writer.key("nodes")
            writer.array(path.nodes) { writer, id in writer.string(id.rawValue) }
            writer.comma()
            writer.key("links")
            writer.array(path.links) { writer, id in writer.string(id.rawValue) }
            writer.comma()
            writer.key("hops")
            writer.number(path.hops)
            writer.comma()
            writer.key("length_km")
            writer.number(path.lengthKm)
            writer.comma()
            writer.key("cost")
            writer.number(path.cost)
            writer.comma()
            writer.key("bottleneck_bps")
            writer.number(path.bottleneckBps)
            writer.comma()
            writer.key("rate_bps")
            writer.number(entry.rateBps)
            writer.raw("}")
        }
        writer.comma()
        writer.key("total_rate_bps")
        writer.number(totalRateBps)
        writer.raw("}")
    }
}

extension Problem {
    init(pathError error: PathComputationError) {
        switch error {
        // The detail says it all: an `errors` item with no pointer would say it again.
        case .unknownNode(let id):
            self.init(.unprocessableContent, detail: "no node with id '\(id)'")
        case .unknownLink(let id):
            self.init(.unprocessableContent, detail: "no link with id '\(id)'")
        case .sameEnds, .invalidRequest, .searchLimit:
            self.init(.unprocessableContent, detail: error.description)
        case .noPath:
            self.init(.notFound, title: "No path", detail: error.description)
        }
    }
}
