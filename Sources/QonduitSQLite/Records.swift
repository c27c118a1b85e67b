import Foundation
import GRDB
import QonduitCore
import QonduitStorage

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
        let statusText: String = row["admin_status"]
        let measuredText: String? = row["measured_status"]
        let id = row["id"] as String? ?? "?"
        node = QKDNode(
            id: try NodeID(row["id"] as String),
            name: row["name"],
            trusted: row["trusted"],
            location: latitude.flatMap { lat in longitude.map { GeoCoordinate(latitude: lat, longitude: $0) } },
            site: row["site"],
            status: try StoredValue.decode(statusText, column: "admin_status", of: "node '\(id)'"),
            measuredStatus: try measuredText.map { try StoredValue.decode($0, column: "measured_status", of: "node '\(id)'") },
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
        container["status"] = node.current.rawValue
        container["admin_status"] = node.status.rawValue
        container["measured_status"] = node.measuredStatus?.rawValue
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

    /// The columns a link's values fill (`values(of:)`, in this order; `created_at` and `updated_at`
    /// aside): one mapping for the record and for the import's prepared upsert.
    static let valueColumns = [
        "id", "node_a", "node_b", "length_km", "nominal_key_rate_bps", "admin_status", "nominal_qber", "cost",
        "key_rate_bps", "status", "qber", "a_status", "a_key_rate_bps", "a_qber", "b_status", "b_key_rate_bps", "b_qber", "qkdl_id",
    ]

    /// The planner's values, the values in force (`QKDLink.current`, which SQL reads) and each end's measurement.
    static func values(of link: QKDLink) -> [(any DatabaseValueConvertible)?] {
        let current = link.current
        let a = link.measuredAtA
        let b = link.measuredAtB
        return [
            link.id.rawValue, link.nodeA.rawValue, link.nodeB.rawValue, link.lengthKm, link.keyRateBps, link.status.rawValue, link.qber,
            link.cost, current.keyRateBps, current.status.rawValue, current.qber, a?.status?.rawValue, a?.keyRateBps, a?.qber,
            b?.status?.rawValue, b?.keyRateBps, b?.qber, link.qkdlID?.text,
        ]
    }

    func encode(to container: inout PersistenceContainer) {
        for (column, value) in zip(Self.valueColumns, Self.values(of: link)) { container[column] = value }
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
    }

    /// What the agent at end `a` or `b` last reported, or nil when it reported nothing.
    private static func measurement(_ row: Row, end: String) throws -> LinkMeasurement? {
        let status: String? = row["\(end)_status"]
        let rate: Double? = row["\(end)_key_rate_bps"]
        let qber: Double? = row["\(end)_qber"]
        guard status != nil || rate != nil || qber != nil else { return nil }
        return LinkMeasurement(
            status: try status.map { try Self.status($0, column: "\(end)_status", row) }, keyRateBps: rate, qber: qber
        )
    }

    private static func status(_ text: String, column: String, _ row: Row) throws -> LinkStatus {
        try StoredValue.decode(text, column: column, of: "link '\(row["id"] as String? ?? "?")'")
    }

    var stored: Stored<QKDLink> { Stored(value: link, createdAt: createdAt, updatedAt: updatedAt) }
}
