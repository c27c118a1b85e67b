import PostgresNIO
public import QonduitCore
import QonduitStorage

/// Entries set by hand for agents to hold, beside what the node's key paths ask of it.
extension PostgresInventory {
    /// The lists of an agent's configuration the controller owns, each in a table of its own.
    private enum DesiredList {
        case links, applications

        /// Table and key column: constants, never input, so they may be spliced into SQL.
        var table: (name: String, key: String) {
            switch self {
            case .links: ("desired_link", "qkdl_id")
            case .applications: ("desired_app", "app_id")
            }
        }
    }

    public func setDesiredLink(node: NodeID, qkdlID: QKDUUID, entry: String) async throws {
        try await setDesired(.links, node: node, id: qkdlID, entry: entry)
    }

    public func removeDesiredLink(node: NodeID, qkdlID: QKDUUID) async throws {
        try await removeDesired(.links, node: node, id: qkdlID)
    }

    public func desiredLinks(of node: NodeID) async throws -> [(qkdlID: QKDUUID, entry: String)] {
        try await desired(.links, of: node).map { (qkdlID: $0.id, entry: $0.entry) }
    }

    public func setDesiredApplication(node: NodeID, appID: QKDUUID, entry: String) async throws {
        try await setDesired(.applications, node: node, id: appID, entry: entry)
    }

    public func removeDesiredApplication(node: NodeID, appID: QKDUUID) async throws {
        try await removeDesired(.applications, node: node, id: appID)
    }

    public func desiredApplications(of node: NodeID) async throws -> [(appID: QKDUUID, entry: String)] {
        try await desired(.applications, of: node).map { (appID: $0.id, entry: $0.entry) }
    }

    private func setDesired(_ list: DesiredList, node: NodeID, id: QKDUUID, entry: String) async throws {
        let (table, key) = list.table
        try await write { session in
            guard try await Self.nodeExists(node.rawValue, session) else { throw NetworkError.nodeNotFound(node.rawValue) }
            try await session.execute(
                """
                INSERT INTO \(unescaped: table) (node_id, \(unescaped: key), entry) VALUES (\(node.rawValue), \(id.text), \(entry))
                ON CONFLICT (node_id, \(unescaped: key)) DO UPDATE SET entry = excluded.entry
                """)
        }
    }

    private func removeDesired(_ list: DesiredList, node: NodeID, id: QKDUUID) async throws {
        let (table, key) = list.table
        try await write { session in
            try await session.execute("DELETE FROM \(unescaped: table) WHERE node_id = \(node.rawValue) AND \(unescaped: key) = \(id.text)")
        }
    }

    private func desired(_ list: DesiredList, of node: NodeID) async throws -> [(id: QKDUUID, entry: String)] {
        let (table, key) = list.table
        return try await read { session in
            try await session.rows(
                "SELECT \(unescaped: key) AS id, entry FROM \(unescaped: table) WHERE node_id = \(node.rawValue) ORDER BY \(unescaped: key)"
            ).compactMap { row in
                let id = QKDUUID(try row.get("id", as: String.self))
                return try id.map { ($0, try row.get("entry", as: String.self)) }
            }
        }
    }
}
