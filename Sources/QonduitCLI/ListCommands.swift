import ArgumentParser
import Foundation

struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes", abstract: "Inspect the controller's QKD nodes.", subcommands: [List.self]
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
}

struct LinksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links", abstract: "Inspect the controller's QKD links.", subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every link as a table (or JSON).")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let links: [LinkJSON] = try await client.controller().fetchAll("/api/v1/links")
            if client.json { return try printJSON(links) }
            print(Table(header: ["ID", "NODE A", "NODE B", "LENGTH KM", "KEY RATE BIT/S", "RESERVED BIT/S", "STATUS", "QBER"], rows: links.map {
                [$0.id, $0.node_a, $0.node_b, Format.number($0.length_km, digits: 1), Format.number($0.key_rate_bps, digits: 1),
                 $0.reserved_bps.map { Format.number($0, digits: 1) } ?? "-", $0.status, $0.qber.map { Format.number($0, digits: 4) } ?? "-"]
            }).rendered)
            print("\(links.count) link\(links.count == 1 ? "" : "s")")
        }
    }
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
    var key_rate_bps: Double
    /// Key rate reserved by key paths, bit/s.
    var reserved_bps: Double?
    var status: String
    var qber: Double?
    var qkdl_id: String?
    var created_at: String
    var updated_at: String
}
