import Foundation
import PostgresNIO
import QonduitCore
import QonduitStorage

/// Rows read back into values, by column name. A value the code does not know is an error naming
/// the row and column (`StoredValue`), never a silent default.
enum PostgresRows {
    static let nodeColumns = "id, name, trusted, latitude, longitude, site, admin_status, measured_status, qkdn_id, created_at, updated_at"

    static func node(_ row: PostgresRandomAccessRow) throws -> Stored<QKDNode> {
        let id: String = try row.get("id")
        let latitude: Double? = try row.get("latitude")
        let longitude: Double? = try row.get("longitude")
        let measured: String? = try row.get("measured_status")
        let node = QKDNode(
            id: try NodeID(id), name: try row.get("name"), trusted: try row.get("trusted"),
            location: latitude.flatMap { lat in longitude.map { GeoCoordinate(latitude: lat, longitude: $0) } }, site: try row.get("site"),
            status: try StoredValue.decode(try row.get("admin_status"), column: "admin_status", of: "node '\(id)'"),
            measuredStatus: try measured.map { try StoredValue.decode($0, column: "measured_status", of: "node '\(id)'") },
            qkdnID: (try row.get("qkdn_id", as: String?.self)).flatMap(QKDUUID.init))
        return Stored(value: node, createdAt: try row.get("created_at"), updatedAt: try row.get("updated_at"))
    }

    /// The columns a link's values fill (`linkValues(of:)`, in this order), `created_at` and `updated_at` aside.
    static let linkValueColumns = [
        "id", "node_a", "node_b", "length_km", "nominal_key_rate_bps", "admin_status", "nominal_qber", "cost",
        "key_rate_bps", "status", "qber", "a_status", "a_key_rate_bps", "a_qber", "b_status", "b_key_rate_bps", "b_qber", "qkdl_id",
    ]
    static let linkColumns = linkValueColumns.joined(separator: ", ") + ", created_at, updated_at"

    /// The planner's values, the values in force (`QKDLink.current`, which SQL reads) and each end's measurement.
    static func linkBindings(of link: QKDLink, createdAt: Date, updatedAt: Date) throws -> PostgresBindings {
        let current = link.current
        let a = link.measuredAtA
        let b = link.measuredAtB
        var binds = PostgresBindings(capacity: 20)
        binds.append(link.id.rawValue)
        binds.append(link.nodeA.rawValue)
        binds.append(link.nodeB.rawValue)
        binds.append(link.lengthKm)
        binds.append(link.keyRateBps)
        binds.append(link.status.rawValue)
        binds.append(link.qber)
        binds.append(link.cost)
        binds.append(current.keyRateBps)
        binds.append(current.status.rawValue)
        binds.append(current.qber)
        binds.append(a?.status?.rawValue)
        binds.append(a?.keyRateBps)
        binds.append(a?.qber)
        binds.append(b?.status?.rawValue)
        binds.append(b?.keyRateBps)
        binds.append(b?.qber)
        binds.append(link.qkdlID?.text)
        binds.append(createdAt)
        binds.append(updatedAt)
        return binds
    }

    static func link(_ row: PostgresRandomAccessRow) throws -> Stored<QKDLink> {
        let id: String = try row.get("id")
        func status(_ text: String, _ column: String) throws -> LinkStatus {
            try StoredValue.decode(text, column: column, of: "link '\(id)'")
        }
        func measurement(_ end: String) throws -> LinkMeasurement? {
            let state: String? = try row.get("\(end)_status")
            let rate: Double? = try row.get("\(end)_key_rate_bps")
            let qber: Double? = try row.get("\(end)_qber")
            guard state != nil || rate != nil || qber != nil else { return nil }
            return LinkMeasurement(status: try state.map { try status($0, "\(end)_status") }, keyRateBps: rate, qber: qber)
        }
        let link = QKDLink(
            id: try LinkID(id), nodeA: try NodeID(try row.get("node_a")), nodeB: try NodeID(try row.get("node_b")),
            lengthKm: try row.get("length_km"), keyRateBps: try row.get("nominal_key_rate_bps"),
            status: try status(try row.get("admin_status"), "admin_status"), qber: try row.get("nominal_qber"), cost: try row.get("cost"),
            qkdlID: (try row.get("qkdl_id", as: String?.self)).flatMap(QKDUUID.init), measuredAtA: try measurement("a"),
            measuredAtB: try measurement("b"))
        return Stored(value: link, createdAt: try row.get("created_at"), updatedAt: try row.get("updated_at"))
    }

    static let keyPathColumns = """
        id, source, destination, rate_bps, metric, max_hops, exclude_nodes, exclude_links, protection, path_count, \
        client_app_id, server_app_id, app_id, state, reason, created_at, updated_at
        """

    /// A `key_path` row, without its routes.
    static func keyPath(_ row: PostgresRandomAccessRow) throws -> Stored<QKDKeyPath> {
        let id: String = try row.get("id")
        func name() -> String { "key path '\(id)'" }
        let path = QKDKeyPath(
            id: try StoredValue.uuid(id, column: "id", of: name()),
            source: try NodeID(try row.get("source")), destination: try NodeID(try row.get("destination")),
            rateBps: try row.get("rate_bps"), metric: try StoredValue.decode(try row.get("metric"), column: "metric", of: name()),
            maxHops: try row.get("max_hops"),
            excludeNodes: try row.get("exclude_nodes", as: [String].self).map { try NodeID($0) },
            excludeLinks: try row.get("exclude_links", as: [String].self).map { try LinkID($0) },
            protection: try StoredValue.decode(try row.get("protection"), column: "protection", of: name()),
            pathCount: try row.get("path_count"), clientAppID: try row.get("client_app_id"), serverAppID: try row.get("server_app_id"),
            appID: try StoredValue.uuid(try row.get("app_id"), column: "app_id", of: name()),
            state: try StoredValue.decode(try row.get("state"), column: "state", of: name()), reason: try row.get("reason"))
        return Stored(value: path, createdAt: try row.get("created_at"), updatedAt: try row.get("updated_at"))
    }

    static let routeColumns = "key_path_id, position, role, nodes, links, rate_bps, qkdl_id"

    static func route(_ row: PostgresRandomAccessRow) throws -> (keyPathID: String, route: KeyPathRoute) {
        let keyPathID: String = try row.get("key_path_id")
        let position: Int = try row.get("position")
        func name() -> String { "route \(position) of key path '\(keyPathID)'" }
        return (
            keyPathID,
            KeyPathRoute(
                role: try StoredValue.decode(try row.get("role"), column: "role", of: name()),
                nodes: try row.get("nodes", as: [String].self).map { try NodeID($0) },
                links: try row.get("links", as: [String].self).map { try LinkID($0) },
                rateBps: try row.get("rate_bps"), qkdlID: try StoredValue.uuid(try row.get("qkdl_id"), column: "qkdl_id", of: name()))
        )
    }
}
