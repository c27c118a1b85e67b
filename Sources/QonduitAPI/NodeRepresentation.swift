import Foundation
import QonduitCore
import QonduitStorage

/// A node as the API shows it.
struct NodeRepresentation: JSONWritable {
    var stored: Stored<QKDNode>

    func write(to writer: inout JSONWriter) {
        let node = stored.value
        writer.raw("{")
        writer.key("id")
        writer.string(node.id.rawValue)
        writer.comma()
        writer.key("name")
        writer.string(node.name)
        writer.comma()
        writer.key("trusted")
        writer.bool(node.trusted)
        writer.comma()
        writer.key("latitude")
        writer.number(node.location?.latitude)
        writer.comma()
        writer.key("longitude")
        writer.number(node.location?.longitude)
        writer.comma()
        writer.key("site")
        writer.string(node.site)
        writer.comma()
        writer.key("status")
        writer.string(node.current.rawValue)
        writer.comma()
        writer.key("admin_status")
        writer.string(node.status.rawValue)
        writer.comma()
        writer.key("measured_status")
        writer.string(node.measuredStatus?.rawValue)
        writer.comma()
        writer.key("qkdn_id")
        writer.string(node.qkdnID?.text)
        writer.comma()
        writer.key("created_at")
        writer.date(stored.createdAt)
        writer.comma()
        writer.key("updated_at")
        writer.date(stored.updatedAt)
        writer.raw("}")
    }
}

/// `POST /api/v1/nodes` body.
struct NodeCreateRequest: Decodable {
    static let fields = ["id", "name", "trusted", "latitude", "longitude", "site", "status", "qkdn_id"]

    var id: String
    var name: String?
    var trusted: Bool?
    var latitude: Double?
    var longitude: Double?
    var site: String?
    var status: String?
    var qkdnID: String?

    enum CodingKeys: String, CodingKey {
        case id, name, trusted, latitude, longitude, site, status
        case qkdnID = "qkdn_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Self.fields)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        trusted = try container.decodeIfPresent(Bool.self, forKey: .trusted)
        latitude = try container.decodeIfPresent(Double.self, forKey: .latitude)
        longitude = try container.decodeIfPresent(Double.self, forKey: .longitude)
        site = try container.decodeIfPresent(String.self, forKey: .site)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        qkdnID = try container.decodeIfPresent(String.self, forKey: .qkdnID)
    }

    func node() throws(Problem) -> QKDNode {
        var check = RequestCheck()
        let id = check.identifier(id, as: NodeID.self, pointer: "/id")
        let status = check.enumValue(status, as: NodeStatus.self, pointer: "/status") ?? .up
        let location = check.location(latitude: latitude, longitude: longitude)
        let qkdnID = check.uuid(qkdnID, pointer: "/qkdn_id")
        try check.finish()
        return QKDNode(id: id!, name: name, trusted: trusted ?? true, location: location, site: site, status: status, qkdnID: qkdnID)
    }
}

/// `PATCH /api/v1/nodes/{id}` body: present fields change, `null` clears an optional one.
struct NodePatchRequest: Decodable, Sendable {
    var name: PatchField<String>
    var trusted: PatchField<Bool>
    var latitude: PatchField<Double>
    var longitude: PatchField<Double>
    var site: PatchField<String>
    var status: PatchField<String>
    var qkdnID: PatchField<String>

    enum CodingKeys: String, CodingKey {
        case name, trusted, latitude, longitude, site, status
        case qkdnID = "qkdn_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: NodeCreateRequest.fields.filter { $0 != "id" })
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodePatch(String.self, forKey: .name)
        trusted = try container.decodePatch(Bool.self, forKey: .trusted)
        latitude = try container.decodePatch(Double.self, forKey: .latitude)
        longitude = try container.decodePatch(Double.self, forKey: .longitude)
        site = try container.decodePatch(String.self, forKey: .site)
        status = try container.decodePatch(String.self, forKey: .status)
        qkdnID = try container.decodePatch(String.self, forKey: .qkdnID)
    }

    struct Checked: Sendable {
        var status: NodeStatus?
        var qkdnID: QKDUUID?
    }

    /// Checks what can be checked without the stored node.
    func checked() throws(Problem) -> Checked {
        var check = RequestCheck()
        check.notNull(name, pointer: "/name")
        check.notNull(trusted, pointer: "/trusted")
        check.notNull(status, pointer: "/status")
        check.notNull(qkdnID, pointer: "/qkdn_id")
        let result = Checked(
            status: check.enumValue(status.newValue, as: NodeStatus.self, pointer: "/status"),
            qkdnID: check.uuid(qkdnID.newValue, pointer: "/qkdn_id")
        )
        try check.finish()
        return result
    }

    func apply(to node: inout QKDNode, _ checked: Checked) throws(Problem) {
        let status = checked.status
        if let qkdnID = checked.qkdnID { node.qkdnID = qkdnID }
        if let name = name.newValue { node.name = name }
        if let trusted = trusted.newValue { node.trusted = trusted }
        if let status { node.status = status }
        switch site {
        case .absent: break
        case .null: node.site = nil
        case .value(let site): node.site = site
        }
        switch (latitude, longitude) {
        case (.absent, .absent): break
        case (.null, _), (_, .null): node.location = nil
        default:
            var check = RequestCheck()
            node.location = check.location(
                latitude: latitude.newValue ?? node.location?.latitude, longitude: longitude.newValue ?? node.location?.longitude
            )
            try check.finish()
        }
    }
}
