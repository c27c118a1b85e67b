import Foundation
import GRDB
import QonduitCore
import QonduitStorage

/// A node's status in force (`QKDNode.inForce`): the planner's down wins, else what its agent says,
/// else the planner's status. Kept in the `status` column, which SQL reads.
extension SQLiteInventory {
    /// Records what the node's agent says of it (nil: nothing), and puts in force what that and the
    /// planner's status make (`QKDNode.current`); the planner's status is never touched.
    static func setNodeStatus(_ node: NodeID, _ measured: NodeStatus?, _ now: Date, _ db: Database) throws {
        // The status in force changing is logged first, from the row as it was (`node.status` events).
        let inForce = nodeStatusInForce(admin: "admin_status", measured: "?1")
        try db.cachedStatement(
            sql: """
                INSERT INTO event (time, kind, subject, data)
                SELECT \(nowSQL), '\(EventKind.nodeStatus.rawValue)', id, json_object('node', id, 'from', status, 'to', \(inForce))
                FROM node WHERE id = ?2 AND measured_status IS NOT ?1 AND status IS NOT \(inForce)
                """
        ).execute(arguments: [measured?.rawValue, node.rawValue])
        try db.cachedStatement(
            sql: """
                UPDATE node SET measured_status = ?1, status = \(inForce), updated_at = ?2
                WHERE id = ?3 AND measured_status IS NOT ?1
                """
        ).execute(arguments: [measured?.rawValue, now, node.rawValue])
    }

    /// `QKDNode.inForce` in SQL, over two SQL expressions; `NodeStatusRuleTests` checks that they agree.
    static func nodeStatusInForce(admin: String, measured: String) -> String {
        "CASE WHEN \(admin) = 'down' THEN 'down' ELSE coalesce(\(measured), \(admin)) END"
    }
}
