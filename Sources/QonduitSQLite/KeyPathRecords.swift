import Foundation
import GRDB
import QonduitCore
import QonduitStorage

/// A `key_path` row, decoded by column name; its routes are read apart (`KeyPathRouteRecord`).
/// The times it was stored and changed are left to `storedKeyPath`: a re-route pass reads thousands
/// of paths, and parsing their dates was a tenth of it.
struct KeyPathRecord: FetchableRecord {
    static let columns = """
        id, source, destination, rate_bps, metric, max_hops, exclude_nodes, exclude_links, protection, path_count, \
        client_app_id, server_app_id, app_id, state, reason, created_at, updated_at
        """

    var path: QKDKeyPath

    init(row: Row) throws {
        let id: String = row["id"]
        func name() -> String { "key path '\(id)'" }
        path = QKDKeyPath(
            id: try StoredValue.uuid(id, column: "id", of: name()),
            source: try NodeID(row["source"] as String), destination: try NodeID(row["destination"] as String),
            rateBps: row["rate_bps"], metric: try StoredValue.decode(row["metric"], column: "metric", of: name()), maxHops: row["max_hops"],
            excludeNodes: try StoredValue.ids(row["exclude_nodes"], column: "exclude_nodes", of: name()).map { try NodeID($0) },
            excludeLinks: try StoredValue.ids(row["exclude_links"], column: "exclude_links", of: name()).map { try LinkID($0) },
            protection: try StoredValue.decode(row["protection"], column: "protection", of: name()), pathCount: row["path_count"],
            clientAppID: row["client_app_id"], serverAppID: row["server_app_id"],
            appID: try StoredValue.uuid(row["app_id"], column: "app_id", of: name()),
            state: try StoredValue.decode(row["state"], column: "state", of: name()), reason: row["reason"]
        )
    }
}

/// A `key_path_route` row, decoded by column name.
struct KeyPathRouteRecord: FetchableRecord {
    static let columns = "key_path_id, role, nodes, links, rate_bps, qkdl_id"

    var keyPathID: String
    var route: KeyPathRoute

    init(row: Row) throws {
        let keyPathID: String = row["key_path_id"]
        let position: Int? = row["position"]
        self.keyPathID = keyPathID
        func name() -> String { "route \(position.map(String.init) ?? "?") of key path '\(keyPathID)'" }
        route = KeyPathRoute(
            role: try StoredValue.decode(row["role"], column: "role", of: name()),
            nodes: try StoredValue.ids(row["nodes"], column: "nodes", of: name()).map { try NodeID($0) },
            links: try StoredValue.ids(row["links"], column: "links", of: name()).map { try LinkID($0) },
            rateBps: row["rate_bps"], qkdlID: try StoredValue.uuid(row["qkdl_id"], column: "qkdl_id", of: name())
        )
    }
}

/// Reading key paths with their routes.
extension SQLiteInventory {
    static func storedKeyPath(_ id: String, _ db: Database) throws -> Stored<QKDKeyPath> {
        let statement = try db.cachedStatement(sql: "SELECT \(KeyPathRecord.columns) FROM key_path WHERE id = ?")
        guard let row = try Row.fetchOne(statement, arguments: [id.lowercased()]) else { throw KeyPathError.keyPathNotFound(id) }
        let stored: String = row["id"]
        return try storedKeyPath(row, routes: routes(of: [stored], db)[stored] ?? [])
    }

    static func storedKeyPath(_ row: Row, routes: [KeyPathRoute]) throws -> Stored<QKDKeyPath> {
        var path = try KeyPathRecord(row: row).path
        path.routes = routes
        return Stored(value: path, createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    /// Many key paths by id, read with two statements however many there are; ids not found are left out.
    static func storedKeyPaths(_ ids: [String], _ db: Database) throws -> [String: Stored<QKDKeyPath>] {
        guard !ids.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db, sql: "SELECT \(KeyPathRecord.columns) FROM key_path WHERE id IN (SELECT value FROM json_each(?))",
            arguments: [JSONText.array(ids)])
        let routes = try routes(of: rows.map { $0["id"] }, db)
        var paths: [String: Stored<QKDKeyPath>] = [:]
        paths.reserveCapacity(rows.count)
        for row in rows {
            let id: String = row["id"]
            paths[id] = try storedKeyPath(row, routes: routes[id] ?? [])
        }
        return paths
    }

    /// Many key paths by id, without the times they were stored and changed: two statements however
    /// many, read straight from the statements; ids not found are left out.
    static func keyPaths(_ ids: [String], _ db: Database) throws -> [QKDUUID: QKDKeyPath] {
        guard !ids.isEmpty else { return [:] }
        var routes = try routes(of: ids, db)
        var paths: [QKDUUID: QKDKeyPath] = [:]
        paths.reserveCapacity(ids.count)
        let records = try KeyPathRecord.fetchCursor(
            db.cachedStatement(sql: "SELECT \(KeyPathRecord.columns) FROM key_path WHERE id IN (SELECT value FROM json_each(?))"),
            arguments: [JSONText.array(ids)]
        )
        while var path = try records.next()?.path {
            path.routes = routes.removeValue(forKey: path.id.text) ?? []
            paths[path.id] = path
        }
        return paths
    }

    /// The routes of key paths, by key path id, in order.
    static func routes(of ids: [String], _ db: Database) throws -> [String: [KeyPathRoute]] {
        guard !ids.isEmpty else { return [:] }
        let columns = KeyPathRouteRecord.columns + ", position"
        let statement =
            ids.count == 1
            ? try db.cachedStatement(sql: "SELECT \(columns) FROM key_path_route WHERE key_path_id = ? ORDER BY position")
            : try db.cachedStatement(
                sql: """
                    SELECT \(columns) FROM key_path_route WHERE key_path_id IN (SELECT value FROM json_each(?)) ORDER BY key_path_id, position
                    """)
        var routes: [String: [KeyPathRoute]] = [:]
        let records = try KeyPathRouteRecord.fetchCursor(statement, arguments: [ids.count == 1 ? ids[0] : JSONText.array(ids)])
        while let record = try records.next() { routes[record.keyPathID, default: []].append(record.route) }
        return routes
    }
}
