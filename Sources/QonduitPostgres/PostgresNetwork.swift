import Foundation
import PostgresNIO
public import QonduitCore
public import QonduitStorage

/// Nodes and links.
extension PostgresInventory {
    public func nodes(limit: Int, offset: Int) async throws -> Page<Stored<QKDNode>> {
        try await read { session in
            let rows = try await session.rows(
                "SELECT \(unescaped: PostgresRows.nodeColumns) FROM node ORDER BY id LIMIT \(limit) OFFSET \(offset)")
            return Page(items: try rows.map(PostgresRows.node), total: try await session.value("SELECT count(*) FROM node", as: Int.self) ?? 0)
        }
    }

    public func node(_ id: String) async throws -> Stored<QKDNode> {
        try await read { session in try await Self.storedNode(id, session) }
    }

    public func createNode(_ node: QKDNode) async throws -> Stored<QKDNode> {
        var identified = try node.storable()
        if identified.qkdnID == nil { identified.qkdnID = .random() }
        let node = identified
        return try await write { session in
            if try await Self.nodeExists(node.id.rawValue, session) { throw NetworkError.nodeExists(node.id) }
            try await Self.checkIdentityFree(node.qkdnID!, of: .node, except: nil, session)
            try await Self.upsertNodes([node], at: StoredTime.now(), session)
            try await Self.logEvent(.nodeCreated, subject: node.id.rawValue, data: [("node", JSONText.string(node.id.rawValue))], session)
            return try await Self.storedNode(node.id.rawValue, session)
        }
    }

    public func updateNode(_ id: String, _ change: @Sendable (inout QKDNode) throws -> Void) async throws -> Stored<QKDNode> {
        try await write { session in
            guard
                let row = try await session.row(
                    "SELECT \(unescaped: PostgresRows.nodeColumns) FROM node WHERE id = \(id) FOR UPDATE")
            else { throw NetworkError.nodeNotFound(id) }
            let original = try PostgresRows.node(row).value
            var node = original
            try change(&node)
            node.id = original.id
            if node.qkdnID == nil { node.qkdnID = original.qkdnID }
            node = try node.storable()
            if node.qkdnID != original.qkdnID {
                try await Self.checkIdentityFree(node.qkdnID!, of: .node, except: id, session)
            }
            if node != original {
                try await Self.upsertNodes([node], at: StoredTime.now(), session)
                if original.current != node.current {
                    try await Self.log(.node(node.id, from: original.current, to: node.current), session)
                }
            }
            return try await Self.storedNode(id, session)
        }
    }

    @discardableResult
    public func deleteNode(_ id: String, cascade: Bool) async throws -> [LinkID] {
        try await write { session in
            guard let node = try await session.value("SELECT id FROM node WHERE id = \(id)", as: String.self) else {
                throw NetworkError.nodeNotFound(id)
            }
            let links = try await session.values("SELECT id FROM link WHERE node_a = \(id) OR node_b = \(id) ORDER BY id", as: String.self)
                .map { try LinkID($0) }
            if !links.isEmpty && !cascade { throw NetworkError.nodeHasLinks(try NodeID(node), links: links) }
            try await Self.refuseIfReserved(node: id, links: links.map(\.rawValue), session)
            try await session.execute("DELETE FROM link WHERE id = ANY(\(links.map(\.rawValue)))")
            try await session.execute("DELETE FROM node WHERE id = \(id)")
            try await Self.logEvent(
                .nodeDeleted, subject: id, data: [("node", JSONText.string(id)), ("links", JSONText.array(links.map(\.rawValue)))], session)
            return links
        }
    }

    public func links(limit: Int, offset: Int) async throws -> Page<Stored<QKDLink>> {
        try await read { session in
            let rows = try await session.rows(
                "SELECT \(unescaped: PostgresRows.linkColumns) FROM link ORDER BY id LIMIT \(limit) OFFSET \(offset)")
            return Page(items: try rows.map(PostgresRows.link), total: try await session.value("SELECT count(*) FROM link", as: Int.self) ?? 0)
        }
    }

    public func link(_ id: String) async throws -> Stored<QKDLink> {
        try await read { session in try await Self.storedLink(id, session) }
    }

    public func createLink(_ link: QKDLink) async throws -> Stored<QKDLink> {
        var identified = try link.storable()
        if identified.qkdlID == nil { identified.qkdlID = .random() }
        let link = identified
        return try await write { session in
            if try await session.value("SELECT 1 FROM link WHERE id = \(link.id.rawValue)", as: Int.self) != nil {
                throw NetworkError.linkExists(link.id)
            }
            try await Self.checkEndsExist(link, session)
            try await Self.checkIdentityFree(link.qkdlID!, of: .link, except: nil, session)
            try await Self.upsertLinks([link], at: StoredTime.now(), session)
            if link.status == .down { try await session.execute("UPDATE link SET held_down = true WHERE id = \(link.id.rawValue)") }
            try await Self.logEvent(
                .linkCreated, subject: link.id.rawValue,
                data: [
                    ("link", JSONText.string(link.id.rawValue)), ("node_a", JSONText.string(link.nodeA.rawValue)),
                    ("node_b", JSONText.string(link.nodeB.rawValue)),
                ], session)
            return try await Self.storedLink(link.id.rawValue, session)
        }
    }

    public func updateLink(
        _ id: String, operatorHold: Bool, _ change: @Sendable (inout QKDLink) throws -> Void
    ) async throws -> Stored<QKDLink> {
        try await write { session in
            guard let row = try await session.row("SELECT \(unescaped: PostgresRows.linkColumns) FROM link WHERE id = \(id) FOR UPDATE")
            else { throw NetworkError.linkNotFound(id) }
            let original = try PostgresRows.link(row).value
            var link = original
            try change(&link)
            link.id = original.id
            // A measurement belongs to the node that made it: an end that moves loses it.
            if link.nodeA != original.nodeA { link.measuredAtA = nil }
            if link.nodeB != original.nodeB { link.measuredAtB = nil }
            if link.qkdlID == nil { link.qkdlID = original.qkdlID }
            link = try link.storable()
            if link.qkdlID != original.qkdlID {
                try await Self.checkIdentityFree(link.qkdlID!, of: .link, except: id, session)
            }
            try await Self.checkEndsExist(link, session)
            if link != original {
                try await Self.upsertLinks([link], at: StoredTime.now(), session)
                if original.current.status != link.current.status {
                    try await Self.log(.link(link.id, from: original.current.status, to: link.current.status), session)
                }
            }
            if operatorHold, link.status != original.status {
                try await session.execute("UPDATE link SET held_down = \(link.status == .down) WHERE id = \(id)")
            }
            return try await Self.storedLink(id, session)
        }
    }

    public func deleteLink(_ id: String) async throws {
        try await write { session in
            try await Self.refuseIfReserved(node: nil, links: [id], session)
            guard try await session.execute("DELETE FROM link WHERE id = \(id)") == 1 else { throw NetworkError.linkNotFound(id) }
            try await Self.logEvent(.linkDeleted, subject: id, data: [("link", JSONText.string(id))], session)
        }
    }

    // MARK: The whole network

    public func topology() async throws -> (nodes: [Stored<QKDNode>], links: [Stored<QKDLink>]) {
        try await read { session in try await Self.topology(session) }
    }

    public func topologyAndReservations() async throws -> (nodes: [Stored<QKDNode>], links: [Stored<QKDLink>], reservedBps: [LinkID: Double]) {
        try await read { session in
            let (nodes, links) = try await Self.topology(session)
            return (nodes, links, try await Self.reservedBps(session))
        }
    }

    public func reservedBps() async throws -> [LinkID: Double] {
        try await read { session in try await Self.reservedBps(session) }
    }

    public func linkOperationalState() async throws -> LinkOperationalState {
        try await read { session in
            LinkOperationalState(reservedBps: try await Self.reservedBps(session), heldDown: try await Self.heldDownLinks(session))
        }
    }

    public func qkdnIDs(of nodes: Set<NodeID>) async throws -> [NodeID: QKDUUID] {
        try await read { session in try await Self.qkdnIDs(of: nodes, session) }
    }

    public func census() async throws -> NetworkCensus {
        try await read { session in
            var keyPaths = Dictionary(uniqueKeysWithValues: KeyPathState.allCases.map { ($0, 0) })
            for row in try await session.rows("SELECT state, count(*) AS n FROM key_path GROUP BY state") {
                if let state = KeyPathState(rawValue: try row.get("state")) { keyPaths[state] = try row.get("n") }
            }
            var links = Dictionary(uniqueKeysWithValues: LinkStatus.allCases.map { ($0, 0) })
            for row in try await session.rows("SELECT status, count(*) AS n FROM link GROUP BY status") {
                if let status = LinkStatus(rawValue: try row.get("status")) { links[status] = try row.get("n") }
            }
            var agents: [NetworkCensus.AgentKindAndState: Int] = [:]
            for kind in AgentKind.allCases {
                for state in AgentState.allCases { agents[.init(kind: kind.rawValue, state: state)] = 0 }
            }
            for row in try await session.rows("SELECT kind, state, count(*) AS n FROM agent GROUP BY kind, state") {
                if let state = AgentState(rawValue: try row.get("state")) {
                    agents[.init(kind: try row.get("kind"), state: state)] = try row.get("n")
                }
            }
            let keyRate = try await session.value("SELECT coalesce(sum(key_rate_bps), 0) FROM link WHERE status = 'up'", as: Double.self) ?? 0
            let reserved = try await session.value("SELECT coalesce(sum(reserved_bps), 0) FROM link", as: Double.self) ?? 0
            return NetworkCensus(keyPaths: keyPaths, links: links, keyRateBps: keyRate, reservedBps: reserved, agents: agents)
        }
    }
}

/// The statements the network's writes and reads share.
extension PostgresInventory {
    static func topology(_ session: PostgresSession) async throws -> (nodes: [Stored<QKDNode>], links: [Stored<QKDLink>]) {
        (
            try await session.rows("SELECT \(unescaped: PostgresRows.nodeColumns) FROM node ORDER BY id").map(PostgresRows.node),
            try await session.rows("SELECT \(unescaped: PostgresRows.linkColumns) FROM link ORDER BY id").map(PostgresRows.link)
        )
    }

    static func reservedBps(_ session: PostgresSession) async throws -> [LinkID: Double] {
        var reserved: [LinkID: Double] = [:]
        for row in try await session.rows("SELECT id, reserved_bps FROM link WHERE reserved_bps > 0") {
            if let id = try? LinkID(try row.get("id", as: String.self)) { reserved[id] = try row.get("reserved_bps") }
        }
        return reserved
    }

    static func heldDownLinks(_ session: PostgresSession) async throws -> Set<LinkID> {
        Set(try await session.values("SELECT id FROM link WHERE held_down", as: String.self).compactMap { try? LinkID($0) })
    }

    static func qkdnIDs(of nodes: Set<NodeID>, _ session: PostgresSession) async throws -> [NodeID: QKDUUID] {
        guard !nodes.isEmpty else { return [:] }
        var ids: [NodeID: QKDUUID] = [:]
        for row in try await session.rows("SELECT id, qkdn_id FROM node WHERE id = ANY(\(nodes.map(\.rawValue)))") {
            if let node = try? NodeID(try row.get("id", as: String.self)), let qkdn = QKDUUID(try row.get("qkdn_id", as: String.self)) {
                ids[node] = qkdn
            }
        }
        return ids
    }

    static func storedNode(_ id: String, _ session: PostgresSession) async throws -> Stored<QKDNode> {
        guard let row = try await session.row("SELECT \(unescaped: PostgresRows.nodeColumns) FROM node WHERE id = \(id)") else {
            throw NetworkError.nodeNotFound(id)
        }
        return try PostgresRows.node(row)
    }

    static func storedLink(_ id: String, _ session: PostgresSession) async throws -> Stored<QKDLink> {
        guard let row = try await session.row("SELECT \(unescaped: PostgresRows.linkColumns) FROM link WHERE id = \(id)") else {
            throw NetworkError.linkNotFound(id)
        }
        return try PostgresRows.link(row)
    }

    static func nodeExists(_ id: String, _ session: PostgresSession) async throws -> Bool {
        try await session.value("SELECT 1 FROM node WHERE id = \(id)", as: Int.self) != nil
    }

    /// Inserts nodes, or updates every column of those that exist but `created_at`.
    static func upsertNodes(_ nodes: [QKDNode], at now: Date, _ session: PostgresSession) async throws {
        for node in nodes {
            try await session.execute(
                """
                INSERT INTO node (id, name, trusted, latitude, longitude, site, status, admin_status, measured_status, qkdn_id,
                    created_at, updated_at)
                VALUES (\(node.id.rawValue), \(node.name), \(node.trusted), \(node.location?.latitude), \(node.location?.longitude),
                    \(node.site), \(node.current.rawValue), \(node.status.rawValue), \(node.measuredStatus?.rawValue),
                    \((node.qkdnID ?? .random()).text), \(now), \(now))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, trusted = excluded.trusted,
                    latitude = excluded.latitude, longitude = excluded.longitude, site = excluded.site,
                    status = excluded.status, admin_status = excluded.admin_status, measured_status = excluded.measured_status,
                    qkdn_id = excluded.qkdn_id, updated_at = excluded.updated_at
                """)
        }
    }

    /// Inserts links, or updates every column of those that exist but `created_at`.
    static func upsertLinks(_ links: [QKDLink], at now: Date, _ session: PostgresSession) async throws {
        let columns = PostgresRows.linkValueColumns
        let sql = """
            INSERT INTO link (\(columns.joined(separator: ", ")), created_at, updated_at)
            VALUES (\((1...columns.count + 2).map { "$\($0)" }.joined(separator: ", ")))
            ON CONFLICT (id) DO UPDATE SET \(columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")),
                updated_at = excluded.updated_at
            """
        for link in links {
            var identified = link
            if identified.qkdlID == nil { identified.qkdlID = .random() }
            try await session.execute(
                PostgresQuery(unsafeSQL: sql, binds: try PostgresRows.linkBindings(of: identified, createdAt: now, updatedAt: now)))
        }
    }

    /// Key paths hold rate on these links, or start or end at this node: they must go first.
    static func refuseIfReserved(node: String?, links: [String], _ session: PostgresSession) async throws {
        var holders = try await session.values("SELECT DISTINCT key_path_id FROM reservation WHERE link_id = ANY(\(links))", as: String.self)
        if let node {
            holders += try await session.values("SELECT id FROM key_path WHERE source = \(node) OR destination = \(node)", as: String.self)
        }
        guard holders.isEmpty else {
            throw NetworkError.reservedByKeyPaths(node ?? links.first ?? "", keyPaths: Array(Set(holders)).sorted())
        }
    }

    enum IdentityHolder { case node, link }

    /// Refuses a GS QKD 015 identity another node (or link) already has.
    static func checkIdentityFree(_ uuid: QKDUUID, of holder: IdentityHolder, except id: String?, _ session: PostgresSession) async throws {
        let found =
            switch holder {
            case .node: try await session.value("SELECT id FROM node WHERE qkdn_id = \(uuid.text) AND id IS DISTINCT FROM \(id)", as: String.self)
            case .link: try await session.value("SELECT id FROM link WHERE qkdl_id = \(uuid.text) AND id IS DISTINCT FROM \(id)", as: String.self)
            }
        if let found { throw NetworkError.identityInUse(uuid, holder: found) }
    }

    static func checkEndsExist(_ link: QKDLink, _ session: PostgresSession) async throws {
        for (field, end) in [("node_a", link.nodeA), ("node_b", link.nodeB)] {
            if !(try await nodeExists(end.rawValue, session)) { throw NetworkError.unknownNode(field: field, id: end) }
        }
    }
}
