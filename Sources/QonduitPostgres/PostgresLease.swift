import Foundation
import PostgresNIO
public import QonduitStorage
import Synchronization

/// The leader lease, with the database's clock (`clock_timestamp()`): controllers on several
/// machines agree on when it expires whatever their own clocks say. Its statements take no writer
/// lock (a long write must not keep the leader from renewing); write transactions hold the lease row
/// `FOR SHARE` while they run, so that no takeover falls between a write's check and its commit.
extension PostgresInventory {
    public func claimLease(for controller: ControllerIdentity, epoch: Int64?, ttl: Duration) async throws -> LeaseState {
        let ttlMs = Int(ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000)
        return try await transaction { session in
            try await session.execute(
                """
                INSERT INTO controller (id, advertise_url, started_at, last_seen_at)
                VALUES (\(controller.id), \(controller.advertiseURL), clock_timestamp(), clock_timestamp())
                ON CONFLICT (id) DO UPDATE SET advertise_url = excluded.advertise_url, last_seen_at = excluded.last_seen_at
                """)
            // Renewed by its holder while unexpired (same epoch); taken by anyone once expired (next epoch).
            try await session.execute(
                """
                UPDATE leader_lease SET
                    epoch = CASE WHEN expires_at > clock_timestamp() THEN epoch ELSE epoch + 1 END,
                    holder = \(controller.id), expires_at = clock_timestamp() + \(ttlMs) * interval '1 millisecond'
                WHERE expires_at <= clock_timestamp() OR (holder = \(controller.id) AND epoch = \(epoch ?? -1))
                """)
            try await session.execute("DELETE FROM controller WHERE last_seen_at < clock_timestamp() - interval '1 day'")
            guard
                let row = try await session.row(
                    """
                    SELECT l.holder, c.advertise_url, l.epoch, l.expires_at, clock_timestamp() AS now
                    FROM leader_lease l LEFT JOIN controller c ON c.id = l.holder
                    """)
            else { throw StorageError.corrupt("leader_lease has no row") }
            return LeaseState(
                holder: try row.get("holder"), holderURL: try row.get("advertise_url"), epoch: try row.get("epoch"),
                expiresAt: try row.get("expires_at"), now: try row.get("now"))
        }
    }

    public func releaseLease(of controller: String, epoch: Int64) async throws {
        try await transaction { session in
            try await session.execute(
                "UPDATE leader_lease SET expires_at = clock_timestamp() WHERE holder = \(controller) AND epoch = \(epoch)")
        }
    }

    public func breakLease() async throws {
        try await transaction { session in try await session.execute("UPDATE leader_lease SET expires_at = clock_timestamp()") }
    }

    public func controllers(seenWithin: Duration) async throws -> [ControllerInfo] {
        let withinMs = Int(seenWithin.components.seconds * 1000)
        return try await read { session in
            try await session.rows(
                """
                SELECT c.id, c.advertise_url, c.last_seen_at, (l.holder = c.id AND l.expires_at > clock_timestamp()) AS leader,
                    l.epoch, l.expires_at
                FROM controller c CROSS JOIN leader_lease l
                WHERE c.last_seen_at > clock_timestamp() - \(withinMs) * interval '1 millisecond' OR l.holder = c.id
                ORDER BY c.id
                """
            ).map { row in
                let leader: Bool = try row.get("leader")
                return ControllerInfo(
                    id: try row.get("id"), advertiseURL: try row.get("advertise_url"), leader: leader,
                    epoch: leader ? try row.get("epoch") : nil, leaseExpiresAt: leader ? try row.get("expires_at") : nil,
                    lastSeenAt: try row.get("last_seen_at"))
            }
        }
    }

    public func fenceWrites(_ fencing: WriteFencing, lost: @escaping @Sendable () -> Void) {
        self.fencing.withLock { $0 = (fencing, lost) }
    }

    /// What a write transaction checks first, and again before it commits: that the lease is this
    /// controller's, in its epoch, and unexpired (the first check also locks the lease row until the
    /// transaction ends).
    func checkFence(_ session: PostgresSession, first: Bool) async throws {
        let (fencing, lost) = self.fencing.withLock { $0 }
        switch fencing {
        case .open:
            return
        case .follower:
            throw NotLeader()
        case .leader(let controller, let epoch):
            let held = try await session.value(
                """
                SELECT expires_at > clock_timestamp() FROM leader_lease WHERE holder = \(controller) AND epoch = \(epoch)
                \(unescaped: first ? "FOR SHARE" : "")
                """, as: Bool.self)
            guard held == true else {
                lost()
                throw NotLeader()
            }
        }
    }
}
