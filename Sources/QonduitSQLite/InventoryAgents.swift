public import Foundation
import GRDB
public import QonduitCore
public import QonduitStorage

/// Node agents: registration, what they report, and whether they are still heard from.
extension SQLiteInventory {
    /// Records an agent for the node whose `qkdn_id` it reports, creating that node when
    /// `autoOnboard` allows; applies the node state and link measures it reports.
    public func registerAgent(
        _ registration: AgentRegistration, autoOnboard: Bool, heartbeatIntervalMs: Int
    ) async throws -> AgentRegistrationResult {
        try await write { db in
            let now = Self.now()
            var createdNode = false
            var node: NodeRecord
            if let existing = try NodeRecord.filter(Column("qkdn_id") == registration.qkdnID.text).fetchOne(db) {
                node = existing
            } else if autoOnboard {
                node = NodeRecord(
                    QKDNode(
                        id: try Self.freeNodeID(for: registration.qkdnID, db), name: registration.name,
                        trusted: true, status: .up, qkdnID: registration.qkdnID),
                    createdAt: now, updatedAt: now
                )
                node.node = try Self.validate(node.node)
                try node.insert(db)
                createdNode = true
            } else {
                throw AgentError.unknownAgentNode(registration.qkdnID)
            }
            // A device the controller polls is not taken over by an agent announcing itself for its node.
            let existingKind = try String.fetchOne(db, sql: "SELECT kind FROM agent WHERE node_id = ?", arguments: [node.node.id.rawValue])
            if existingKind == AgentKind.onboarded.rawValue { throw AgentError.agentExists(node.node.id, kind: .onboarded) }
            try db.execute(
                sql: """
                    INSERT INTO agent (node_id, restconf_url, state, heartbeat_interval_ms, node_status, tree, registered_at, last_seen_at,
                        credential_id, stated_status)
                    VALUES (?, ?, 'reachable', ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (node_id) DO UPDATE SET restconf_url = excluded.restconf_url, state = 'reachable',
                        heartbeat_interval_ms = excluded.heartbeat_interval_ms, node_status = excluded.node_status,
                        stated_status = excluded.stated_status,
                        tree = excluded.tree, registered_at = excluded.registered_at, last_seen_at = excluded.last_seen_at,
                        credential_id = coalesce(excluded.credential_id, agent.credential_id)
                    """,
                arguments: [
                    node.node.id.rawValue, registration.restconfURL, heartbeatIntervalMs,
                    Self.agentStatus(registration.nodeStatus), registration.tree, now, now, registration.credentialID,
                    registration.nodeStatus?.rawValue,
                ])
            try Self.setNodeStatus(node.node.id, registration.nodeStatus, now, db)
            var unknown: [QKDUUID] = []
            for link in registration.links where !(try Self.applyLink(link, from: node.node.id, now, db)) {
                unknown.append(link.qkdlID)
            }
            return AgentRegistrationResult(nodeID: node.node.id, createdNode: createdNode, unknownLinks: unknown)
        }
    }

    /// Applies what the agent of node `qkdnID` reports; any report is also a sign of life, and
    /// brings an unreachable agent back. Returns the node's id.
    ///
    /// Reports arriving together are committed together (group commit): one transaction per batch,
    /// each sender's reports in a savepoint of their own, so one bad report fails alone.
    @discardableResult
    public func applyAgentReports(from qkdnID: QKDUUID, _ reports: [AgentReport]) async throws -> AgentReportOutcome {
        try await reportQueue.submit((qkdnID, reports)) { [self] batch in try await applyBatch(batch) }
    }

    /// Writes a batch of agents' reports in one transaction; one result per entry.
    func applyBatch(_ batch: [(QKDUUID, [AgentReport])]) async throws -> [Result<AgentReportOutcome, any Error>] {
        try await write { db in
            let now = Self.now()
            var changed = false
            let results = batch.map { qkdnID, reports in
                Result {
                    var outcome: AgentReportOutcome?
                    try db.inSavepoint {
                        let applied = try Self.apply(reports, from: qkdnID, now, db)
                        outcome = applied.outcome
                        changed = changed || applied.changed
                        return .commit
                    }
                    return outcome!
                }
            }
            return (results, changed)
        }
    }

    /// Applies one agent's reports; `changed` says whether they changed more than the bookkeeping
    /// nothing watches (when the agent was last seen, its key pools).
    private static func apply(
        _ reports: [AgentReport], from qkdnID: QKDUUID, _ now: Date, _ db: Database
    ) throws -> (outcome: AgentReportOutcome, changed: Bool) {
        let start = db.totalChangesCount
        var bookkeeping = 0
        // Reports are the busiest writes the controller has: every statement here is prepared once per connection.
        let findAgent = try db.cachedStatement(
            sql: """
                SELECT agent.node_id, agent.state, agent.stated_status, agent.restconf_url FROM agent JOIN node ON node.id = agent.node_id
                WHERE node.qkdn_id = ?
                """)
        guard let row = try Row.fetchOne(findAgent, arguments: [qkdnID.text])
        else { throw AgentError.agentNotRegistered(qkdnID) }
        let nodeID = try NodeID(row["node_id"] as String)
        let stated: String? = row["stated_status"]
        var reportedStatus: NodeStatus? = try stated.map { try StoredValue.decode($0, column: "stated_status", of: "agent of node '\(nodeID)'") }
        let returned = (row["state"] as String) == AgentState.unreachable.rawValue
        if returned {
            try db.execute(sql: "UPDATE agent SET state = 'reachable' WHERE node_id = ?", arguments: [nodeID.rawValue])
            try Self.setNodeStatus(nodeID, reportedStatus, now, db)
        }
        for report in reports {
            switch report {
            case .heartbeat:
                break
            case .usedCredential(let id):
                try db.cachedStatement(sql: "UPDATE agent SET credential_id = ?1 WHERE node_id = ?2 AND credential_id IS NOT ?1")
                    .execute(arguments: [id, nodeID.rawValue])
                bookkeeping += db.changesCount
            case .nodeStatus(let status):
                reportedStatus = status
                try Self.setNodeStatus(nodeID, status, now, db)
            case .link(let link):
                guard try Self.applyLink(link, from: nodeID, now, db) else {
                    throw AgentError.unknownReportedLink(link.qkdlID, node: nodeID)
                }
            case .keyPool(let link, let bits):
                guard let linkID = try Self.linkID(link, of: nodeID, db) else {
                    throw AgentError.unknownReportedLink(link, node: nodeID)
                }
                try db.cachedStatement(
                    sql: """
                        INSERT INTO key_pool (link_id, node_id, bits, reported_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (link_id, node_id) DO UPDATE SET bits = excluded.bits, reported_at = excluded.reported_at
                        """
                ).execute(arguments: [linkID, nodeID.rawValue, bits, now])
                bookkeeping += db.changesCount
            case .alarm(let alarm):
                try Self.logEvent(
                    alarm.kind == .alarm ? .agentAlarm : .agentEvent, subject: nodeID.rawValue,
                    data: [
                        ("node", nodeID.rawValue), ("about", alarm.about), ("id", alarm.id), ("status", alarm.status),
                        ("message", alarm.message), ("severity", alarm.severity),
                    ].map { ($0.0, $0.1.map(JSONText.string)) }, db)
            }
        }
        let changed = db.totalChangesCount - start > bookkeeping
        try db.cachedStatement(sql: "UPDATE agent SET last_seen_at = ?, node_status = ?, stated_status = ? WHERE node_id = ?")
            .execute(arguments: [now, Self.agentStatus(reportedStatus), reportedStatus?.rawValue, nodeID.rawValue])
        return (AgentReportOutcome(nodeID: nodeID, returned: returned, restconfURL: row["restconf_url"]), changed)
    }

    /// Marks unreachable every reachable agent not heard from for `missedIntervals` of its
    /// heartbeat intervals, and its node; returns those nodes.
    public func markSilentAgentsUnreachable(missedIntervals: Int, now: Date = Date()) async throws -> [NodeID] {
        @Sendable func isSilent(_ row: Row) -> Bool {
            let lastSeen: Date = row["last_seen_at"]
            return now.timeIntervalSince(lastSeen) > Double(row["heartbeat_interval_ms"] as Int) / 1000 * Double(missedIntervals)
        }
        let silent = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT node_id, heartbeat_interval_ms, last_seen_at FROM agent WHERE state = 'reachable'")
                .filter(isSilent).map { $0["node_id"] as String }
        }
        guard !silent.isEmpty else { return [] }
        return try await write { db in
            let stamp = Self.now()
            var marked: [NodeID] = []
            for id in silent {
                // Re-checked inside the transaction: a heartbeat may have arrived since the read.
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT heartbeat_interval_ms, last_seen_at FROM agent WHERE node_id = ? AND state = 'reachable'
                            """, arguments: [id]), isSilent(row)
                else { continue }
                try db.execute(sql: "UPDATE agent SET state = 'unreachable' WHERE node_id = ?", arguments: [id])
                let nodeID = try NodeID(id)
                try Self.setNodeStatus(nodeID, .unreachable, stamp, db)
                marked.append(nodeID)
            }
            return marked
        }
    }

    public func agents() async throws -> [AgentInfo] {
        try await agents(limit: Int.max, offset: 0).items
    }

    /// Node `node`'s agent; nil when it has none.
    public func agent(of node: String) async throws -> AgentInfo? {
        try await agents(limit: Int.max, offset: 0, node: node).items.first
    }

    /// A page of the agents, ordered by node id, with how many there are.
    public func agents(limit: Int, offset: Int) async throws -> Page<AgentInfo> {
        try await agents(limit: limit, offset: offset, node: nil)
    }

    private func agents(limit: Int, offset: Int, node: String?) async throws -> Page<AgentInfo> {
        try await database.read { db in
            let pools = try Row.fetchAll(
                db, sql: "SELECT link_id, node_id, bits, reported_at FROM key_pool WHERE ? IS NULL OR node_id = ? ORDER BY link_id",
                arguments: [node, node])
            var poolsByNode: [String: [KeyPoolLevel]] = [:]
            for row in pools {
                poolsByNode[row["node_id"], default: []].append(
                    KeyPoolLevel(linkID: try LinkID(row["link_id"] as String), bits: row["bits"], reportedAt: row["reported_at"])
                )
            }
            // A rotation is pending while the credential in use is not the node's newest valid one.
            let items = try Row.fetchAll(
                db,
                sql: """
                    SELECT agent.*, node.qkdn_id, agent.credential_id IS NOT NULL AND agent.credential_id IS NOT (
                        SELECT c.id FROM agent_credential c WHERE c.qkdn_id = node.qkdn_id AND c.revoked_at IS NULL
                        ORDER BY \(Self.newestCredentialFirst) LIMIT 1
                    ) AS rotation_pending
                    FROM agent JOIN node ON node.id = agent.node_id WHERE ?1 IS NULL OR agent.node_id = ?1
                    ORDER BY agent.node_id LIMIT ?2 OFFSET ?3
                    """, arguments: [node, limit == Int.max ? -1 : limit, offset]
            ).map { row in
                let nodeID: String = row["node_id"]
                return AgentInfo(
                    nodeID: try NodeID(nodeID), qkdnID: try StoredValue.uuid(row["qkdn_id"], column: "qkdn_id", of: "agent of node '\(nodeID)'"),
                    restconfURL: row["restconf_url"], state: try StoredValue.decode(row["state"], column: "state", of: "agent of node '\(nodeID)'"),
                    heartbeatIntervalMs: row["heartbeat_interval_ms"], registeredAt: row["registered_at"],
                    lastSeenAt: row["last_seen_at"], keyPools: poolsByNode[nodeID] ?? [],
                    reconciledAt: row["reconciled_at"], drift: row["drift"], reconcileError: row["reconcile_error"],
                    credentialID: row["credential_id"], credentialRotationPending: row["rotation_pending"],
                    kind: try StoredValue.decode(row["kind"], column: "kind", of: "agent of node '\(nodeID)'"),
                    encoding: try StoredValue.decode(row["encoding"], column: "encoding", of: "agent of node '\(nodeID)'"),
                    polledAt: row["polled_at"], pollError: row["poll_error"], identityMismatch: row["identity_mismatch"],
                    streamState: try (row["stream_state"] as String?).map {
                        try StoredValue.decode($0, column: "stream_state", of: "agent of node '\(nodeID)'")
                    },
                    streamError: row["stream_error"],
                    writeMethod: try StoredValue.decode(row["write_method"], column: "write_method", of: "agent of node '\(nodeID)'")
                )
            }
            return Page(items: items, total: try Int.fetchOne(db, sql: "SELECT count(*) FROM agent") ?? 0)
        }
    }

    // MARK: Desired configuration

    // Entries set by hand, beside what the node's key paths ask of it (`keyPathsTouching(_:)`).

    /// Sets the `qkd_link` entry (configuration XML) node `node`'s agent should have for `qkdlID`.
    public func setDesiredLink(node: NodeID, qkdlID: QKDUUID, entry: String) async throws {
        try await setDesired(.links, node: node, id: qkdlID, entry: entry)
    }

    public func removeDesiredLink(node: NodeID, qkdlID: QKDUUID) async throws {
        try await removeDesired(.links, node: node, id: qkdlID)
    }

    /// The entries set by hand that node `node`'s agent should have, by link.
    public func desiredLinks(of node: NodeID) async throws -> [(qkdlID: QKDUUID, entry: String)] {
        try await desired(.links, of: node).map { (qkdlID: $0.id, entry: $0.entry) }
    }

    /// Sets the `qkd_app` entry (configuration XML) node `node`'s agent should have for `appID`.
    public func setDesiredApplication(node: NodeID, appID: QKDUUID, entry: String) async throws {
        try await setDesired(.applications, node: node, id: appID, entry: entry)
    }

    public func removeDesiredApplication(node: NodeID, appID: QKDUUID) async throws {
        try await removeDesired(.applications, node: node, id: appID)
    }

    /// The applications set by hand that node `node`'s agent should have, by app_id.
    public func desiredApplications(of node: NodeID) async throws -> [(appID: QKDUUID, entry: String)] {
        try await desired(.applications, of: node).map { (appID: $0.id, entry: $0.entry) }
    }

    /// The lists of an agent's configuration the controller owns, each in a table of its own.
    enum DesiredList {
        case links, applications

        /// Table and key column: constants, never input, so they may be spliced into SQL.
        var table: (name: String, key: String) {
            switch self {
            case .links: ("desired_link", "qkdl_id")
            case .applications: ("desired_app", "app_id")
            }
        }
    }

    private func setDesired(_ list: DesiredList, node: NodeID, id: QKDUUID, entry: String) async throws {
        try await write { db in
            guard try NodeRecord.exists(db, key: node.rawValue) else { throw NetworkError.nodeNotFound(node.rawValue) }
            let (table, key) = list.table
            try db.execute(
                sql: """
                    INSERT INTO \(table) (node_id, \(key), entry) VALUES (?, ?, ?)
                    ON CONFLICT (node_id, \(key)) DO UPDATE SET entry = excluded.entry
                    """, arguments: [node.rawValue, id.text, entry])
        }
    }

    private func removeDesired(_ list: DesiredList, node: NodeID, id: QKDUUID) async throws {
        let (table, key) = list.table
        try await write { db in
            try db.execute(sql: "DELETE FROM \(table) WHERE node_id = ? AND \(key) = ?", arguments: [node.rawValue, id.text])
        }
    }

    private func desired(_ list: DesiredList, of node: NodeID) async throws -> [(id: QKDUUID, entry: String)] {
        let (table, key) = list.table
        return try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(key) AS id, entry FROM \(table) WHERE node_id = ? ORDER BY \(key)", arguments: [node.rawValue])
                .compactMap { row in QKDUUID(row["id"] as String).map { ($0, row["entry"] as String) } }
        }
    }

    /// Records a reconciliation pass over node `node`'s agent.
    public func recordReconciliation(node: NodeID, drift: Int, error: String?, at time: Date = Date()) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE agent SET reconciled_at = ?, drift = ?, reconcile_error = ? WHERE node_id = ?",
                arguments: [time, drift, error, node.rawValue])
        }
    }

    /// Where node `node`'s agent serves RESTCONF and whether it is heard from; nil when none has registered.
    public func agentAddress(of node: NodeID) async throws -> (restconfURL: String, state: AgentState)? {
        try await agentAddresses.value(for: node.rawValue) {
            try await database.read { db in
                let row = try Row.fetchOne(db, sql: "SELECT restconf_url, state FROM agent WHERE node_id = ?", arguments: [node.rawValue])
                let address = try row.map { row -> (String, AgentState) in
                    (row["restconf_url"], try StoredValue.decode(row["state"], column: "state", of: "agent of node '\(node)'"))
                }
                return (address, nil)
            }
        }
    }

    /// The `qkd_node` document the node's agent last sent, or nil when no agent registered for it.
    public func agentTree(of node: String) async throws -> String? {
        try await database.read { db in
            guard try NodeRecord.exists(db, key: node) else { throw NetworkError.nodeNotFound(node) }
            return try String.fetchOne(db, sql: "SELECT tree FROM agent WHERE node_id = ?", arguments: [node])
        }
    }

    // MARK: Helpers

    private static func linkID(_ qkdlID: QKDUUID, of node: NodeID, _ db: Database) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM link WHERE qkdl_id = ? AND (node_a = ? OR node_b = ?)"),
            arguments: [qkdlID.text, node.rawValue, node.rawValue])
    }

    /// A link report from one end: it replaces what that end last reported (the values it gives),
    /// and the link's condition in force follows both ends' reports (`QKDLink.current`). The same
    /// rules as `QKDLink.validationIssues`; `updated_at` moves only when a value changes. False when
    /// the link is not the node's.
    static func applyLink(_ link: ReportedLink, from node: NodeID, _ now: Date, _ db: Database) throws -> Bool {
        let report = try link.measurement()
        let statement = try db.cachedStatement(sql: "SELECT * FROM link WHERE qkdl_id = ?1 AND (node_a = ?2 OR node_b = ?2)")
        guard var record = try LinkRecord.fetchOne(statement, arguments: [link.qkdlID.text, node.rawValue]) else { return false }
        let before = record.link
        record.link = before.measured(report, by: node)
        if record.link != before {
            record.updatedAt = now
            try record.update(db)
            try Self.logStatusChange(of: before.id, from: before.current.status, to: record.link.current.status, db)
        }
        return true
    }

    /// What an agent may report of its node; `unreachable` is the controller's own verdict, and a
    /// tree that states none is kept as `unknown` in the legacy column (`stated_status` keeps the nil).
    static func agentStatus(_ status: NodeStatus?) -> String { NodeStatus.statedByAgent(status).rawValue }

    /// `qkdn-` and the UUID's first group, or the whole UUID when that id is taken.
    private static func freeNodeID(for uuid: QKDUUID, _ db: Database) throws -> NodeID {
        let short = try NodeID("qkdn-\(uuid.text.prefix(8))")
        if try !NodeRecord.exists(db, key: short.rawValue) { return short }
        return try NodeID("qkdn-\(uuid.text)")
    }
}
