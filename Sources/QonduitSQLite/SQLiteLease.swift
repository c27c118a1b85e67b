import Foundation
import GRDB
public import QonduitStorage

/// The leader lease in SQLite, with the store's clock: one controller holds the file's lock, so the
/// lease only numbers its terms (the epoch its nodes see); writes need no fencing.
extension SQLiteInventory {
    public func claimLease(for controller: ControllerIdentity, epoch: Int64?, ttl: Duration) async throws -> LeaseState {
        let now = StoredTime.rounded(clock.now)
        let expiry = now.addingTimeInterval(Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18)
        return try await write { db -> (LeaseState, changed: Bool) in
            try db.execute(
                sql: """
                    INSERT INTO controller (id, advertise_url, started_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)
                    ON CONFLICT (id) DO UPDATE SET advertise_url = excluded.advertise_url, last_seen_at = excluded.last_seen_at
                    """, arguments: [controller.id, controller.advertiseURL, now])
            try db.execute(
                sql: """
                    UPDATE leader_lease SET epoch = CASE WHEN expires_at > ?2 THEN epoch ELSE epoch + 1 END, holder = ?1, expires_at = ?3
                    WHERE expires_at <= ?2 OR (holder = ?1 AND epoch = ?4)
                    """, arguments: [controller.id, now, expiry, epoch ?? -1])
            try db.execute(sql: "DELETE FROM controller WHERE last_seen_at < ?", arguments: [now.addingTimeInterval(-86_400)])
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT l.holder, c.advertise_url, l.epoch, l.expires_at FROM leader_lease l LEFT JOIN controller c ON c.id = l.holder")
            else { throw StorageError.corrupt("leader_lease has no row") }
            let state = LeaseState(
                holder: row["holder"], holderURL: row["advertise_url"], epoch: row["epoch"], expiresAt: row["expires_at"], now: now)
            return (state, changed: false)
        }
    }

    public func releaseLease(of controller: String, epoch: Int64) async throws {
        let now = StoredTime.rounded(clock.now)
        try await write { db -> ((), changed: Bool) in
            try db.execute(sql: "UPDATE leader_lease SET expires_at = ? WHERE holder = ? AND epoch = ?", arguments: [now, controller, epoch])
            return ((), changed: false)
        }
    }

    public func breakLease() async throws {
        let now = StoredTime.rounded(clock.now)
        try await write { db -> ((), changed: Bool) in
            try db.execute(sql: "UPDATE leader_lease SET expires_at = ?", arguments: [now])
            return ((), changed: false)
        }
    }

    public func controllers(seenWithin: Duration) async throws -> [ControllerInfo] {
        let now = clock.now
        let since = now.addingTimeInterval(-Double(seenWithin.components.seconds))
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, c.advertise_url, c.last_seen_at, l.holder = c.id AS holds, l.epoch, l.expires_at
                    FROM controller c, leader_lease l WHERE c.last_seen_at > ? OR l.holder = c.id ORDER BY c.id
                    """, arguments: [since]
            ).map { row in
                let expiry: Date = row["expires_at"]
                let leader = (row["holds"] as Bool? ?? false) && expiry > now
                return ControllerInfo(
                    id: row["id"], advertiseURL: row["advertise_url"], leader: leader, epoch: leader ? row["epoch"] : nil,
                    leaseExpiresAt: leader ? expiry : nil, lastSeenAt: row["last_seen_at"])
            }
        }
    }

    /// One controller writes an SQLite file: nothing to fence.
    public func fenceWrites(_ fencing: WriteFencing, lost: @escaping @Sendable () -> Void) {}
}
