import Foundation
import Hummingbird
import QonduitCore
import QonduitPathEngine
import QonduitProvisioning
import QonduitStorage

/// `/api/v1/key-paths`: provision, list, read and delete key paths.
struct KeyPathRoutes {
    let inventory: any Inventory
    let provisioner: KeyPathProvisioner
    let configuration: APIConfiguration

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post { request, context in
            _ = try QueryParameters(request, allowed: [])
            var request = request
            let body = try await request.decodeJSON(KeyPathCreateRequest.self, maxBytes: configuration.maxJSONBodyBytes)
            if body.dryRun == true {
                // The provisioner's own plan, as it would reserve it now; nothing is reserved, nothing sent.
                let planned = try await provisioner.dryRun(try body.checked())
                return JSONCoding.response(writing: KeyPathPlanRepresentation(path: planned))
            }
            // The audit entry is appended with the path's activation (or failure), not in a transaction of its own.
            let stored = try await provisioner.provision(try body.checked(), audit: context.audit?.entry(status: 201))
            context.audit?.markAppended()
            // A path that reached its nodes but could not be configured is still created, as failed: it says why.
            var response = JSONCoding.response(writing: KeyPathRepresentation(stored: stored), status: .created)
            response.headers[.location] = "/api/v1/key-paths/\(stored.value.id)"
            return response
        }
        group.get { request, _ in
            let query = try QueryParameters(request, allowed: ["state", "node", "link", "limit", "offset"])
            var filter = KeyPathFilter()
            if let state = query.string("state") {
                guard let value = KeyPathState(rawValue: state) else {
                    throw Problem(
                        .badRequest, detail: "state must be one of \(KeyPathState.allCases.map(\.rawValue).joined(separator: ", ")), got '\(state)'",
                        errors: [.init(pointer: "?state", message: "unknown state")])
                }
                filter.state = value
            }
            var check = RequestCheck()
            filter.node = query.string("node").flatMap { check.identifier($0, as: NodeID.self, pointer: "?node") }
            filter.link = query.string("link").flatMap { check.identifier($0, as: LinkID.self, pointer: "?link") }
            try check.finish()
            // A filter naming what is not there is a mistake to tell, not an empty list.
            if let node = filter.node { _ = try await inventory.node(node.rawValue) }
            if let link = filter.link { _ = try await inventory.link(link.rawValue) }
            let page = try await inventory.keyPaths(
                filter, limit: try query.int("limit", default: 100, in: 1...10_000), offset: try query.int("offset", default: 0, in: 0...Int.max)
            )
            return JSONCoding.response(writing: ListRepresentation(items: page.items.map(KeyPathRepresentation.init), total: page.total))
        }
        // Moves active paths back to better routes (by their own metric) once the network allows.
        group.post("reoptimize") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            var request = request
            let buffer = try await request.collectBody(upTo: configuration.maxJSONBodyBytes)
            var ids: [QKDUUID]?
            if buffer.readableBytes > 0 {
                let body = try JSONCoding.decoder().decode(KeyPathReoptimizeRequest.self, from: Data(buffer.readableBytesView))
                ids = try body.checked()
                for id in ids ?? [] { _ = try await inventory.keyPath(id.text) }  // 404 names a path that is not there
            }
            let result = try await provisioner.reoptimize(ids)
            return JSONCoding.response(writing: ReoptimizationRepresentation(result: result))
        }
        group.get("{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            return JSONCoding.response(writing: KeyPathRepresentation(stored: try await inventory.keyPath(try context.parameters.require("id"))))
        }
        group.delete("{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            try await provisioner.delete(try context.parameters.require("id"))
            return Response(status: .noContent)
        }
    }
}

/// `POST /api/v1/key-paths` body.
struct KeyPathCreateRequest: Decodable {
    static let fields = [
        "source", "destination", "rate_bps", "metric", "max_hops", "exclude_nodes", "exclude_links", "protection", "paths", "application",
        "dry_run",
    ]

    struct Application: Decodable {
        static let fields = ["client_app_id", "server_app_id"]
        var clientAppID: String?
        var serverAppID: String?

        enum CodingKeys: String, CodingKey {
            case clientAppID = "client_app_id"
            case serverAppID = "server_app_id"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(allowed: Self.fields)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            clientAppID = try container.decodeIfPresent(String.self, forKey: .clientAppID)
            serverAppID = try container.decodeIfPresent(String.self, forKey: .serverAppID)
        }
    }

    var source: String
    var destination: String
    var rateBps: Double
    var metric: String?
    var maxHops: Int?
    var excludeNodes: [String]?
    var excludeLinks: [String]?
    var protection: String?
    var paths: Int?
    var application: Application?
    /// Plan only: the answer is the routes provisioning would reserve now.
    var dryRun: Bool?

    enum CodingKeys: String, CodingKey {
        case source, destination
        case rateBps = "rate_bps"
        case metric
        case maxHops = "max_hops"
        case excludeNodes = "exclude_nodes"
        case excludeLinks = "exclude_links"
        case protection, paths, application
        case dryRun = "dry_run"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Self.fields)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        destination = try container.decode(String.self, forKey: .destination)
        rateBps = try container.decode(Double.self, forKey: .rateBps)
        metric = try container.decodeIfPresent(String.self, forKey: .metric)
        maxHops = try container.decodeIfPresent(Int.self, forKey: .maxHops)
        excludeNodes = try container.decodeIfPresent([String].self, forKey: .excludeNodes)
        excludeLinks = try container.decodeIfPresent([String].self, forKey: .excludeLinks)
        protection = try container.decodeIfPresent(String.self, forKey: .protection)
        paths = try container.decodeIfPresent(Int.self, forKey: .paths)
        application = try container.decodeIfPresent(Application.self, forKey: .application)
        dryRun = try container.decodeIfPresent(Bool.self, forKey: .dryRun)
    }

    func checked() throws(Problem) -> KeyPathRequest {
        var check = RequestCheck()
        let source = check.identifier(source, as: NodeID.self, pointer: "/source")
        let destination = check.identifier(destination, as: NodeID.self, pointer: "/destination")
        let metric = check.enumValue(metric, as: PathMetric.self, pointer: "/metric") ?? .hops
        let protection = check.enumValue(protection, as: KeyPathProtection.self, pointer: "/protection") ?? .none
        let excludedNodes = (excludeNodes ?? []).enumerated().compactMap { index, id in
            check.identifier(id, as: NodeID.self, pointer: "/exclude_nodes/\(index)")
        }
        let excludedLinks = (excludeLinks ?? []).enumerated().compactMap { index, id in
            check.identifier(id, as: LinkID.self, pointer: "/exclude_links/\(index)")
        }
        try check.finish()
        let request = KeyPathRequest(
            source: source!, destination: destination!, rateBps: rateBps, metric: metric, maxHops: maxHops,
            excludeNodes: Set(excludedNodes), excludeLinks: Set(excludedLinks), protection: protection, paths: paths,
            clientAppID: application?.clientAppID, serverAppID: application?.serverAppID
        )
        // The rules of key-path requests themselves are provisioning's.
        check.items += request.violations.map { .init(pointer: "/\($0.field)", message: $0.message) }
        try check.finish()
        return request
    }
}

/// `POST /api/v1/key-paths/reoptimize` body: which paths to look at (all active ones without it).
struct KeyPathReoptimizeRequest: Decodable {
    var keyPaths: [String]?

    enum CodingKeys: String, CodingKey { case keyPaths = "key_paths" }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: ["key_paths"])
        keyPaths = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([String].self, forKey: .keyPaths)
    }

    func checked() throws(Problem) -> [QKDUUID]? {
        guard let keyPaths else { return nil }
        var items: [Problem.Item] = []
        let ids = keyPaths.enumerated().compactMap { index, text in
            let id = QKDUUID(text)
            if id == nil { items.append(.init(pointer: "/key_paths/\(index)", message: "'\(text)' is not a key path id (a UUID)")) }
            return id
        }
        if !items.isEmpty { throw Problem(.badRequest, detail: Problem.summary(of: items), errors: items) }
        return ids
    }
}

/// What a re-optimisation did.
struct ReoptimizationRepresentation: JSONWritable {
    var result: KeyPathProvisioner.Reoptimization

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("examined")
        writer.number(result.examined)
        writer.comma()
        writer.key("moved")
        writer.array(result.moved) { writer, path in KeyPathRepresentation(stored: path).write(to: &writer) }
        writer.comma()
        writer.key("failed")
        writer.array(result.failed) { writer, path in KeyPathRepresentation(stored: path).write(to: &writer) }
        writer.raw("}")
    }
}

/// A key path as the API shows it.
struct KeyPathRepresentation: JSONWritable {
    var stored: Stored<QKDKeyPath>

    func write(to writer: inout JSONWriter) {
        let path = stored.value
        writer.raw("{")
        writer.key("id")
        writer.string(path.id.text)
        writer.comma()
        writer.key("state")
        writer.string(path.state.rawValue)
        writer.comma()
        writer.key("reason")
        writer.string(path.reason)
        writer.comma()
        Self.writeRequest(of: path, to: &writer)
        writer.comma()
        writer.key("max_hops")
        writer.number(path.maxHops.map(Double.init))
        writer.comma()
        writer.key("exclude_nodes")
        writer.array(path.excludeNodes) { writer, id in writer.string(id.rawValue) }
        writer.comma()
        writer.key("exclude_links")
        writer.array(path.excludeLinks) { writer, id in writer.string(id.rawValue) }
        writer.comma()
        writer.key("protection")
        writer.string(path.protection.rawValue)
        writer.comma()
        writer.key("paths")
        writer.number(path.pathCount)
        writer.comma()
        writer.key("application")
        if !path.hasApplication {
            writer.raw("null")
        } else {
            writer.raw("{")
            writer.key("app_id")
            writer.string(path.appID.text)
            writer.comma()
            writer.key("client_app_id")
            writer.string(path.clientAppID)
            writer.comma()
            writer.key("server_app_id")
            writer.string(path.serverAppID)
            writer.raw("}")
        }
        writer.comma()
        Self.writeRoutes(of: path, to: &writer, identities: true)
        writer.comma()
        writer.key("created_at")
        writer.date(stored.createdAt)
        writer.comma()
        writer.key("updated_at")
        writer.date(stored.updatedAt)
        writer.raw("}")
    }

    /// `"source", "destination", "rate_bps", "metric"`: what was asked, in a key path and in a plan alike.
    static func writeRequest(of path: QKDKeyPath, to writer: inout JSONWriter) {
        writer.key("source")
        writer.string(path.source.rawValue)
        writer.comma()
        writer.key("destination")
        writer.string(path.destination.rawValue)
        writer.comma()
        writer.key("rate_bps")
        writer.number(path.rateBps)
        writer.comma()
        writer.key("metric")
        writer.string(path.metric.rawValue)
    }

    /// `"routes": […], "reserved_bps": {…}`; with `identities`, each route's `qkdl_id`.
    static func writeRoutes(of path: QKDKeyPath, to writer: inout JSONWriter, identities: Bool) {
        writer.key("routes")
        writer.array(path.routes) { writer, route in
            writer.raw("{")
            writer.key("role")
            writer.string(route.role.rawValue)
            writer.comma()
            writer.key("nodes")
            writer.array(route.nodes) { writer, id in writer.string(id.rawValue) }
            writer.comma()
            writer.key("links")
            writer.array(route.links) { writer, id in writer.string(id.rawValue) }
            writer.comma()
            writer.key("rate_bps")
            writer.number(route.rateBps)
            if identities {
                writer.comma()
                writer.key("qkdl_id")
                writer.string(route.qkdlID.text)
            }
            writer.raw("}")
        }
        writer.comma()
        writer.key("reserved_bps")
        writer.raw("{")
        for (index, entry) in path.reservedBps.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { writer.comma() }
            writer.string(entry.key.rawValue)
            writer.raw(":")
            writer.number(entry.value)
        }
        writer.raw("}")
    }
}

/// The answer to a dry run: what provisioning would reserve now, and on which routes.
struct KeyPathPlanRepresentation: JSONWritable {
    var path: QKDKeyPath

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("dry_run")
        writer.raw("true")
        writer.comma()
        KeyPathRepresentation.writeRequest(of: path, to: &writer)
        writer.comma()
        writer.key("protection")
        writer.string(path.protection.rawValue)
        writer.comma()
        KeyPathRepresentation.writeRoutes(of: path, to: &writer, identities: false)
        writer.raw("}")
    }
}
