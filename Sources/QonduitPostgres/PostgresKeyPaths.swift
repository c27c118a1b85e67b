import PostgresNIO
public import QonduitCore
public import QonduitStorage

/// Key paths, their routes, and the key rate they reserve on links.
extension PostgresInventory {
    public func keyPath(_ id: String) async throws -> Stored<QKDKeyPath> {
        try await read { session in
            guard let path = try await Self.storedKeyPaths([id.lowercased()], session).values.first else { throw KeyPathError.keyPathNotFound(id) }
            return path
        }
    }

    public func keyPaths(_ filter: KeyPathFilter, limit: Int, offset: Int) async throws -> Page<Stored<QKDKeyPath>> {
        try await read { session in
            let node = filter.node?.rawValue
            let condition: PostgresQuery = """
                (\(filter.state?.rawValue)::text IS NULL OR state = \(filter.state?.rawValue))
                AND (\(node)::text IS NULL OR source = \(node) OR destination = \(node)
                    OR id IN (SELECT key_path_id FROM key_path_route WHERE \(node) = ANY(nodes)))
                AND (\(filter.link?.rawValue)::text IS NULL OR id IN (SELECT key_path_id FROM reservation WHERE link_id = \(filter.link?.rawValue)))
                """
            let count = condition.binds.count
            var page = PostgresQuery(
                unsafeSQL: """
                    SELECT \(PostgresRows.keyPathColumns) FROM key_path WHERE \(condition.sql) ORDER BY created_at, id
                    LIMIT $\(count + 1) OFFSET $\(count + 2)
                    """, binds: condition.binds)
            page.binds.append(limit)
            page.binds.append(offset)
            let total =
                try await session.value(
                    PostgresQuery(unsafeSQL: "SELECT count(*) FROM key_path WHERE \(condition.sql)", binds: condition.binds), as: Int.self)
                ?? 0
            let rows = try await session.rows(page)
            let ids = try rows.map { try $0.get("id", as: String.self) }
            let routes = try await Self.routes(of: ids, session)
            return Page(
                items: try rows.map { row in
                    var path = try PostgresRows.keyPath(row)
                    path.value.routes = routes[path.value.id.text] ?? []
                    return path
                }, total: total)
        }
    }

    public func keyPathsTouching(_ node: NodeID) async throws -> KeyPathsTouchingNode {
        try await read { session in
            // A route's nodes are its links' ends: the node's links lead, by index, to the paths over them.
            let ids = try await session.values(
                """
                SELECT r.key_path_id FROM link l JOIN reservation r ON r.link_id = l.id WHERE l.node_a = \(node.rawValue)
                UNION SELECT r.key_path_id FROM link l JOIN reservation r ON r.link_id = l.id WHERE l.node_b = \(node.rawValue)
                """, as: String.self)
            let paths = try await Self.storedKeyPaths(ids, session).values.map(\.value)
            let retiring = try await session.values(
                "SELECT qkdl_id FROM retiring_route WHERE \(node.rawValue) = ANY(nodes)", as: String.self
            ).compactMap(QKDUUID.init)
            let nodes = paths.reduce(into: Set<NodeID>()) { nodes, path in for route in path.routes { nodes.formUnion(route.nodes) } }
            return KeyPathsTouchingNode(paths: paths, retiring: Set(retiring), qkdnIDs: try await Self.qkdnIDs(of: nodes, session))
        }
    }

    /// Many key paths by id, with their routes, read with two statements however many; ids not found are left out.
    static func storedKeyPaths(_ ids: [String], _ session: PostgresSession) async throws -> [String: Stored<QKDKeyPath>] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await session.rows("SELECT \(unescaped: PostgresRows.keyPathColumns) FROM key_path WHERE id = ANY(\(ids))")
        let found = try rows.map { try $0.get("id", as: String.self) }
        var routes = try await routes(of: found, session)
        var paths: [String: Stored<QKDKeyPath>] = [:]
        paths.reserveCapacity(rows.count)
        for row in rows {
            var path = try PostgresRows.keyPath(row)
            let id = path.value.id.text
            path.value.routes = routes.removeValue(forKey: id) ?? []
            paths[id] = path
        }
        return paths
    }

    /// The routes of key paths, by key path id, in order.
    static func routes(of ids: [String], _ session: PostgresSession) async throws -> [String: [KeyPathRoute]] {
        guard !ids.isEmpty else { return [:] }
        var routes: [String: [KeyPathRoute]] = [:]
        for row in try await session.rows(
            "SELECT \(unescaped: PostgresRows.routeColumns) FROM key_path_route WHERE key_path_id = ANY(\(ids)) ORDER BY key_path_id, position")
        {
            let (keyPathID, route) = try PostgresRows.route(row)
            routes[keyPathID, default: []].append(route)
        }
        return routes
    }
}
