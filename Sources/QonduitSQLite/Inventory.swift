public import CoreMetrics
import Foundation
import GRDB
import Metrics
public import QonduitCore
public import QonduitStorage
import Synchronization

/// The controller's inventory of nodes and links, kept in SQLite.
///
/// Every write is one transaction; readers see a consistent snapshot (WAL) and never wait for a writer.
public final class SQLiteInventory: Inventory {
    let database: any DatabaseWriter
    /// Where the database lives; ":memory:" for a throwaway inventory.
    public let path: String
    /// The time of day: token and session expiry are read from it.
    public let clock: any WallClock
    private let writes = Atomic<Int>(0)
    /// Group commit for agents' reports: a thousand agents reporting at once cost a few transactions.
    let reportQueue = GroupCommitQueue<(QKDUUID, [AgentReport]), AgentReportOutcome>()
    /// Group commit for the audit log: every audited request would otherwise take the writer once more.
    let auditQueue = GroupCommitQueue<AuditEntry, Void>()
    /// Commits that changed what the hot paths below read, so that they read it once per change.
    let tableChanges = TableChanges(watching: [
        "api_token": nil, "agent_credential": nil, "agent": ["node_id", "restconf_url", "state", "credential_id"], "node": ["id", "qkdn_id"],
    ])
    /// Every API request is authenticated: tokens as checked, by hash, until a token changes or expires.
    let checkedTokens: TableCache<String, APIToken?>
    /// Every configuration push looks its node's agent up: addresses as read, until an agent's changes.
    let agentAddresses: TableCache<String, (restconfURL: String, state: AgentState)?>
    /// Every agent report is authenticated: credentials as checked, by verifier, until one changes.
    let checkedAgentCredentials: TableCache<String, AgentCredentialInfo?>
    /// Every request to an agent carries the controller's proof: proofs as read, by agent address.
    let controllerProofs: TableCache<String, String?>

    /// Counts committed writes, so that derived state (the path engine's graph) knows when it is stale.
    public var revision: Int { writes.load(ordering: .acquiring) }
    private let changes = RevisionSignal()
    /// How long each write waits for the writer and commits: `qonduit_sqlite_write_duration_seconds`.
    private let writeDuration: CoreMetrics.Timer

    /// Returns once the revision is other than `seen` (at once if it already is), or the task is cancelled.
    public func waitForChange(from seen: Int) async {
        await changes.wait { self.revision != seen }
    }

    /// Opens (creating and migrating when needed) the inventory at `path`; ":memory:" keeps it in memory.
    /// Write latency is recorded with `metrics`; times are read from `clock`.
    public init(path: String, metrics: any MetricsFactory = NOOPMetricsHandler.instance, clock: any WallClock = SystemWallClock()) throws {
        writeDuration = CoreMetrics.Timer(label: "qonduit_sqlite_write_duration_seconds", factory: metrics)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.label = "qonduit-inventory"
        configuration.busyMode = .timeout(5)
        // What the API acknowledges must outlive a power loss: a key path answered active whose row
        // rolled back would be removed from its nodes by the reconciler. FULL syncs the WAL at every
        // commit; writes are batched (provisioning, agents' reports) so that one sync serves many.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Readers map the file rather than copy each page out of it with a system call: a
            // re-route pass reads thousands of key paths while writes keep invalidating their caches.
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            // The one writer keeps up to 64 MiB of pages (SQLite's default is 2 MiB): a re-route pass
            // over thousands of key paths touches more than that, and each page it lost was read again.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -65536") }
            // Statement journals (a statement's undo pages, kept in case a trigger or foreign key makes
            // it fail) stay in memory: in temporary files, a re-route pass wrote a gigabyte of them.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        if path == ":memory:" {
            database = try DatabaseQueue(configuration: configuration)
        } else {
            database = try DatabasePool(path: path, configuration: configuration)
        }
        self.path = path
        self.clock = clock
        checkedTokens = TableCache("api_token", changes: tableChanges, clock: clock)
        agentAddresses = TableCache("agent", changes: tableChanges, clock: clock)
        checkedAgentCredentials = TableCache("agent_credential", "node", changes: tableChanges, clock: clock)
        controllerProofs = TableCache("agent_credential", "node", "agent", changes: tableChanges, clock: clock)
        try InventoryMigrations.migrator.migrate(database)
        database.add(transactionObserver: tableChanges, extent: .databaseLifetime)
    }

    // MARK: Nodes

    public func nodes(limit: Int, offset: Int) async throws -> Page<Stored<QKDNode>> {
        try await database.read { db in
            let items = try NodeRecord.order(Column("id")).limit(limit, offset: offset).fetchAll(db).map(\.stored)
            return Page(items: items, total: try NodeRecord.fetchCount(db))
        }
    }

    public func node(_ id: String) async throws -> Stored<QKDNode> {
        try await database.read { db in
            try Self.storedNode(id, db)
        }
    }

    public func createNode(_ node: QKDNode) async throws -> Stored<QKDNode> {
        var identified = try Self.validate(node)
        if identified.qkdnID == nil { identified.qkdnID = .random() }
        let node = identified
        return try await write { db in
            if try NodeRecord.exists(db, key: node.id.rawValue) { throw NetworkError.nodeExists(node.id) }
            try Self.checkIdentityFree(node.qkdnID!, table: "node", column: "qkdn_id", except: nil, db)
            let now = Self.now()
            try NodeRecord(node, createdAt: now, updatedAt: now).insert(db)
            try Self.logEvent(.nodeCreated, subject: node.id.rawValue, data: [("node", JSONText.string(node.id.rawValue))], db)
            return try Self.storedNode(node.id.rawValue, db)
        }
    }

    /// Applies `change` to the stored node and saves the result if it is still valid.
    /// The id cannot change: it is the node's identity.
    public func updateNode(_ id: String, _ change: @Sendable (inout QKDNode) throws -> Void) async throws -> Stored<QKDNode> {
        try await write { db in
            guard var record = try NodeRecord.fetchOne(db, key: id) else { throw NetworkError.nodeNotFound(id) }
            let original = record.node
            try change(&record.node)
            record.node.id = original.id
            if record.node.qkdnID == nil { record.node.qkdnID = original.qkdnID }
            record.node = try Self.validate(record.node)
            if record.node.qkdnID != original.qkdnID {
                try Self.checkIdentityFree(record.node.qkdnID!, table: "node", column: "qkdn_id", except: id, db)
            }
            if record.node != original {
                record.updatedAt = Self.now()
                try record.update(db)
                try Self.logStatusChange(of: original.id, from: original.current, to: record.node.current, db)
            }
            return try Self.storedNode(id, db)
        }
    }

    /// Deletes a node; with `cascade` its links go too, otherwise a node with links is refused.
    /// Returns the ids of the links deleted with it.
    @discardableResult
    public func deleteNode(_ id: String, cascade: Bool) async throws -> [LinkID] {
        try await write { db in
            guard let record = try NodeRecord.fetchOne(db, key: id) else { throw NetworkError.nodeNotFound(id) }
            let links =
                try LinkRecord
                .filter(Column("node_a") == id || Column("node_b") == id)
                .order(Column("id")).fetchAll(db).map(\.link.id)
            if !links.isEmpty && !cascade { throw NetworkError.nodeHasLinks(record.node.id, links: links) }
            try Self.refuseIfReserved(node: id, links: links.map(\.rawValue), db)
            _ = try LinkRecord.deleteAll(db, keys: links.map(\.rawValue))
            _ = try record.delete(db)
            try Self.logEvent(
                .nodeDeleted, subject: id,
                data: [("node", JSONText.string(id)), ("links", JSONText.array(links.map(\.rawValue)))], db)
            return links
        }
    }

    // MARK: Links

    public func links(limit: Int, offset: Int) async throws -> Page<Stored<QKDLink>> {
        try await database.read { db in
            let items = try LinkRecord.order(Column("id")).limit(limit, offset: offset).fetchAll(db).map(\.stored)
            return Page(items: items, total: try LinkRecord.fetchCount(db))
        }
    }

    public func link(_ id: String) async throws -> Stored<QKDLink> {
        try await database.read { db in
            try Self.storedLink(id, db)
        }
    }

    public func createLink(_ link: QKDLink) async throws -> Stored<QKDLink> {
        var identified = try Self.validate(link)
        if identified.qkdlID == nil { identified.qkdlID = .random() }
        let link = identified
        return try await write { db in
            if try LinkRecord.exists(db, key: link.id.rawValue) { throw NetworkError.linkExists(link.id) }
            try Self.checkEndsExist(link, db)
            try Self.checkIdentityFree(link.qkdlID!, table: "link", column: "qkdl_id", except: nil, db)
            let now = Self.now()
            try LinkRecord(link, createdAt: now, updatedAt: now).insert(db)
            if link.status == .down { try db.execute(sql: "UPDATE link SET held_down = 1 WHERE id = ?", arguments: [link.id.rawValue]) }
            try Self.logEvent(
                .linkCreated, subject: link.id.rawValue,
                data: [
                    ("link", JSONText.string(link.id.rawValue)), ("node_a", JSONText.string(link.nodeA.rawValue)),
                    ("node_b", JSONText.string(link.nodeB.rawValue)),
                ], db)
            return try Self.storedLink(link.id.rawValue, db)
        }
    }

    /// Applies `change` to the stored link and saves the result if it is still valid. With
    /// `operatorHold`, a status it changes is an operator's: a link set down stays down whatever a
    /// topology import says, until set up the same way.
    public func updateLink(
        _ id: String, operatorHold: Bool = false, _ change: @Sendable (inout QKDLink) throws -> Void
    ) async throws -> Stored<QKDLink> {
        try await write { db in
            guard var record = try LinkRecord.fetchOne(db, key: id) else { throw NetworkError.linkNotFound(id) }
            let original = record.link
            try change(&record.link)
            record.link.id = original.id
            // A measurement belongs to the node that made it: an end that moves loses it.
            if record.link.nodeA != original.nodeA { record.link.measuredAtA = nil }
            if record.link.nodeB != original.nodeB { record.link.measuredAtB = nil }
            if record.link.qkdlID == nil { record.link.qkdlID = original.qkdlID }
            record.link = try Self.validate(record.link)
            if record.link.qkdlID != original.qkdlID {
                try Self.checkIdentityFree(record.link.qkdlID!, table: "link", column: "qkdl_id", except: id, db)
            }
            try Self.checkEndsExist(record.link, db)
            if record.link != original {
                record.updatedAt = Self.now()
                try record.update(db)
                try Self.logStatusChange(of: original.id, from: original.current.status, to: record.link.current.status, db)
            }
            if operatorHold, record.link.status != original.status {
                try db.execute(sql: "UPDATE link SET held_down = ? WHERE id = ?", arguments: [record.link.status == .down, id])
            }
            return try Self.storedLink(id, db)
        }
    }

    public func deleteLink(_ id: String) async throws {
        try await write { db in
            try Self.refuseIfReserved(node: nil, links: [id], db)
            guard try LinkRecord.deleteOne(db, key: id) else { throw NetworkError.linkNotFound(id) }
            try Self.logEvent(.linkDeleted, subject: id, data: [("link", JSONText.string(id))], db)
        }
    }

    // MARK: Topology

    /// The whole inventory, read in one consistent snapshot.
    public func topology() async throws -> (nodes: [Stored<QKDNode>], links: [Stored<QKDLink>]) {
        try await database.read { db in try Self.topology(db) }
    }

    private static func topology(_ db: Database) throws -> (nodes: [Stored<QKDNode>], links: [Stored<QKDLink>]) {
        (try NodeRecord.order(Column("id")).fetchAll(db).map(\.stored), try LinkRecord.order(Column("id")).fetchAll(db).map(\.stored))
    }

    /// The whole inventory and the rate reserved on each link, read in one consistent snapshot: what
    /// path computation needs to answer on spare rate, as admission decides.
    public func topologyAndReservations() async throws -> (nodes: [Stored<QKDNode>], links: [Stored<QKDLink>], reservedBps: [LinkID: Double]) {
        try await database.read { db in
            let (nodes, links) = try Self.topology(db)
            return (nodes, links, try Self.reservedBps(db))
        }
    }

    /// One write transaction; the revision moves on once it has committed, if it changed any row (so
    /// that watchers of the revision, such as key-path repair, are not woken by a pass that changed nothing).
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await write { db in
            let before = db.totalChangesCount
            return (try body(db), db.totalChangesCount != before)
        }
    }

    /// One write transaction whose `body` says whether it changed what watchers of the revision follow:
    /// agents' routine reports (a sign of life, key pool levels) change rows that nothing watches,
    /// and waking key-path repair and the event streams for each would keep them busy for nothing.
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> (T, changed: Bool)) async throws -> T {
        let started = ContinuousClock.now
        defer { writeDuration.record(duration: ContinuousClock.now - started) }
        let (result, changed) = try await database.write { db in
            let before = db.totalChangesCount
            let (result, changed) = try body(db)
            if db.totalChangesCount != before { try RetainedLog.event.trim(db) }
            return (result, changed)
        }
        if changed {
            writes.add(1, ordering: .releasing)
            changes.notify()
        }
        return result
    }

    // MARK: Checks

    /// Key paths hold rate on these links, or start or end at this node: they must go first.
    static func refuseIfReserved(node: String?, links: [String], _ db: Database) throws {
        var holders: [String] = []
        for link in links {
            holders += try String.fetchAll(db, sql: "SELECT DISTINCT key_path_id FROM reservation WHERE link_id = ?", arguments: [link])
        }
        if let node {
            holders += try String.fetchAll(db, sql: "SELECT id FROM key_path WHERE source = ? OR destination = ?", arguments: [node, node])
        }
        guard holders.isEmpty else {
            throw NetworkError.reservedByKeyPaths(node ?? links.first ?? "", keyPaths: Array(Set(holders)).sorted())
        }
    }

    /// What a write stored, read back, so that its answer is exactly what later reads return.
    private static func storedNode(_ id: String, _ db: Database) throws -> Stored<QKDNode> {
        guard let record = try NodeRecord.fetchOne(db, key: id) else { throw NetworkError.nodeNotFound(id) }
        return record.stored
    }

    private static func storedLink(_ id: String, _ db: Database) throws -> Stored<QKDLink> {
        guard let record = try LinkRecord.fetchOne(db, key: id) else { throw NetworkError.linkNotFound(id) }
        return record.stored
    }

    /// The current time at the millisecond precision SQLite stores, so that what a write returns
    /// equals what a later read returns.
    static func now() -> Date { StoredTime.now() }

    static func validate(_ node: QKDNode) throws(NetworkError) -> QKDNode { try node.storable() }

    static func validate(_ link: QKDLink) throws(NetworkError) -> QKDLink { try link.storable() }

    /// Refuses a GS QKD 015 identity another node (or link) already has.
    private static func checkIdentityFree(_ uuid: QKDUUID, table: String, column: String, except id: String?, _ db: Database) throws {
        // Table and column names come from this file only; the values are bound.
        let holder = try String.fetchOne(db, sql: "SELECT id FROM \(table) WHERE \(column) = ? AND id IS NOT ?", arguments: [uuid.text, id])
        if let holder { throw NetworkError.identityInUse(uuid, holder: holder) }
    }

    private static func checkEndsExist(_ link: QKDLink, _ db: Database) throws {
        for (field, end) in [("node_a", link.nodeA), ("node_b", link.nodeB)] {
            if !(try NodeRecord.exists(db, key: end.rawValue)) { throw NetworkError.unknownNode(field: field, id: end) }
        }
    }
}
