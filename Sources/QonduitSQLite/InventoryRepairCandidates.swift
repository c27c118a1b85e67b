import GRDB
public import QonduitCore
import QonduitStorage

/// What repair looks at: the key paths that may need it, and what the network offers.
extension SQLiteInventory {
    /// Key paths that may need repair, oldest first: `RepairCandidacy`'s rule, in SQL for speed (the
    /// storage conformance suite checks that both pick the same paths), with the headroom from which
    /// `includingWaiting` decided, in the same snapshot.
    public func keyPathsToRepair(
        qberThreshold: Double? = nil, includingWaiting: @Sendable (NetworkHeadroom) -> Bool = { _ in true }
    ) async throws -> (ids: [QKDUUID], headroom: NetworkHeadroom) {
        try await database.read { db in
            let headroom = try Self.headroom(qberThreshold: qberThreshold, db)
            let includingWaiting = includingWaiting(headroom)
            // Repair looks whenever the inventory changes: with the network whole (the usual case), the
            // routes of every path need not be searched for a broken link or node.
            let broken = try Row.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM link WHERE \(Self.unusableLink)), EXISTS (SELECT 1 FROM node WHERE \(Self.unusableNode))
                    """, arguments: [qberThreshold])
            let (linkBroken, nodeBroken): (Bool, Bool) = broken.map { ($0[0], $0[1]) } ?? (true, true)
            // Each kind of candidate is found through an index: degraded paths by state, protected ones by
            // the partial index on them, so that a look costs what there is to repair, not every path.
            // Paths through a node are found by reading every route's nodes: only when a node is down.
            // Broken links first, then their reservations by index: a join scanned every reservation.
            var candidates: [String] = []
            if includingWaiting {
                candidates.append("SELECT id FROM key_path WHERE state = 'degraded'")
                candidates.append(
                    """
                    SELECT id FROM key_path INDEXED BY key_path_protected WHERE protection = '\(KeyPathProtection.disjointBackup.rawValue)' AND state = 'active'
                        AND (SELECT count(*) FROM key_path_route r WHERE r.key_path_id = key_path.id) < 2
                    """)
            }
            if linkBroken {
                candidates.append(
                    """
                    SELECT key_path_id FROM reservation
                        WHERE link_id IN (SELECT id FROM link WHERE \(Self.unusableLink))
                    """)
            }
            if nodeBroken {
                candidates.append(
                    """
                    SELECT k.key_path_id FROM key_path_route k, json_each(k.nodes) j
                        WHERE j.value IN (SELECT id FROM node WHERE \(Self.unusableNode))
                    """)
            }
            guard !candidates.isEmpty else { return ([], headroom) }
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM key_path WHERE \(includingWaiting ? "(state = 'degraded' OR state = 'active')" : "state = 'active'")
                        AND id IN (\(candidates.joined(separator: " UNION ")))
                    ORDER BY created_at, id
                    """, arguments: linkBroken ? [qberThreshold] : [])
            return (try ids.map { try StoredValue.uuid($0, column: "id", of: "key path") }, headroom)
        }
    }

    /// When a link cannot carry key (`?1`: the QBER threshold, or NULL for none), and when a node
    /// cannot: `LinkCondition.carriesKey` and `NodeStatus.carriesKey` in SQL, for repair's look and the
    /// headroom (`KeyCarryingRuleTests` checks that the two agree).
    static let unusableLink = "(status <> 'up' OR (?1 IS NOT NULL AND coalesce(qber, 0) > ?1))"
    static let unusableNode = "status IN ('down', 'unreachable')"

    /// `NetworkHeadroom(links:nodes:reservedBps:qberThreshold:)`, from the stored sums: two statements.
    private static func headroom(qberThreshold: Double?, _ db: Database) throws -> NetworkHeadroom {
        var spare: [String: Double] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id, key_rate_bps - reserved_bps FROM link WHERE NOT \(unusableLink)
                    """), arguments: [qberThreshold])
        {
            spare[row[0]] = row[1]
        }
        let nodes = try String.fetchSet(db.cachedStatement(sql: "SELECT id FROM node WHERE NOT (\(unusableNode))"))
        return NetworkHeadroom(spareBps: spare, usableNodes: nodes)
    }

}
