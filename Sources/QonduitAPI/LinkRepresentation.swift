import Foundation
import QonduitCore
import QonduitStorage

/// A link as the API shows it.
struct LinkRepresentation: JSONWritable {
    var stored: Stored<QKDLink>
    /// Key rate held by provisioned key paths, bit/s.
    var reservedBps: Double
    var heldDown: Bool

    init(stored: Stored<QKDLink>, state: LinkOperationalState) {
        self.stored = stored
        reservedBps = state.reservedBps[stored.value.id] ?? 0
        heldDown = state.heldDown.contains(stored.value.id)
    }

    func write(to writer: inout JSONWriter) {
        let link = stored.value
        writer.raw("{")
        writer.key("id")
        writer.string(link.id.rawValue)
        writer.comma()
        writer.key("node_a")
        writer.string(link.nodeA.rawValue)
        writer.comma()
        writer.key("node_b")
        writer.string(link.nodeB.rawValue)
        writer.comma()
        writer.key("length_km")
        writer.number(link.lengthKm)
        writer.comma()
        let current = link.current
        let measured = link.measured
        writer.key("key_rate_bps")
        writer.number(current.keyRateBps)
        writer.comma()
        writer.key("nominal_key_rate_bps")
        writer.number(link.keyRateBps)
        writer.comma()
        writer.key("measured_key_rate_bps")
        writer.number(measured?.keyRateBps)
        writer.comma()
        writer.key("reserved_bps")
        writer.number(reservedBps)
        writer.comma()
        writer.key("status")
        writer.string(current.status.rawValue)
        writer.comma()
        writer.key("admin_status")
        writer.string(link.status.rawValue)
        writer.comma()
        writer.key("held_down")
        writer.bool(heldDown)
        writer.comma()
        writer.key("measured_status")
        writer.string(measured?.status?.rawValue)
        writer.comma()
        writer.key("qber")
        writer.number(current.qber)
        writer.comma()
        writer.key("nominal_qber")
        writer.number(link.qber)
        writer.comma()
        writer.key("measured_qber")
        writer.number(measured?.qber)
        writer.comma()
        writer.key("cost")
        writer.number(link.cost)
        writer.comma()
        writer.key("qkdl_id")
        writer.string(link.qkdlID?.text)
        writer.comma()
        writer.key("created_at")
        writer.date(stored.createdAt)
        writer.comma()
        writer.key("updated_at")
        writer.date(stored.updatedAt)
        writer.raw("}")
    }
}

/// `POST /api/v1/links` body.
struct LinkCreateRequest: Decodable {
    static let fields = ["id", "node_a", "node_b", "length_km", "key_rate_bps", "status", "qber", "cost", "qkdl_id"]

    var id: String
    var nodeA: String
    var nodeB: String
    var lengthKm: Double
    var keyRateBps: Double
    var status: String?
    var qber: Double?
    var cost: Double?
    var qkdlID: String?

    enum CodingKeys: String, CodingKey {
        case id
        case nodeA = "node_a"
        case nodeB = "node_b"
        case lengthKm = "length_km"
        case keyRateBps = "key_rate_bps"
        case status, qber, cost
        case qkdlID = "qkdl_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Self.fields)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        nodeA = try container.decode(String.self, forKey: .nodeA)
        nodeB = try container.decode(String.self, forKey: .nodeB)
        lengthKm = try container.decode(Double.self, forKey: .lengthKm)
        keyRateBps = try container.decode(Double.self, forKey: .keyRateBps)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        qber = try container.decodeIfPresent(Double.self, forKey: .qber)
        cost = try container.decodeIfPresent(Double.self, forKey: .cost)
        qkdlID = try container.decodeIfPresent(String.self, forKey: .qkdlID)
    }

    func link() throws(Problem) -> QKDLink {
        var check = RequestCheck()
        let id = check.identifier(id, as: LinkID.self, pointer: "/id")
        let nodeA = check.identifier(nodeA, as: NodeID.self, pointer: "/node_a")
        let nodeB = check.identifier(nodeB, as: NodeID.self, pointer: "/node_b")
        let status = check.enumValue(status, as: LinkStatus.self, pointer: "/status") ?? .up
        let qkdlID = check.uuid(qkdlID, pointer: "/qkdl_id")
        try check.finish()
        return QKDLink(
            id: id!, nodeA: nodeA!, nodeB: nodeB!, lengthKm: lengthKm, keyRateBps: keyRateBps, status: status, qber: qber,
            cost: cost ?? 1, qkdlID: qkdlID
        )
    }
}

/// `PATCH /api/v1/links/{id}` body.
struct LinkPatchRequest: Decodable, Sendable {
    var nodeA: PatchField<String>
    var nodeB: PatchField<String>
    var lengthKm: PatchField<Double>
    var keyRateBps: PatchField<Double>
    var status: PatchField<String>
    var qber: PatchField<Double>
    var cost: PatchField<Double>
    var qkdlID: PatchField<String>

    /// The fields the body sets (a null included), for access control by field.
    var presentFields: [String]

    typealias CodingKeys = LinkCreateRequest.CodingKeys

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: LinkCreateRequest.fields.filter { $0 != "id" })
        let container = try decoder.container(keyedBy: CodingKeys.self)
        presentFields = container.allKeys.map(\.stringValue)
        nodeA = try container.decodePatch(String.self, forKey: .nodeA)
        nodeB = try container.decodePatch(String.self, forKey: .nodeB)
        lengthKm = try container.decodePatch(Double.self, forKey: .lengthKm)
        keyRateBps = try container.decodePatch(Double.self, forKey: .keyRateBps)
        status = try container.decodePatch(String.self, forKey: .status)
        qber = try container.decodePatch(Double.self, forKey: .qber)
        cost = try container.decodePatch(Double.self, forKey: .cost)
        qkdlID = try container.decodePatch(String.self, forKey: .qkdlID)
    }

    struct Checked: Sendable {
        var nodeA: NodeID?
        var nodeB: NodeID?
        var status: LinkStatus?
        var qkdlID: QKDUUID?
    }

    func checked() throws(Problem) -> Checked {
        var check = RequestCheck()
        check.notNull(nodeA, pointer: "/node_a")
        check.notNull(nodeB, pointer: "/node_b")
        check.notNull(lengthKm, pointer: "/length_km")
        check.notNull(keyRateBps, pointer: "/key_rate_bps")
        check.notNull(status, pointer: "/status")
        check.notNull(cost, pointer: "/cost")
        check.notNull(qkdlID, pointer: "/qkdl_id")
        let result = Checked(
            nodeA: nodeA.newValue.flatMap { check.identifier($0, as: NodeID.self, pointer: "/node_a") },
            nodeB: nodeB.newValue.flatMap { check.identifier($0, as: NodeID.self, pointer: "/node_b") },
            status: check.enumValue(status.newValue, as: LinkStatus.self, pointer: "/status"),
            qkdlID: check.uuid(qkdlID.newValue, pointer: "/qkdl_id")
        )
        try check.finish()
        return result
    }

    func apply(to link: inout QKDLink, _ checked: Checked) {
        if let nodeA = checked.nodeA { link.nodeA = nodeA }
        if let nodeB = checked.nodeB { link.nodeB = nodeB }
        if let lengthKm = lengthKm.newValue { link.lengthKm = lengthKm }
        if let keyRateBps = keyRateBps.newValue { link.keyRateBps = keyRateBps }
        if let status = checked.status { link.status = status }
        if let cost = cost.newValue { link.cost = cost }
        if let qkdlID = checked.qkdlID { link.qkdlID = qkdlID }
        switch qber {
        case .absent: break
        case .null: link.qber = nil
        case .value(let qber): link.qber = qber
        }
    }
}
