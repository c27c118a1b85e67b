import PostgresNIO
public import QonduitCore
import QonduitStorage

/// What repair looks at: the key paths that may need it, and what the network offers.
extension PostgresInventory {
    /// Key paths that may need repair, oldest first: `RepairCandidacy`'s rule in SQL (the storage
    /// conformance suite checks that both pick the same paths), with the headroom from which
    /// `includingWaiting` decided, in the same snapshot.
    public func keyPathsToRepair(
        qberThreshold: Double?, includingWaiting: @Sendable (NetworkHeadroom) -> Bool
    ) async throws -> (ids: [QKDUUID], headroom: NetworkHeadroom) {
        try await read { session in
            // When a link or node cannot carry key: `LinkCondition.carriesKey` and `NodeStatus.carriesKey`.
            let unusableLink: PostgresQuery = "(status <> 'up' OR (\(qberThreshold)::float8 IS NOT NULL AND coalesce(qber, 0) > \(qberThreshold)))"
            let unusableNode = "status IN ('down', 'unreachable')"
            var spare: [String: Double] = [:]
            for row in try await session.rows(
                PostgresQuery(unsafeSQL: "SELECT id, key_rate_bps - reserved_bps FROM link WHERE NOT \(unusableLink.sql)", binds: unusableLink.binds))
            {
                spare[try row[0].decode(String.self)] = try row[1].decode(Double.self)
            }
            let usable = Set(try await session.values("SELECT id FROM node WHERE NOT (\(unescaped: unusableNode))", as: String.self))
            let headroom = NetworkHeadroom(spareBps: spare, usableNodes: usable)
            let includingWaiting = includingWaiting(headroom)
            var candidates: [String] = []
            if includingWaiting {
                candidates.append("SELECT id FROM key_path WHERE state = 'degraded'")
                candidates.append(
                    """
                    SELECT id FROM key_path WHERE protection = '\(KeyPathProtection.disjointBackup.rawValue)' AND state = 'active'
                        AND (SELECT count(*) FROM key_path_route r WHERE r.key_path_id = key_path.id) < 2
                    """)
            }
            candidates.append("SELECT key_path_id FROM reservation WHERE link_id IN (SELECT id FROM link WHERE \(unusableLink.sql))")
            candidates.append(
                "SELECT r.key_path_id FROM key_path_route r WHERE r.nodes && ARRAY(SELECT id::text FROM node WHERE \(unusableNode))")
            let ids = try await session.values(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT id FROM key_path WHERE \(includingWaiting ? "(state = 'degraded' OR state = 'active')" : "state = 'active'")
                            AND id IN (\(candidates.joined(separator: " UNION ")))
                        ORDER BY created_at, id
                        """, binds: unusableLink.binds), as: String.self)
            return (try ids.map { try StoredValue.uuid($0, column: "id", of: "key path") }, headroom)
        }
    }
}
