import Foundation
import Hummingbird
import QonduitControllerTestSupport
import QonduitCore
import QonduitETSI
import QonduitStorage
import QonduitTestSupport
import Testing

@Suite struct AgentRegistrationTests {
    @Test func anAgentRegistersForItsNodeAndItsLinksMeasuresAreTaken() async throws {
        try await withController { call, inventory in
            let tree = ETSINode(
                id: nodeA, status: .operating,
                links: [
                    ETSILink(
                        id: linkAB, status: .active, type: .physical,
                        performance: .init(secretKeyRateBps: 4_200, physical: [.init(type: .qber, value: ETSIDecimal(thousandths: 31))])),
                    ETSILink(id: QKDUUID("cccccccc-0000-4000-8000-0000000000cc")!, status: .active, type: .physical),
                ])
            let answer = try await register(call, tree)
            #expect(answer.status == .ok && answer.contentType == "application/yang-data+xml", "\(answer.text)")
            let registration = try RegistrationAnswer.decode(Array(answer.text.utf8))
            #expect(registration == RegistrationAnswer(qkdnID: nodeA, nodeID: "a", heartbeatIntervalMs: 1_000))
            // Alone, as the agent module's data (with the node module loaded, qkd_node's mandatory id would be missing).
            let problems = try await YANGValidator.etsiProblems(answer.text, only: ["etsi-qkd-node-types.yang", "qonduit-qkd-agent.yang"])
            #expect(problems.isEmpty, "the answer is valid qonduit-qkd-agent data: \(problems)")

            let link = try await inventory.link("ab").value
            #expect(link.current == LinkCondition(status: .up, keyRateBps: 4_200, qber: 0.031), "what the agent measured is in force")
            let agents = try await call(.get, "/api/v1/agents", nil)
            let first = try #require((agents.json["items"] as? [[String: Any]])?.first, "\(agents.text)")
            #expect(first["node_id"] as? String == "a" && first["state"] as? String == "reachable" && first["restconf_url"] as? String == agentURL)
            let etsi = try await call(.get, "/api/v1/nodes/a/etsi", nil)
            let lastKnown = try ETSINode.decode(Array(etsi.text.utf8))
            #expect(etsi.status == .ok && lastKnown == tree, "the node's last known tree")
            #expect(try await call(.get, "/api/v1/nodes/b/etsi", nil).status == .notFound)
        }
    }

    @Test func anUnknownNodeIsRefusedUnlessOnboardingIsOn() async throws {
        let newcomer = ETSINode(id: stranger, status: .operating, locationID: "Lab 4")
        try await withController { call, _ in
            let refused = try await register(call, newcomer)
            #expect(refused.status == .notFound)
            #expect(refused.errors?.entries.first?.message.contains("auto-onboard") == true, "\(refused.text)")
        }
        try await withController(autoOnboard: true) { call, inventory in
            let created = try await register(call, newcomer)
            #expect(created.status == .created, "\(created.text)")
            let node = try await inventory.node("qkdn-dddddddd").value
            #expect(node.qkdnID == newcomer.id && node.name == "Lab 4" && node.status == .up)
        }
    }

    @Test(arguments: [
        ("/southbound/v1/agents", "<qkd_node xmlns='urn:etsi:qkd:yang:etsi-qkd-node'/>", "missing-attribute"),
        ("/southbound/v1/agents?restconf_url=gopher://x", "<qkd_node xmlns='urn:etsi:qkd:yang:etsi-qkd-node'/>", "not an http or https URL"),
        (
            "/southbound/v1/agents?restconf_url=http://x", "<qkd_node xmlns='urn:etsi:qkd:yang:etsi-qkd-node'><qkdn_id>x</qkdn_id></qkd_node>",
            "/etsi-qkd-sdn-node:qkd_node/qkdn_id"
        ),
        ("/southbound/v1/agents?restconf_url=http://x", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><qkd_node/>", "DOCTYPE"),
        ("/southbound/v1/agents?restconf_url=http://x", "{\"json\": true}", "not well-formed"),
        ("/southbound/v1/notifications?qkdn_id=aaaaaaaa-0000-4000-8000-00000000000a", "<notification/>", "not notification"),
    ])
    func badRegistrationsGetAnRFC8040Error(_ uri: String, _ body: String, _ expected: String) async throws {
        try await withController { call, inventory in
            let before = try await inventory.topology()
            let response = try await call(.post, uri, body)
            #expect(response.status == .badRequest && response.contentType == "application/yang-data+xml", "\(response.text)")
            let errors = try #require(response.errors, "\(response.text)")
            #expect(errors.entries.contains { "\($0.tag) \($0.path ?? "") \($0.message)".contains(expected) }, "\(response.text)")
            let after = try await inventory.topology()
            #expect(after.nodes.map(\.value) == before.nodes.map(\.value) && after.links.map(\.value) == before.links.map(\.value))
        }
    }
}

@Suite struct AgentNotificationIngestTests {
    @Test func notificationsChangeTheInventoryAtOnce() async throws {
        try await withController { call, inventory in
            _ = try await register(call, ETSINode(id: nodeA, status: .operating))
            #expect(try await notify(call, .linkDown(link: linkAB, reason: "fiber cut")).status == .noContent)
            #expect(try await inventory.link("ab").value.current.status == .down)
            #expect(try await notify(call, .event(.init(link: .init(id: linkAB, status: .active)))).status == .noContent)
            #expect(try await inventory.link("ab").value.current.status == .up)
            _ = try await notify(
                call,
                .linkPerformance(link: linkAB, .init(secretKeyRateBps: 3_300, physical: [.init(type: .qber, value: ETSIDecimal(thousandths: 45))])))
            let link = try await inventory.link("ab").value
            #expect(link.current.keyRateBps == 3_300 && link.current.qber == 0.045)
            _ = try await notify(call, .keyPool(link: linkAB, levelBits: 1 << 40))
            let pools = try await inventory.agents().first?.keyPools
            #expect(pools?.map(\.bits) == [1 << 40] && pools?.first?.linkID.rawValue == "ab")
            _ = try await notify(call, .nodeStatus(.failure))
            #expect(try await inventory.node("a").value.current == .down)
            // Notifications the inventory holds nothing of yet are accepted all the same.
            #expect(try await notify(call, .interfaceDown(interface: 1, reason: "laser")).status == .noContent)
        }
    }

    @Test func aBatchOfNotificationsIsAppliedInOneRequest() async throws {
        try await withController { call, inventory in
            _ = try await register(call, ETSINode(id: nodeA, status: .operating))
            let batch = [AgentEvent.heartbeat(node: nodeA), .linkDown(link: linkAB, reason: nil), .keyPool(link: linkAB, levelBits: 77)]
                .map { AgentNotification(eventTime: "2026-11-25T12:00:00Z", event: $0) }
            let response = try await call(.post, "/southbound/v1/notifications", AgentNotification.encodedBatch(batch))
            #expect(response.status == .noContent, "the heartbeat names the sender: \(response.text)")
            #expect(try await inventory.link("ab").value.current.status == .down)
            #expect(try await inventory.agents().first?.keyPools.map(\.bits) == [77])
            let mixed = [AgentEvent.heartbeat(node: nodeA), .heartbeat(node: nodeB)].map {
                AgentNotification(eventTime: "2026-11-25T12:00:00Z", event: $0)
            }
            #expect(try await call(.post, "/southbound/v1/notifications", AgentNotification.encodedBatch(mixed)).status == .badRequest)
        }
    }

    @Test func refusedNotificationsSayWhy() async throws {
        try await withController { call, _ in
            let early = try await notify(call, .linkDown(link: linkAB, reason: nil))
            #expect(early.status == .notFound && early.errors?.entries.first?.message.contains("has not registered") == true, "\(early.text)")
            _ = try await register(call, ETSINode(id: nodeA))
            // Without qkdn_id, the credential names the sender.
            #expect(try await notify(call, .linkDown(link: linkAB, reason: nil), from: nil).status == .noContent)
            let foreign = try await notify(call, .linkDown(link: QKDUUID("cccccccc-0000-4000-8000-0000000000cc")!, reason: nil))
            #expect(foreign.status == .badRequest && foreign.errors?.entries.first?.message.contains("has no link") == true, "\(foreign.text)")
            let unnamed = try await notify(call, .linkDown(link: nil, reason: "?"))
            #expect(unnamed.status == .badRequest && unnamed.errors?.entries.first?.message.contains("must name its link") == true)
            let impostor = try await notify(call, .heartbeat(node: nodeA), from: nodeB)
            #expect(impostor.status == .badRequest, "a heartbeat for one node sent as another")
        }
    }

    @Test func aSilentAgentMakesItsNodeUnreachableUntilItReportsAgain() async throws {
        try await withController { call, inventory in
            // Times are given, not read from the clock as the test goes: a busy test machine may pause it for seconds.
            let before = Date()
            _ = try await register(call, ETSINode(id: nodeA, status: .operating))
            #expect(try await inventory.markSilentAgentsUnreachable(missedIntervals: 3, now: before).isEmpty, "just registered")
            let later = Date().addingTimeInterval(3.5)
            #expect(try await inventory.markSilentAgentsUnreachable(missedIntervals: 3, now: later).map(\.rawValue) == ["a"])
            #expect(try await inventory.node("a").value.current == .unreachable)
            let agents = try await call(.get, "/api/v1/agents", nil)
            #expect((agents.json["items"] as? [[String: Any]])?.first?["state"] as? String == "unreachable")
            #expect(try await notify(call, .heartbeat(node: nodeA), from: nil).status == .noContent)
            #expect(try await inventory.node("a").value.current == .up, "back to what the agent last reported")
        }
    }

    /// The planner's file states the plan; what agents say of their nodes stays in force through re-imports.
    @Test func reimportingThePlannersFileKeepsWhatAgentsSayOfTheirNodes() async throws {
        try await withController { call, inventory in
            let file = """
                <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network"><network><network-id>n</network-id>
                <node><node-id>a</node-id><qkd-node xmlns="urn:qonduit:params:xml:ns:yang:qonduit-qkd-topology"><status>up</status></qkd-node></node>
                <node><node-id>b</node-id><qkd-node xmlns="urn:qonduit:params:xml:ns:yang:qonduit-qkd-topology"><status>up</status></qkd-node></node>
                </network></networks>
                """
            let first = try await call(.post, "/api/v1/topology/import", file)
            #expect(first.status == .ok, "\(first.text)")
            _ = try await register(call, ETSINode(id: nodeA, status: .operating))
            _ = try await register(call, ETSINode(id: nodeB), url: "http://127.0.0.1:9002/restconf")
            #expect(try await inventory.markSilentAgentsUnreachable(missedIntervals: 3, now: Date().addingTimeInterval(60)).count == 2)
            for mode in ["merge", "replace"] {
                let again = try await call(.post, "/api/v1/topology/import?mode=\(mode)", file)
                #expect(again.status == .ok, "\(again.text)")
                let counts = again.json["nodes"] as? [String: Any]
                #expect(counts?["unchanged"] as? Int == 2 && counts?["updated"] as? Int == 0, "\(mode): \(again.text)")
                let a = try await call(.get, "/api/v1/nodes/a", nil).json
                #expect(a["status"] as? String == "unreachable" && a["admin_status"] as? String == "up", "\(a)")
                #expect(a["measured_status"] as? String == "unreachable")
            }
            // Back, b's tree states no status: the planner's stays in force, not `unknown`.
            #expect(try await notify(call, .heartbeat(node: nodeB), from: nodeB).status == .noContent)
            let b = try await call(.get, "/api/v1/nodes/b", nil).json
            #expect(b["status"] as? String == "up" && b["measured_status"] is NSNull, "\(b)")
            // An operator's down stands over the agent's up, and lifting it gives the agent's back.
            #expect(try await notify(call, .heartbeat(node: nodeA), from: nodeA).status == .noContent)
            #expect(try await call(.patch, "/api/v1/nodes/a", #"{"status":"down"}"#).json["status"] as? String == "down")
            let up = try await call(.patch, "/api/v1/nodes/a", #"{"status":"up"}"#).json
            #expect(up["status"] as? String == "up" && up["measured_status"] as? String == "up", "\(up)")
            // Without its agent, a node shows the plan alone.
            #expect(try await call(.delete, "/api/v1/agents/a", nil).status == .noContent)
            let alone = try await call(.get, "/api/v1/nodes/a", nil).json
            #expect(alone["status"] as? String == "up" && alone["measured_status"] is NSNull, "\(alone)")
        }
    }
}

@Suite struct AgentAuthenticationTests {
    @Test func anAgentWithoutAValidCredentialIsRefusedAndTheRefusalAudited() async throws {
        try await withController { call, inventory in
            let tree = ETSINode(id: nodeA, status: .operating).encoded()
            let uri = "/southbound/v1/agents?restconf_url=\(agentURL)"
            let bare = try await call.presenting(nil, .post, uri, tree)
            #expect(bare.status == .unauthorized && bare.errors?.entries.first?.tag == "access-denied", "\(bare.text)")
            let forged = try await call.presenting("qda_" + String(repeating: "0", count: 64), .post, uri, tree)
            #expect(forged.status == .unauthorized, "\(forged.text)")
            let operatorToken = try await inventory.createAPIToken(role: .admin, description: nil, expiresAt: nil, createdBy: nil).1.text
            #expect(try await call.presenting(operatorToken, .post, uri, tree).status == .unauthorized, "an API token is no agent credential")
            #expect(try await inventory.agents().isEmpty, "nothing registered")
            let refusals = try await inventory.audit(.init(outcome: .refused), limit: 10, offset: 0)
            #expect(refusals.total == 3 && refusals.items.allSatisfy { $0.actor == "anonymous" && $0.action == "POST /southbound/v1/agents" })
        }
    }

    @Test func anAgentMaySpeakOnlyForItsOwnNode() async throws {
        try await withController { call, inventory in
            let pretender = try await call(
                .post, "/southbound/v1/agents?restconf_url=\(agentURL)", ETSINode(id: nodeA, status: .operating).encoded(), as: nodeB)
            #expect(pretender.status == .forbidden && pretender.errors?.entries.first?.message.contains("its own node") == true, "\(pretender.text)")
            #expect(try await register(call, ETSINode(id: nodeA, status: .operating)).status == .ok)
            #expect(try await register(call, ETSINode(id: nodeB, status: .operating)).status == .ok)
            // B's credential reporting A's link down, by qkdn_id and by heartbeat.
            let down = AgentNotification(eventTime: "2026-11-25T12:00:00Z", event: .linkDown(link: linkAB, reason: nil)).encoded()
            #expect(try await call(.post, "/southbound/v1/notifications?qkdn_id=\(nodeA.text)", down, as: nodeB).status == .forbidden)
            let batch = AgentNotification.encodedBatch(
                [AgentEvent.heartbeat(node: nodeA), .linkDown(link: linkAB, reason: nil)]
                    .map { AgentNotification(eventTime: "2026-11-25T12:00:00Z", event: $0) })
            #expect(try await call(.post, "/southbound/v1/notifications", batch, as: nodeB).status == .forbidden)
            #expect(try await inventory.link("ab").value.current.status == .up, "nothing applied")
            let refused = try await inventory.audit(.init(outcome: .refused), limit: 10, offset: 0).items
            #expect(refused.count == 3 && refused.allSatisfy { $0.actor.hasPrefix("agent:") && $0.detail == "node \(nodeB)" }, "\(refused)")
            let registrations = try await inventory.audit(.init(outcome: .success, actionPrefix: "POST /southbound/v1/agents"), limit: 10, offset: 0)
            #expect(registrations.total == 2)
        }
    }

    @Test func issuingANewCredentialDoesNotCutOffTheAgentThatHoldsTheOldOne() async throws {
        try await withController { call, inventory in
            #expect(try await register(call, ETSINode(id: nodeA, status: .operating)).status == .ok)
            let old = try #require(call.credentials[nodeA])
            let oldProof = AccessSecret(old, kind: .agentCredential)?.controllerProof
            #expect(try await inventory.controllerProof(forAgentAt: agentURL) == oldProof)
            func agent() async throws -> [String: Any] {
                try #require(
                    (try await call(.get, "/api/v1/agents", nil).json["items"] as? [[String: Any]])?.first { $0["node_id"] as? String == "a" })
            }
            #expect(try await agent()["credential_rotation_pending"] as? Bool == false)

            // A rotation: the agent has not been given the new credential yet and still reports with the old one.
            let fresh = try await call(.post, "/api/v1/agents/credentials", #"{"node":"a"}"#)
            let secret = try #require(fresh.json["credential"] as? String)
            #expect(try await notify(call, .heartbeat(node: nodeA)).status == .noContent)
            #expect(try await inventory.controllerProof(forAgentAt: agentURL) == oldProof, "the controller proves what the agent holds")
            #expect(try await agent()["credential_rotation_pending"] as? Bool == true)

            // The agent takes the new credential up: the controller follows.
            let report = AgentNotification(eventTime: "2026-11-25T12:00:00Z", event: .heartbeat(node: nodeA)).encoded()
            #expect(try await call.presenting(secret, .post, "/southbound/v1/notifications?qkdn_id=\(nodeA.text)", report).status == .noContent)
            #expect(try await inventory.controllerProof(forAgentAt: agentURL) == AccessSecret(secret, kind: .agentCredential)?.controllerProof)
            let after = try await agent()
            #expect(after["credential_rotation_pending"] as? Bool == false && after["credential_id"] as? String == fresh.json["id"] as? String)
        }
    }

    @Test func revokingTheCredentialInUseMovesTheControllerToTheNewest() async throws {
        try await withController { call, inventory in
            #expect(try await register(call, ETSINode(id: nodeA, status: .operating)).status == .ok)
            let fresh = try await call(.post, "/api/v1/agents/credentials", #"{"node":"a"}"#)
            let secret = try #require(fresh.json["credential"] as? String)
            let inUse = try #require(try await inventory.agentCredentials(for: nodeA).first { $0.id != fresh.json["id"] as? String })
            _ = try await call(.delete, "/api/v1/agents/credentials/\(inUse.id)", nil)
            #expect(try await inventory.controllerProof(forAgentAt: agentURL) == AccessSecret(secret, kind: .agentCredential)?.controllerProof)
        }
    }

    @Test func aRevokedCredentialIsRefused() async throws {
        try await withController { call, inventory in
            let credential = try #require(try await inventory.agentCredentials(for: nodeA).first)
            _ = try await call(.delete, "/api/v1/agents/credentials/\(credential.id)", nil)
            #expect(try await inventory.agentCredentials(for: nodeA).first?.revokedAt != nil)
            #expect(try await register(call, ETSINode(id: nodeA, status: .operating)).status == .unauthorized)
            let fresh = try await call(.post, "/api/v1/agents/credentials", #"{"node":"a"}"#)
            #expect(fresh.status == .created, "\(fresh.text)")
            let secret = try #require(fresh.json["credential"] as? String)
            #expect(
                try await call.presenting(secret, .post, "/southbound/v1/agents?restconf_url=\(agentURL)", ETSINode(id: nodeA).encoded()).status
                    == .ok)
            let newest = try await inventory.controllerProof(forAgentAt: agentURL)
            #expect(newest == AccessSecret(secret, kind: .agentCredential)?.controllerProof, "the controller proves the newest credential")
            // Revoked after use (so known to be checked already): refused at once.
            let freshID = try #require(fresh.json["id"] as? String)
            _ = try await call(.delete, "/api/v1/agents/credentials/\(freshID)", nil)
            #expect(
                try await call.presenting(secret, .post, "/southbound/v1/agents?restconf_url=\(agentURL)", ETSINode(id: nodeA).encoded()).status
                    == .unauthorized)
            let proof = try await inventory.controllerProof(forAgentAt: agentURL)
            #expect(proof == nil, "no valid credential left for the node: the controller has no proof to present")
        }
    }
}
