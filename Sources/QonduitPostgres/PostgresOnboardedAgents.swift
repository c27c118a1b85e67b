import Foundation
import PostgresNIO
public import QonduitCore
public import QonduitStorage

/// Devices onboarded by address, which the controller polls.
extension PostgresInventory {
    public func onboardAgent(
        node: NodeID, _ registration: AgentRegistration, encoding: AgentEncoding, pollIntervalMs: Int, sealedCredential: [UInt8]?,
        yangPatch: Bool, tlsCA: String?
    ) async throws -> AgentRegistrationResult {
        try await write { session in
            guard try await Self.nodeExists(node.rawValue, session) else { throw NetworkError.nodeNotFound(node.rawValue) }
            if let kind = try await session.value("SELECT kind FROM agent WHERE node_id = \(node.rawValue)", as: String.self) {
                throw AgentError.agentExists(node, kind: try StoredValue.decode(kind, column: "kind", of: "agent of node '\(node)'"))
            }
            let qkdnID = registration.qkdnID.text
            if let holder = try await session.value("SELECT id FROM node WHERE qkdn_id = \(qkdnID) AND id <> \(node.rawValue)", as: String.self) {
                throw NetworkError.identityInUse(registration.qkdnID, holder: "node '\(holder)'")
            }
            let now = StoredTime.now()
            try await session.execute("UPDATE node SET qkdn_id = \(qkdnID), updated_at = \(now) WHERE id = \(node.rawValue) AND qkdn_id <> \(qkdnID)")
            try await session.execute(
                """
                INSERT INTO agent (node_id, restconf_url, state, heartbeat_interval_ms, node_status, tree, registered_at, last_seen_at,
                    kind, encoding, sealed_credential, polled_at, yang_patch, tls_ca, stated_status)
                VALUES (\(node.rawValue), \(registration.restconfURL), 'reachable', \(pollIntervalMs),
                    \(NodeStatus.statedByAgent(registration.nodeStatus).rawValue), \(registration.tree), \(now), \(now), 'onboarded',
                    \(encoding.rawValue), \(sealedCredential.map { Data($0) }), \(now), \(yangPatch), \(tlsCA), \(registration.nodeStatus?.rawValue))
                """)
            try await Self.setNodeStatus(node, registration.nodeStatus, now, session)
            var unknown: [QKDUUID] = []
            for link in registration.links where !(try await Self.applyLink(link, from: node, now, session)) { unknown.append(link.qkdlID) }
            return AgentRegistrationResult(nodeID: node, createdNode: false, unknownLinks: unknown)
        }
    }

    public func removeAgent(of node: String) async throws {
        try await write { session in
            guard try await Self.nodeExists(node, session) else { throw NetworkError.nodeNotFound(node) }
            guard try await session.execute("DELETE FROM agent WHERE node_id = \(node)") > 0 else { throw AgentError.agentNotFound(node) }
            try await Self.setNodeStatus(try NodeID(node), nil, StoredTime.now(), session)
        }
    }

    public func onboardedAgents() async throws -> [OnboardedAgent] {
        try await read { session in
            try await session.rows(
                "SELECT a.*, n.qkdn_id FROM agent a JOIN node n ON n.id = a.node_id WHERE a.kind = 'onboarded' ORDER BY a.node_id"
            ).map { row in
                let node: String = try row.get("node_id")
                let subject = "agent of node '\(node)'"
                return OnboardedAgent(
                    nodeID: try NodeID(node), qkdnID: try StoredValue.uuid(try row.get("qkdn_id"), column: "qkdn_id", of: subject),
                    restconfURL: try row.get("restconf_url"),
                    encoding: try StoredValue.decode(try row.get("encoding"), column: "encoding", of: subject),
                    pollIntervalMs: try row.get("heartbeat_interval_ms"),
                    sealedCredential: (try row.get("sealed_credential", as: Data?.self)).map { Array($0) }, etag: try row.get("etag"),
                    state: try StoredValue.decode(try row.get("state"), column: "state", of: subject),
                    identityMismatch: try row.get("identity_mismatch"))
            }
        }
    }

    public func agentAccess(at restconfURL: String) async throws -> AgentAccess? {
        let row = try await read { session in
            try await session.row(
                "SELECT node_id, kind, encoding, sealed_credential, yang_patch, tls_ca, write_method FROM agent WHERE restconf_url = \(restconfURL)")
        }
        guard let row else { return nil }
        let node: String = try row.get("node_id")
        let subject = "agent of node '\(node)'"
        let kind: AgentKind = try StoredValue.decode(try row.get("kind"), column: "kind", of: subject)
        guard kind == .onboarded else { return .registered(proof: try await controllerProof(forAgentAt: restconfURL)) }
        return .onboarded(
            node: try NodeID(node), encoding: try StoredValue.decode(try row.get("encoding"), column: "encoding", of: subject),
            sealedCredential: (try row.get("sealed_credential", as: Data?.self)).map { Array($0) }, yangPatch: try row.get("yang_patch"),
            tlsCA: try row.get("tls_ca"),
            createOnly: try StoredValue.decode(try row.get("write_method"), column: "write_method", of: subject) == DeviceWriteMethod.post)
    }

    public func recordCreateOnly(at restconfURL: String) async throws {
        try await write { session in
            try await session.execute("UPDATE agent SET write_method = 'post' WHERE restconf_url = \(restconfURL) AND write_method <> 'post'")
        }
    }

    public func resetWriteMethods() async throws {
        try await write { session in try await session.execute("UPDATE agent SET write_method = 'put' WHERE write_method <> 'put'") }
    }

    @discardableResult
    public func recordPoll(of node: NodeID, _ registration: AgentRegistration, etag: String?) async throws -> Bool {
        try await write { session in
            guard
                let row = try await session.row(
                    """
                    SELECT a.state, n.qkdn_id FROM agent a JOIN node n ON n.id = a.node_id
                    WHERE a.node_id = \(node.rawValue) AND a.kind = 'onboarded' FOR UPDATE OF a
                    """)
            else { throw AgentError.agentNotFound(node.rawValue) }
            let now = StoredTime.now()
            let expected: String = try row.get("qkdn_id")
            guard expected == registration.qkdnID.text else {
                let error = "identity mismatch: the device reports qkdn_id \(registration.qkdnID.text), the node is \(expected)"
                try await session.execute(
                    """
                    UPDATE agent SET state = 'unreachable', identity_mismatch = true, poll_error = \(error), polled_at = \(now), etag = NULL
                    WHERE node_id = \(node.rawValue)
                    """)
                try await Self.setNodeStatus(node, .unreachable, now, session)
                return false
            }
            let returned = try row.get("state", as: String.self) != AgentState.reachable.rawValue
            try await session.execute(
                """
                UPDATE agent SET state = 'reachable', identity_mismatch = false, poll_error = NULL, polled_at = \(now), last_seen_at = \(now),
                    etag = \(etag), tree = \(registration.tree), node_status = \(NodeStatus.statedByAgent(registration.nodeStatus).rawValue),
                    stated_status = \(registration.nodeStatus?.rawValue)
                WHERE node_id = \(node.rawValue)
                """)
            try await Self.setNodeStatus(node, registration.nodeStatus, now, session)
            for link in registration.links { _ = try await Self.applyLink(link, from: node, now, session) }
            return returned
        }
    }

    public func recordPollUnchanged(of node: NodeID) async throws {
        try await write { session in
            let now = StoredTime.now()
            try await session.execute(
                """
                UPDATE agent SET poll_error = NULL, polled_at = \(now), last_seen_at = \(now) WHERE node_id = \(node.rawValue) AND state = 'reachable'
                """)
        }
    }

    public func recordPollFailure(of node: NodeID, error: String) async throws {
        try await write { session in
            try await session.execute(
                "UPDATE agent SET poll_error = \(String(error.prefix(500))), polled_at = \(StoredTime.now()) WHERE node_id = \(node.rawValue)")
        }
    }

    public func recordStream(of node: NodeID, state: DeviceStreamState, error: String?) async throws {
        let error = error.map { String($0.prefix(500)) }
        try await write { session in
            try await session.execute(
                """
                UPDATE agent SET stream_state = \(state.rawValue), stream_error = \(error)
                WHERE node_id = \(node.rawValue) AND kind = 'onboarded'
                    AND (stream_state IS DISTINCT FROM \(state.rawValue) OR stream_error IS DISTINCT FROM \(error))
                """)
        }
    }
}
