import Foundation
import GRDB
public import QonduitCore
public import QonduitStorage

extension SQLiteInventory {
    /// Records a device onboarded by address for node `node`, whose tree was just read: the node takes
    /// the device's `qkdn_id` (the device is the authority on its identity), and the tree's state is
    /// applied as a registration's is.
    public func onboardAgent(
        node: NodeID, _ registration: AgentRegistration, encoding: AgentEncoding, pollIntervalMs: Int, sealedCredential: [UInt8]?,
        yangPatch: Bool = false, tlsCA: String? = nil
    ) async throws -> AgentRegistrationResult {
        try await write { db in
            guard try NodeRecord.exists(db, key: node.rawValue) else { throw NetworkError.nodeNotFound(node.rawValue) }
            if let kind = try String.fetchOne(db, sql: "SELECT kind FROM agent WHERE node_id = ?", arguments: [node.rawValue]) {
                throw AgentError.agentExists(node, kind: try StoredValue.decode(kind, column: "kind", of: "agent of node '\(node)'"))
            }
            let qkdnID = registration.qkdnID.text
            if let holder = try String.fetchOne(db, sql: "SELECT id FROM node WHERE qkdn_id = ? AND id <> ?", arguments: [qkdnID, node.rawValue]) {
                throw NetworkError.identityInUse(registration.qkdnID, holder: "node '\(holder)'")
            }
            let now = Self.now()
            try db.execute(
                sql: "UPDATE node SET qkdn_id = ?, updated_at = ? WHERE id = ? AND qkdn_id <> ?",
                arguments: [qkdnID, now, node.rawValue, qkdnID])
            try db.execute(
                sql: """
                    INSERT INTO agent (node_id, restconf_url, state, heartbeat_interval_ms, node_status, tree, registered_at, last_seen_at,
                        kind, encoding, sealed_credential, polled_at, yang_patch, tls_ca, stated_status)
                    VALUES (?, ?, 'reachable', ?, ?, ?, ?, ?, 'onboarded', ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    node.rawValue, registration.restconfURL, pollIntervalMs, Self.agentStatus(registration.nodeStatus), registration.tree,
                    now, now, encoding.rawValue, sealedCredential.map { Data($0) }, now, yangPatch, tlsCA, registration.nodeStatus?.rawValue,
                ])
            try Self.setNodeStatus(node, registration.nodeStatus, now, db)
            var unknown: [QKDUUID] = []
            for link in registration.links where !(try Self.applyLink(link, from: node, now, db)) { unknown.append(link.qkdlID) }
            return AgentRegistrationResult(nodeID: node, createdNode: false, unknownLinks: unknown)
        }
    }

    /// Stops managing node `node`'s agent, of either kind (the device itself is not touched); its key
    /// pools go with it. The node stays, with the planner's status: nothing reports it any more.
    public func removeAgent(of node: String) async throws {
        try await write { db in
            guard try NodeRecord.exists(db, key: node) else { throw NetworkError.nodeNotFound(node) }
            try db.execute(sql: "DELETE FROM agent WHERE node_id = ?", arguments: [node])
            guard db.changesCount > 0 else { throw AgentError.agentNotFound(node) }
            try Self.setNodeStatus(try NodeID(node), nil, Self.now(), db)
        }
    }

    /// The devices onboarded by address, for the poller.
    public func onboardedAgents() async throws -> [OnboardedAgent] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.*, n.qkdn_id FROM agent a JOIN node n ON n.id = a.node_id WHERE a.kind = 'onboarded' ORDER BY a.node_id
                    """
            ).map { row in
                let node: String = row["node_id"]
                let subject = "agent of node '\(node)'"
                return OnboardedAgent(
                    nodeID: try NodeID(node), qkdnID: try StoredValue.uuid(row["qkdn_id"], column: "qkdn_id", of: subject),
                    restconfURL: row["restconf_url"], encoding: try StoredValue.decode(row["encoding"], column: "encoding", of: subject),
                    pollIntervalMs: row["heartbeat_interval_ms"],
                    sealedCredential: (row["sealed_credential"] as Data?).map { Array($0) }, etag: row["etag"],
                    state: try StoredValue.decode(row["state"], column: "state", of: subject), identityMismatch: row["identity_mismatch"]
                )
            }
        }
    }

    /// How to reach the agent serving RESTCONF at `restconfURL`; nil when no agent has that address.
    public func agentAccess(at restconfURL: String) async throws -> AgentAccess? {
        let found = try await database.read {
            db -> (node: String, kind: String, encoding: String, sealed: Data?, yangPatch: Bool, ca: String?, method: String)? in
            try Row.fetchOne(
                db,
                sql: "SELECT node_id, kind, encoding, sealed_credential, yang_patch, tls_ca, write_method FROM agent WHERE restconf_url = ?",
                arguments: [restconfURL]
            )
            .map { ($0["node_id"], $0["kind"], $0["encoding"], $0["sealed_credential"], $0["yang_patch"], $0["tls_ca"], $0["write_method"]) }
        }
        guard let found else { return nil }
        let subject = "agent of node '\(found.node)'"
        let kind: AgentKind = try StoredValue.decode(found.kind, column: "kind", of: subject)
        guard kind == .onboarded else { return .registered(proof: try await controllerProof(forAgentAt: restconfURL)) }
        return .onboarded(
            node: try NodeID(found.node), encoding: try StoredValue.decode(found.encoding, column: "encoding", of: subject),
            sealedCredential: found.sealed.map { Array($0) }, yangPatch: found.yangPatch,
            tlsCA: found.ca, createOnly: try StoredValue.decode(found.method, column: "write_method", of: subject) == DeviceWriteMethod.post)
    }

    /// The device at `restconfURL` refused PUT and PATCH: it is configured by RFC 8040 create from now on.
    public func recordCreateOnly(at restconfURL: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE agent SET write_method = 'post' WHERE restconf_url = ? AND write_method <> 'post'", arguments: [restconfURL])
        }
    }

    /// Every device is tried with the standard methods again (a controller starting: a device may have been upgraded).
    public func resetWriteMethods() async throws {
        try await write { db in try db.execute(sql: "UPDATE agent SET write_method = 'put' WHERE write_method <> 'put'") }
    }

    /// A poll read the device's tree: applied as a registration is, and the device is heard from. A
    /// tree of another `qkdn_id` than the node's is not applied: the agent is flagged and made
    /// unreachable, so that nothing configures a device that is not the node. Returns whether the agent
    /// was unreachable before.
    @discardableResult
    public func recordPoll(of node: NodeID, _ registration: AgentRegistration, etag: String?) async throws -> Bool {
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT a.state, n.qkdn_id FROM agent a JOIN node n ON n.id = a.node_id WHERE a.node_id = ? AND a.kind = 'onboarded'",
                    arguments: [node.rawValue])
            else { throw AgentError.agentNotFound(node.rawValue) }
            let now = Self.now()
            let expected: String = row["qkdn_id"]
            guard expected == registration.qkdnID.text else {
                try db.execute(
                    sql:
                        "UPDATE agent SET state = 'unreachable', identity_mismatch = 1, poll_error = ?, polled_at = ?, etag = NULL WHERE node_id = ?",
                    arguments: [
                        "identity mismatch: the device reports qkdn_id \(registration.qkdnID.text), the node is \(expected)", now, node.rawValue,
                    ])
                try Self.setNodeStatus(node, .unreachable, now, db)
                return false
            }
            let returned = row["state"] as String != AgentState.reachable.rawValue
            try db.execute(
                sql: """
                    UPDATE agent SET state = 'reachable', identity_mismatch = 0, poll_error = NULL, polled_at = ?, last_seen_at = ?,
                        etag = ?, tree = ?, node_status = ?, stated_status = ? WHERE node_id = ?
                    """,
                arguments: [
                    now, now, etag, registration.tree, Self.agentStatus(registration.nodeStatus), registration.nodeStatus?.rawValue,
                    node.rawValue,
                ])
            try Self.setNodeStatus(node, registration.nodeStatus, now, db)
            for link in registration.links { _ = try Self.applyLink(link, from: node, now, db) }
            return returned
        }
    }

    /// A conditional poll found the tree unchanged (304): the device is heard from.
    public func recordPollUnchanged(of node: NodeID) async throws {
        try await write { db in
            let now = Self.now()
            try db.execute(
                sql: "UPDATE agent SET poll_error = NULL, polled_at = ?, last_seen_at = ? WHERE node_id = ? AND state = 'reachable'",
                arguments: [now, now, node.rawValue])
        }
    }

    /// A poll failed: why, for the operator. Liveness counts the polls missed (`markSilentAgentsUnreachable`).
    public func recordPollFailure(of node: NodeID, error: String) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE agent SET poll_error = ?, polled_at = ? WHERE node_id = ?",
                arguments: [String(error.prefix(500)), Self.now(), node.rawValue])
        }
    }

    /// Records the state of an onboarded device's notification stream; only a change is written.
    public func recordStream(of node: NodeID, state: DeviceStreamState, error: String?) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE agent SET stream_state = ?1, stream_error = ?2
                    WHERE node_id = ?3 AND kind = 'onboarded' AND (stream_state IS NOT ?1 OR stream_error IS NOT ?2)
                    """,
                arguments: [state.rawValue, error.map { String($0.prefix(500)) }, node.rawValue])
        }
    }
}
