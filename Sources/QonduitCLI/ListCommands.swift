import ArgumentParser
import Foundation

struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes", abstract: "Inspect the controller's QKD nodes.", subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every node as a table (or JSON).")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let nodes: [NodeJSON] = try await client.controller().fetchAll("/api/v1/nodes")
            if client.json { return try printJSON(nodes) }
            print(Table(header: ["ID", "NAME", "TRUSTED", "STATUS", "LATITUDE", "LONGITUDE", "SITE"], rows: nodes.map {
                [$0.id, $0.name, $0.trusted ? "yes" : "no", $0.status,
                 $0.latitude.map { Format.number($0, digits: 4) } ?? "-",
                 $0.longitude.map { Format.number($0, digits: 4) } ?? "-", $0.site ?? "-"]
            }).rendered)
            print("\(nodes.count) node\(nodes.count == 1 ? "" : "s")")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one node: its fields, its agent and its links.")
        @Argument(help: "The node's id.") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let controller = try client.controller()
            let node: NodeJSON = try await controller.send("GET", "/api/v1/nodes/\(RequestText.segment(id))")
            if client.json { return try printJSON(node) }
            print("node \(node.id) (\(node.name)): \(node.status), \(node.trusted ? "trusted relay" : "end node, not trusted to relay")")
            if let latitude = node.latitude, let longitude = node.longitude {
                print("  at \(Format.number(latitude, digits: 4)), \(Format.number(longitude, digits: 4))\(node.site.map { ", site \($0)" } ?? "")")
            }
            print("  qkdn_id \(node.qkdn_id ?? "-")")
            let agents: [AgentJSON] = try await controller.fetchAll("/api/v1/agents")
            if let agent = agents.first(where: { $0.node_id == node.id }) {
                print("  agent \(agent.state) at \(agent.restconf_url), last report \(agent.last_heartbeat_at), drift \(agent.drift)"
                    + (agent.reconcile_error.map { ", reconcile error: \($0)" } ?? ""))
            } else {
                print("  no agent has registered")
            }
            let links: [LinkJSON] = try await controller.fetchAll("/api/v1/links")
            for link in links where link.node_a == node.id || link.node_b == node.id {
                let other = link.node_a == node.id ? link.node_b : link.node_a
                print("  link \(link.id) to \(other): \(link.status), \(Format.number(link.key_rate_bps, digits: 1)) bit/s")
            }
        }
    }
}

struct LinksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links", abstract: "Inspect the controller's QKD links, and set them up or down.", subcommands: [List.self, Show.self, Set.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every link as a table (or JSON).")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let links: [LinkJSON] = try await client.controller().fetchAll("/api/v1/links")
            if client.json { return try printJSON(links) }
            // The key rate, status and QBER in force; the planner's nominal rate beside them.
            let header = ["ID", "NODE A", "NODE B", "LENGTH KM", "KEY RATE BIT/S", "NOMINAL BIT/S", "RESERVED BIT/S", "STATUS", "QBER", "COST"]
            print(Table(header: header, rows: links.map {
                [$0.id, $0.node_a, $0.node_b, Format.number($0.length_km, digits: 1), Format.number($0.key_rate_bps, digits: 1),
                 $0.nominal_key_rate_bps.map { Format.number($0, digits: 1) } ?? "-",
                 $0.reserved_bps.map { Format.number($0, digits: 1) } ?? "-", $0.status, $0.qber.map { Format.number($0, digits: 4) } ?? "-",
                 $0.cost.map { Format.number($0, digits: 3) } ?? "-"]
            }).rendered)
            print("\(links.count) link\(links.count == 1 ? "" : "s")")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one link: planned and measured values, and the key paths over it.")
        @Argument(help: "The link's id.") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let controller = try client.controller()
            let link: LinkJSON = try await controller.send("GET", "/api/v1/links/\(RequestText.segment(id))")
            let paths: [KeyPathJSON] = try await controller.fetchAll("/api/v1/key-paths", query: ["link": link.id])
            if client.json { return try printJSON(LinkDetailsJSON(link: link, key_paths: paths)) }
            func rate(_ value: Double?) -> String { value.map { "\(Format.number($0, digits: 1)) bit/s" } ?? "-" }
            func qber(_ value: Double?) -> String { value.map { Format.number($0, digits: 4) } ?? "-" }
            print("link \(link.id): \(link.node_a) - \(link.node_b), \(Format.number(link.length_km, digits: 1)) km, cost \(link.cost.map { Format.number($0, digits: 3) } ?? "-")")
            print("  in force:  \(link.status), \(rate(link.key_rate_bps)), QBER \(qber(link.qber)), \(rate(link.reserved_bps)) reserved")
            print("  planned:   \(link.admin_status ?? "-"), \(rate(link.nominal_key_rate_bps)), QBER \(qber(link.nominal_qber))")
            print("  measured:  \(link.measured_status ?? "-"), \(rate(link.measured_key_rate_bps)), QBER \(qber(link.measured_qber))")
            print("  qkdl_id \(link.qkdl_id ?? "-")")
            for path in paths {
                print("  key path \(path.id) \(path.state): \(path.source) > \(path.destination), \(Format.number(path.rate_bps, digits: 1)) bit/s")
            }
            print("\(paths.count) key path\(paths.count == 1 ? "" : "s") over it")
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a link up or down (operator): key paths over a link set down are re-routed before the answer."
        )
        @Argument(help: "The link's id.") var id: String
        @Option(help: "up or down.") var status: SettableStatus
        @OptionGroup var client: ClientOptions

        enum SettableStatus: String, ExpressibleByArgument, CaseIterable { case up, down }

        func run() async throws {
            let body = try RequestText.json(["status": status.rawValue])
            let link: LinkJSON = try await client.controller().send("PATCH", "/api/v1/links/\(RequestText.segment(id))", body: body)
            if client.json { return try printJSON(link) }
            print("link \(link.id): set \(link.admin_status ?? status.rawValue), in force \(link.status)")
        }
    }
}

struct LinkDetailsJSON: Encodable {
    var link: LinkJSON
    var key_paths: [KeyPathJSON]
}

struct NodeJSON: Codable {
    var id: String
    var name: String
    var trusted: Bool
    var latitude: Double?
    var longitude: Double?
    var site: String?
    var status: String
    var qkdn_id: String?
    var created_at: String
    var updated_at: String
}

struct LinkJSON: Codable {
    var id: String
    var node_a: String
    var node_b: String
    var length_km: Double
    /// In force: measured once an agent reported, nominal before.
    var key_rate_bps: Double
    var nominal_key_rate_bps: Double?
    var measured_key_rate_bps: Double?
    /// Key rate reserved by key paths, bit/s.
    var reserved_bps: Double?
    var status: String
    var admin_status: String?
    var measured_status: String?
    var qber: Double?
    var nominal_qber: Double?
    var measured_qber: Double?
    var cost: Double?
    var qkdl_id: String?
    var created_at: String
    var updated_at: String
}
