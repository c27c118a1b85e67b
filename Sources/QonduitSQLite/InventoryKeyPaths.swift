import Foundation
import GRDB
public import QonduitCore
public import QonduitStorage

/// Key paths, their routes, and the key rate they reserve on links.
extension SQLiteInventory {
    public func keyPath(_ id: String) async throws -> Stored<QKDKeyPath> {
        try await database.read { db in try Self.storedKeyPath(id, db) }
    }

    public func keyPaths(_ filter: KeyPathFilter = .init(), limit: Int = 1_000, offset: Int = 0) async throws -> Page<Stored<QKDKeyPath>> {
        try await database.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let state = filter.state {
                conditions.append("state = ?")
                arguments += [state.rawValue]
            }
            if let node = filter.node {
                // A relay appears in its route's node list, written as a JSON array of strings.
                conditions.append(
                    """
                    (source = ? OR destination = ? OR id IN (SELECT key_path_id FROM key_path_route, json_each(key_path_route.nodes) \
                    WHERE json_each.value = ?))
                    """)
                arguments += [node.rawValue, node.rawValue, node.rawValue]
            }
            if let link = filter.link {
                conditions.append("id IN (SELECT key_path_id FROM reservation WHERE link_id = ?)")
                arguments += [link.rawValue]
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM key_path \(whereClause)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(KeyPathRecord.columns) FROM key_path \(whereClause) ORDER BY created_at, id LIMIT ? OFFSET ?",
                arguments: arguments + [limit, offset]
            )
            let routes = try Self.routes(of: rows.map { $0["id"] }, db)
            return Page(items: try rows.map { try Self.storedKeyPath($0, routes: routes[$0["id"]] ?? []) }, total: total)
        }
    }

    public func keyPathsTouching(_ node: NodeID) async throws -> KeyPathsTouchingNode {
        try await database.read { db in
            // A route's nodes are its links' ends: the node's links lead, by index, to the paths over them.
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT r.key_path_id FROM link l JOIN reservation r ON r.link_id = l.id WHERE l.node_a = ?1
                    UNION SELECT r.key_path_id FROM link l JOIN reservation r ON r.link_id = l.id WHERE l.node_b = ?1
                    """, arguments: [node.rawValue])
            let paths = Array(try Self.keyPaths(ids, db).values)
            // Retiring routes are few, and only while a re-route is being configured.
            let retiring = try String.fetchAll(
                db,
                sql: """
                    SELECT qkdl_id FROM retiring_route WHERE EXISTS (SELECT 1 FROM json_each(retiring_route.nodes) WHERE value = ?)
                    """, arguments: [node.rawValue]
            ).compactMap(QKDUUID.init)
            let nodes = paths.reduce(into: Set<NodeID>()) { nodes, path in for route in path.routes { nodes.formUnion(route.nodes) } }
            return KeyPathsTouchingNode(paths: paths, retiring: Set(retiring), qkdnIDs: try Self.qkdnIDs(of: nodes, db))
        }
    }

    /// The GS QKD 015 id of each of `nodes` (those not in the inventory are left out).
    public func qkdnIDs(of nodes: Set<NodeID>) async throws -> [NodeID: QKDUUID] {
        try await database.read { db in try Self.qkdnIDs(of: nodes, db) }
    }

    private static func qkdnIDs(of nodes: Set<NodeID>, _ db: Database) throws -> [NodeID: QKDUUID] {
        guard !nodes.isEmpty else { return [:] }
        var ids: [NodeID: QKDUUID] = [:]
        let rows = try Row.fetchCursor(
            db, sql: "SELECT id, qkdn_id FROM node WHERE id IN (SELECT value FROM json_each(?))",
            arguments: [JSONText.array(nodes.map(\.rawValue))])
        while let row = try rows.next() {
            if let node = try? NodeID(row["id"] as String), let qkdn = QKDUUID(row["qkdn_id"] as String) { ids[node] = qkdn }
        }
        return ids
    }

    /// The rate reserved on each link with reservations, bit/s.
    public func reservedBps() async throws -> [LinkID: Double] {
        try await database.read { db in try Self.reservedBps(db) }
    }

    /// The key rate reserved on each link and the links an operator holds down, read together.
    public func linkOperationalState() async throws -> LinkOperationalState {
        try await database.read { db in
            LinkOperationalState(
                reservedBps: try Self.reservedBps(db),
                heldDown: try Self.heldDownLinks(db))
        }
    }

    static func heldDownLinks(_ db: Database) throws -> Set<LinkID> {
        Set(try String.fetchAll(db, sql: "SELECT id FROM link WHERE held_down = 1").compactMap { try? LinkID($0) })
    }
}
