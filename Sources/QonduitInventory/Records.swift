import Foundation
import GRDB
import QonduitCore

/// Row mapping for the `node` table. Hand-written rather than Codable: it is on the hot path of
/// topology reads and imports.
struct NodeRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "node"

    var node: QKDNode
    var createdAt: Date
    var updatedAt: Date

    init(_ node: QKDNode, createdAt: Date, updatedAt: Date) {
        self.node = node
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    init(row: Row) throws {
        let latitude: Double? = row["latitude"]
        let longitude: Double? = row["longitude"]
        let statusText: String = row["status"]
        node = QKDNode(
            id: try NodeID(row["id"] as String),
            name: row["name"],
            trusted: row["trusted"],
            location: latitude.flatMap { lat in longitude.map { GeoCoordinate(latitude: lat, longitude: $0) } },
            site: row["site"],
            status: NodeStatus(rawValue: statusText) ?? .unknown,
            qkdnID: (row["qkdn_id"] as String?).flatMap(QKDUUID.init)
        )
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["id"] = node.id.rawValue
        container["name"] = node.name
        container["trusted"] = node.trusted
        container["latitude"] = node.location?.latitude
        container["longitude"] = node.location?.longitude
        container["site"] = node.site
        container["status"] = node.status.rawValue
        container["qkdn_id"] = node.qkdnID?.text
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
    }

    var stored: Stored<QKDNode> { Stored(value: node, createdAt: createdAt, updatedAt: updatedAt) }
}

/// Row mapping for the `link` table.
struct LinkRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "link"

    var link: QKDLink
    var createdAt: Date
    var updatedAt: Date

    init(_ link: QKDLink, createdAt: Date, updatedAt: Date) {
        self.link = link
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    init(row: Row) throws {
        link = QKDLink(
            id: try LinkID(row["id"] as String),
            nodeA: try NodeID(row["node_a"] as String),
            nodeB: try NodeID(row["node_b"] as String),
            lengthKm: row["length_km"],
            keyRateBps: row["nominal_key_rate_bps"],
            status: try Self.status(row["admin_status"], column: "admin_status", row),
            qber: row["nominal_qber"],
            cost: row["cost"],
            qkdlID: (row["qkdl_id"] as String?).flatMap(QKDUUID.init),
            measuredAtA: try Self.measurement(row, end: "a"),
            measuredAtB: try Self.measurement(row, end: "b")
        )
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["id"] = link.id.rawValue
        container["node_a"] = link.nodeA.rawValue
        container["node_b"] = link.nodeB.rawValue
        container["length_km"] = link.lengthKm
        container["nominal_key_rate_bps"] = link.keyRateBps
        container["admin_status"] = link.status.rawValue
        container["nominal_qber"] = link.qber
        container["cost"] = link.cost
        let current = link.current
        container["key_rate_bps"] = current.keyRateBps
        container["status"] = current.status.rawValue
        container["qber"] = current.qber
        for (end, measured) in [("a", link.measuredAtA), ("b", link.measuredAtB)] {
            container["\(end)_status"] = measured?.status?.rawValue
            container["\(end)_key_rate_bps"] = measured?.keyRateBps
            container["\(end)_qber"] = measured?.qber
        }
        container["qkdl_id"] = link.qkdlID?.text
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
    }

    /// What the agent at end `a` or `b` last reported, or nil when it reported nothing.
    private static func measurement(_ row: Row, end: String) throws -> LinkMeasurement? {
        let status: String? = row["\(end)_status"], rate: Double? = row["\(end)_key_rate_bps"], qber: Double? = row["\(end)_qber"]
        guard status != nil || rate != nil || qber != nil else { return nil }
        return LinkMeasurement(
            status: try status.map { try Self.status($0, column: "\(end)_status", row) }, keyRateBps: rate, qber: qber
        )
    }

    private static func status(_ text: String, column: String, _ row: Row) throws -> LinkStatus {
        guard let status = LinkStatus(rawValue: text) else {
            throw InventoryError.corrupt("link '\(row["id"] as String? ?? "?")': \(column) '\(text)' is not up, down or unknown")
        }
        return status
    }

    var stored: Stored<QKDLink> { Stored(value: link, createdAt: createdAt, updatedAt: updatedAt) }
}
