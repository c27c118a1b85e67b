public import Foundation
import PostgresNIO
public import QonduitCore
public import QonduitStorage

/// Node agents: registration, what they report, and whether they are still heard from.
extension PostgresInventory {
    public func registerAgent(_ registration: AgentRegistration, autoOnboard: Bool, heartbeatIntervalMs: Int) async throws -> AgentRegistrationResult
    {
        try await write { session in
            let now = StoredTime.now()
            var createdNode = false
            let nodeID: NodeID
            if let existing = try await session.value("SELECT id FROM node WHERE qkdn_id = \(registration.qkdnID.text)", as: String.self) {
                nodeID = try NodeID(existing)
            } else if autoOnboard {
                let node = try QKDNode(
                    id: try await Self.freeNodeID(for: registration.qkdnID, session), name: registration.name, trusted: true, status: .up,
                    qkdnID: registration.qkdnID
                ).storable()
                try await Self.upsertNodes([node], at: now, session)
                nodeID = node.id
                createdNode = true
            } else {
                throw AgentError.unknownAgentNode(registration.qkdnID)
            }
            // A device the controller polls is not taken over by an agent announcing itself for its node.
            if try await session.value("SELECT kind FROM agent WHERE node_id = \(nodeID.rawValue)", as: String.self) == AgentKind.onboarded.rawValue {
                throw AgentError.agentExists(nodeID, kind: .onboarded)
            }
            try await session.execute(
                """
                INSERT INTO agent (node_id, restconf_url, state, heartbeat_interval_ms, node_status, tree, registered_at, last_seen_at,
                    credential_id, stated_status)
                VALUES (\(nodeID.rawValue), \(registration.restconfURL), 'reachable', \(heartbeatIntervalMs),
                    \(NodeStatus.statedByAgent(registration.nodeStatus).rawValue), \(registration.tree), \(now), \(now), \(registration.credentialID),
                    \(registration.nodeStatus?.rawValue))
                ON CONFLICT (node_id) DO UPDATE SET restconf_url = excluded.restconf_url, state = 'reachable',
                    heartbeat_interval_ms = excluded.heartbeat_interval_ms, node_status = excluded.node_status,
                    stated_status = excluded.stated_status, tree = excluded.tree, registered_at = excluded.registered_at,
                    last_seen_at = excluded.last_seen_at, credential_id = coalesce(excluded.credential_id, agent.credential_id)
                """)
            try await Self.setNodeStatus(nodeID, registration.nodeStatus, now, session)
            var unknown: [QKDUUID] = []
            for link in registration.links where !(try await Self.applyLink(link, from: nodeID, now, session)) { unknown.append(link.qkdlID) }
            return AgentRegistrationResult(nodeID: nodeID, createdNode: createdNode, unknownLinks: unknown)
        }
    }

    /// Reports arriving together are committed together (group commit): one transaction per batch,
    /// each sender's reports in a savepoint of their own, so one bad report fails alone.
    @discardableResult
    public func applyAgentReports(from qkdnID: QKDUUID, _ reports: [AgentReport]) async throws -> AgentReportOutcome {
        try await reportQueue.submit((qkdnID, reports)) { [self] batch in
            do {
                return try await applyBatch(batch)
            } catch {
                return batch.map { _ in .failure(error) }
            }
        }
    }

    private func applyBatch(_ batch: [(QKDUUID, [AgentReport])]) async throws -> [Result<AgentReportOutcome, any Error>] {
        try await writeSayingChange { session in
            let now = StoredTime.now()
            var changed = false
            var results: [Result<AgentReportOutcome, any Error>] = []
            for (qkdnID, reports) in batch {
                do {
                    let applied = try await session.inSavepoint { try await Self.apply(reports, from: qkdnID, now, session) }
                    changed = changed || applied.changed
                    results.append(.success(applied.outcome))
                } catch {
                    results.append(.failure(error))
                }
            }
            return (results, changed: changed)
        }
    }

    /// Applies one agent's reports; `changed` says whether they changed more than the bookkeeping
    /// nothing watches (when the agent was last seen, its key pools).
    private static func apply(
        _ reports: [AgentReport], from qkdnID: QKDUUID, _ now: Date, _ session: PostgresSession
    ) async throws -> (outcome: AgentReportOutcome, changed: Bool) {
        let start = session.changes
        var bookkeeping = 0
        guard
            let row = try await session.row(
                """
                SELECT agent.node_id, agent.state, agent.stated_status, agent.restconf_url FROM agent JOIN node ON node.id = agent.node_id
                WHERE node.qkdn_id = \(qkdnID.text)
                """)
        else { throw AgentError.agentNotRegistered(qkdnID) }
        let nodeID = try NodeID(try row.get("node_id", as: String.self))
        let stated: String? = try row.get("stated_status")
        var reportedStatus: NodeStatus? = try stated.map { try StoredValue.decode($0, column: "stated_status", of: "agent of node '\(nodeID)'") }
        let returned = try row.get("state", as: String.self) == AgentState.unreachable.rawValue
        if returned {
            try await session.execute("UPDATE agent SET state = 'reachable' WHERE node_id = \(nodeID.rawValue)")
            try await setNodeStatus(nodeID, reportedStatus, now, session)
        }
        for report in reports {
            switch report {
            case .heartbeat:
                break
            case .usedCredential(let id):
                bookkeeping += try await session.execute(
                    "UPDATE agent SET credential_id = \(id) WHERE node_id = \(nodeID.rawValue) AND credential_id IS DISTINCT FROM \(id)")
            case .nodeStatus(let status):
                reportedStatus = status
                try await setNodeStatus(nodeID, status, now, session)
            case .link(let link):
                guard try await applyLink(link, from: nodeID, now, session) else { throw AgentError.unknownReportedLink(link.qkdlID, node: nodeID) }
            case .keyPool(let link, let bits):
                guard let linkID = try await linkID(link, of: nodeID, session) else { throw AgentError.unknownReportedLink(link, node: nodeID) }
                bookkeeping += try await session.execute(
                    """
                    INSERT INTO key_pool (link_id, node_id, bits, reported_at) VALUES (\(linkID), \(nodeID.rawValue), \(bits), \(now))
                    ON CONFLICT (link_id, node_id) DO UPDATE SET bits = excluded.bits, reported_at = excluded.reported_at
                    """)
            case .alarm(let alarm):
                try await logEvent(
                    alarm.kind == .alarm ? .agentAlarm : .agentEvent, subject: nodeID.rawValue,
                    data: [
                        ("node", nodeID.rawValue), ("about", alarm.about), ("id", alarm.id), ("status", alarm.status), ("message", alarm.message),
                        ("severity", alarm.severity),
                    ].map { ($0.0, $0.1.map(JSONText.string)) }, session)
            }
        }
        let changed = session.changes - start > bookkeeping
        try await session.execute(
            """
            UPDATE agent SET last_seen_at = \(now), node_status = \(NodeStatus.statedByAgent(reportedStatus).rawValue),
                stated_status = \(reportedStatus?.rawValue) WHERE node_id = \(nodeID.rawValue)
            """)
        return (AgentReportOutcome(nodeID: nodeID, returned: returned, restconfURL: try row.get("restconf_url")), changed)
    }

    public func markSilentAgentsUnreachable(missedIntervals: Int, now: Date) async throws -> [NodeID] {
        @Sendable func isSilent(_ row: PostgresRandomAccessRow) throws -> Bool {
            let lastSeen: Date = try row.get("last_seen_at")
            let interval: Int = try row.get("heartbeat_interval_ms")
            return now.timeIntervalSince(lastSeen) > Double(interval) / 1000 * Double(missedIntervals)
        }
        let silent = try await read { session in
            try await session.rows("SELECT node_id, heartbeat_interval_ms, last_seen_at FROM agent WHERE state = 'reachable'")
                .filter(isSilent).map { try $0.get("node_id", as: String.self) }
        }
        guard !silent.isEmpty else { return [] }
        return try await write { session in
            let stamp = StoredTime.now()
            var marked: [NodeID] = []
            for id in silent {
                // Re-checked inside the transaction: a heartbeat may have arrived since the read.
                guard
                    let row = try await session.row(
                        "SELECT heartbeat_interval_ms, last_seen_at FROM agent WHERE node_id = \(id) AND state = 'reachable' FOR UPDATE"),
                    try isSilent(row)
                else { continue }
                try await session.execute("UPDATE agent SET state = 'unreachable' WHERE node_id = \(id)")
                let nodeID = try NodeID(id)
                try await Self.setNodeStatus(nodeID, .unreachable, stamp, session)
                marked.append(nodeID)
            }
            return marked
        }
    }

    public func agents() async throws -> [AgentInfo] {
        try await agents(limit: nil, offset: 0, node: nil).items
    }

    public func agent(of node: String) async throws -> AgentInfo? {
        try await agents(limit: nil, offset: 0, node: node).items.first
    }

    public func agents(limit: Int, offset: Int) async throws -> Page<AgentInfo> {
        try await agents(limit: limit, offset: offset, node: nil)
    }

    private func agents(limit: Int?, offset: Int, node: String?) async throws -> Page<AgentInfo> {
        try await read { session in
            var poolsByNode: [String: [KeyPoolLevel]] = [:]
            for row in try await session.rows(
                "SELECT link_id, node_id, bits, reported_at FROM key_pool WHERE \(node)::text IS NULL OR node_id = \(node) ORDER BY link_id")
            {
                poolsByNode[try row.get("node_id"), default: []].append(
                    KeyPoolLevel(
                        linkID: try LinkID(try row.get("link_id", as: String.self)), bits: try row.get("bits"), reportedAt: try row.get("reported_at")
                    ))
            }
            // A rotation is pending while the credential in use is not the node's newest valid one.
            let items = try await session.rows(
                """
                SELECT agent.*, node.qkdn_id, agent.credential_id IS NOT NULL AND agent.credential_id IS DISTINCT FROM (
                    SELECT c.id FROM agent_credential c WHERE c.qkdn_id = node.qkdn_id AND c.revoked_at IS NULL
                    ORDER BY c.created_at DESC, c.id LIMIT 1
                ) AS rotation_pending
                FROM agent JOIN node ON node.id = agent.node_id WHERE \(node)::text IS NULL OR agent.node_id = \(node)
                ORDER BY agent.node_id LIMIT \(limit) OFFSET \(offset)
                """
            ).map { row in
                let nodeID: String = try row.get("node_id")
                let subject = "agent of node '\(nodeID)'"
                return AgentInfo(
                    nodeID: try NodeID(nodeID), qkdnID: try StoredValue.uuid(try row.get("qkdn_id"), column: "qkdn_id", of: subject),
                    restconfURL: try row.get("restconf_url"), state: try StoredValue.decode(try row.get("state"), column: "state", of: subject),
                    heartbeatIntervalMs: try row.get("heartbeat_interval_ms"), registeredAt: try row.get("registered_at"),
                    lastSeenAt: try row.get("last_seen_at"), keyPools: poolsByNode[nodeID] ?? [], reconciledAt: try row.get("reconciled_at"),
                    drift: try row.get("drift"), reconcileError: try row.get("reconcile_error"), credentialID: try row.get("credential_id"),
                    credentialRotationPending: try row.get("rotation_pending"),
                    kind: try StoredValue.decode(try row.get("kind"), column: "kind", of: subject),
                    encoding: try StoredValue.decode(try row.get("encoding"), column: "encoding", of: subject), polledAt: try row.get("polled_at"),
                    pollError: try row.get("poll_error"), identityMismatch: try row.get("identity_mismatch"),
                    streamState: try (try row.get("stream_state", as: String?.self)).map {
                        try StoredValue.decode($0, column: "stream_state", of: subject)
                    },
                    streamError: try row.get("stream_error"),
                    writeMethod: try StoredValue.decode(try row.get("write_method"), column: "write_method", of: subject))
            }
            return Page(items: items, total: try await session.value("SELECT count(*) FROM agent", as: Int.self) ?? 0)
        }
    }

    public func recordReconciliation(node: NodeID, drift: Int, error: String?, at time: Date) async throws {
        try await write { session in
            try await session.execute(
                "UPDATE agent SET reconciled_at = \(time), drift = \(drift), reconcile_error = \(error) WHERE node_id = \(node.rawValue)")
        }
    }

    public func agentAddress(of node: NodeID) async throws -> (restconfURL: String, state: AgentState)? {
        try await read { session in
            guard let row = try await session.row("SELECT restconf_url, state FROM agent WHERE node_id = \(node.rawValue)") else { return nil }
            return (try row.get("restconf_url"), try StoredValue.decode(try row.get("state"), column: "state", of: "agent of node '\(node)'"))
        }
    }

    public func agentTree(of node: String) async throws -> String? {
        try await read { session in
            guard try await Self.nodeExists(node, session) else { throw NetworkError.nodeNotFound(node) }
            return try await session.value("SELECT tree FROM agent WHERE node_id = \(node)", as: String.self)
        }
    }

    // MARK: Helpers

    static func linkID(_ qkdlID: QKDUUID, of node: NodeID, _ session: PostgresSession) async throws -> String? {
        try await session.value(
            "SELECT id FROM link WHERE qkdl_id = \(qkdlID.text) AND (node_a = \(node.rawValue) OR node_b = \(node.rawValue))", as: String.self)
    }

    /// A link report from one end: it replaces what that end last reported (the values it gives), and
    /// the link's condition in force follows both ends' reports (`QKDLink.current`); `updated_at`
    /// moves only when a value changes. False when the link is not the node's.
    static func applyLink(_ link: ReportedLink, from node: NodeID, _ now: Date, _ session: PostgresSession) async throws -> Bool {
        let report = try link.measurement()
        guard
            let row = try await session.row(
                """
                SELECT \(unescaped: PostgresRows.linkColumns) FROM link WHERE qkdl_id = \(link.qkdlID.text)
                    AND (node_a = \(node.rawValue) OR node_b = \(node.rawValue)) FOR UPDATE
                """)
        else { return false }
        let before = try PostgresRows.link(row)
        let after = before.value.measured(report, by: node)
        if after != before.value {
            let binds = try PostgresRows.linkBindings(of: after, createdAt: before.createdAt, updatedAt: now)
            let columns = PostgresRows.linkValueColumns + ["created_at", "updated_at"]
            try await session.execute(
                PostgresQuery(
                    unsafeSQL:
                        "UPDATE link SET \(columns.enumerated().dropFirst().map { "\($1) = $\($0 + 1)" }.joined(separator: ", ")) WHERE id = $1",
                    binds: binds))
            if before.value.current.status != after.current.status {
                try await log(.link(after.id, from: before.value.current.status, to: after.current.status), session)
            }
        }
        return true
    }

    /// Records what the node's agent says of it (nil: nothing), and puts in force what that and the
    /// planner's status make (`QKDNode.current`), logging the change; the planner's status is never touched.
    static func setNodeStatus(_ node: NodeID, _ measured: NodeStatus?, _ now: Date, _ session: PostgresSession) async throws {
        guard let row = try await session.row("SELECT admin_status, measured_status, status FROM node WHERE id = \(node.rawValue) FOR UPDATE")
        else { return }
        let subject = "node '\(node)'"
        guard try row.get("measured_status", as: String?.self) != measured?.rawValue else { return }
        let planned: NodeStatus = try StoredValue.decode(try row.get("admin_status"), column: "admin_status", of: subject)
        let old: NodeStatus = try StoredValue.decode(try row.get("status"), column: "status", of: subject)
        let inForce = QKDNode.inForce(planned: planned, measured: measured)
        if inForce != old { try await log(.node(node, from: old, to: inForce), session) }
        try await session.execute(
            """
            UPDATE node SET measured_status = \(measured?.rawValue), status = \(inForce.rawValue), updated_at = \(now) WHERE id = \(node.rawValue)
            """)
    }

    /// `qkdn-` and the UUID's first group, or the whole UUID when that id is taken.
    private static func freeNodeID(for uuid: QKDUUID, _ session: PostgresSession) async throws -> NodeID {
        let short = try NodeID("qkdn-\(uuid.text.prefix(8))")
        if try await !nodeExists(short.rawValue, session) { return short }
        return try NodeID("qkdn-\(uuid.text)")
    }
}
