import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitControllerTestSupport
import QonduitCore
import QonduitETSI
import QonduitStorage
import QonduitTestSupport
import QonduitXML
import Synchronization
import Testing

/// The controller and a fleet of simulated agents, in this process, over loopback HTTP.
@Suite(.serialized) struct AgentEndToEndTests {
    func get(_ url: String, accept: String? = nil) async throws -> (status: Int, text: String) {
        var request = await HTTPClientRequest.authenticated(url: url)
        if let accept { request.headers.add(name: "Accept", value: accept) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    func post(_ url: String) async throws -> Int {
        var request = await HTTPClientRequest.authenticated(url: url)
        request.method = .POST
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status.code)
    }

    func put(_ url: String, _ body: String) async throws -> Int {
        var request = await HTTPClientRequest.authenticated(url: url)
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "application/yang-data+xml")
        request.body = .bytes(ByteBuffer(string: body))
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status.code)
    }

    func json(_ text: String) -> [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:] }

    /// Takes `link` down at `node`'s agent and up again, each time until the inventory shows it.
    func takeDownAndUp(link: String, at node: String, controller: InProcessController, fleet: InProcessAgentFleet) async throws {
        let qkdl = try #require(json(try await get("\(controller.baseURL)/api/v1/links/\(link)").text)["qkdl_id"] as? String)
        for status in ["down", "up"] {
            #expect(try await post("\(fleet.faults(node))/links/\(qkdl)/\(status)") == 204)
            #expect(try await eventually { json(try await get("\(controller.baseURL)/api/v1/links/\(link)").text)["status"] as? String == status })
        }
    }

    @Test func agentsRegisterReportAndFaultsReachTheInventory() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        // 2 s of silence marks an agent unreachable: short enough to test, long enough that a loaded CI
        // machine (the API fuzzer runs alongside) does not take a slow heartbeat for a lost agent.
        let controller = try await InProcessController.start(topology: metro, heartbeatIntervalMs: 200, missedHeartbeats: 10)
        defer { controller.terminate() }
        let fleet = try await InProcessAgentFleet.start(for: controller, reportEvery: 1)
        defer { fleet.terminate() }

        // Every agent registers and is heard from (generously: the suite runs many processes at once on two cores).
        let seen = Mutex<String>("")
        #expect(
            try await eventually(60) {
                let agents = json(try await get("\(controller.baseURL)/api/v1/agents").text)["items"] as? [[String: Any]] ?? []
                seen.withLock {
                    $0 = agents.map { "\($0["node_id"] ?? "?"): \($0["state"] ?? "?"), \(($0["key_pools"] as? [Any])?.count ?? -1) pools" }.joined(
                        separator: "; ")
                }
                return agents.count == 6 && agents.allSatisfy { $0["state"] as? String == "reachable" && !($0["key_pools"] as? [Any] ?? []).isEmpty }
            }, "agents: \(seen.withLock { $0 })")
        // Each agent serves its node's tree over RESTCONF; the controller keeps the registered copy. Both are valid GS QKD 015 data.
        let tree = try await get("\(fleet.agents["mad-norte"]!)/data/etsi-qkd-sdn-node:qkd_node", accept: "application/yang-data+xml")
        #expect(tree.status == 200 && tree.text.contains("qkdl_type>etsi-qkdn-types:PHYS"))
        #expect(try await YANGValidator.etsiProblems(tree.text).isEmpty)
        let kept = try await get("\(controller.baseURL)/api/v1/nodes/mad-norte/etsi")
        let keptProblems = try await YANGValidator.etsiProblems(kept.text)
        #expect(kept.status == 200 && keptProblems.isEmpty)

        // A link taken down at its agent goes down in the inventory, and comes back.
        try await takeDownAndUp(link: "mad-L1", at: "mad-norte", controller: controller, fleet: fleet)

        // Heartbeats stop: the node becomes unreachable; they resume: it is up again, and the
        // controller reads the agent's tree again (here a virtual link configured meanwhile).
        #expect(try await post("\(fleet.faults("mad-upm"))/heartbeats/stop") == 204)
        #expect(try await eventually { json(try await get("\(controller.baseURL)/api/v1/nodes/mad-upm").text)["status"] as? String == "unreachable" })
        let upm = try #require(json(try await get("\(controller.baseURL)/api/v1/nodes/mad-upm").text)["qkdn_id"] as? String)
        let relay = "7e1a0000-0000-4000-8000-000000000001"
        let virtualLink = """
            <qkd_link xmlns="urn:etsi:qkd:yang:etsi-qkd-node" xmlns:t="urn:etsi:qkd:yang:etsi-qkd-node-types"><qkdl_id>\(relay)</qkdl_id>\
            <qkdl_local><qkdn_id>\(upm)</qkdn_id></qkdl_local><qkdl_type>t:VIRT</qkdl_type><virt_bandwidth>100</virt_bandwidth></qkd_link>
            """
        #expect(try await put("\(fleet.agents["mad-upm"]!)/data/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link=\(relay)", virtualLink) == 201)
        #expect(try await post("\(fleet.faults("mad-upm"))/heartbeats/start") == 204)
        #expect(try await eventually { json(try await get("\(controller.baseURL)/api/v1/nodes/mad-upm").text)["status"] as? String == "up" })
        #expect(try await eventually { try await get("\(controller.baseURL)/api/v1/nodes/mad-upm/etsi").text.contains(relay) })
    }

    @Test func aQBERFaultAtOneEndReachesTheInventoryAtOnceAndStays() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(topology: metro, heartbeatIntervalMs: 200, missedHeartbeats: 10)
        defer { controller.terminate() }
        // Periodic figures every 1,000 heartbeats (200 s): only a fault reported at once is seen within the test's wait.
        let fleet = try await InProcessAgentFleet.start(for: controller, nodes: ["mad-norte", "mad-upm"], reportEvery: 1000)
        defer { fleet.terminate() }
        let url = "\(controller.baseURL)/api/v1/links/mad-L1"
        let link = json(try await get(url).text)
        let qkdl = try #require(link["qkdl_id"] as? String)
        let end = try #require([link["node_a"], link["node_b"]].compactMap { $0 as? String }.first { fleet.agents[$0] != nil })
        #expect(
            try await eventually(60) {
                let agents = json(try await get("\(controller.baseURL)/api/v1/agents").text)["items"] as? [[String: Any]] ?? []
                return agents.count == 2
            })
        #expect(try await post("\(fleet.faults(end))/links/\(qkdl)/qber?value=0.3") == 204)
        #expect(try await eventually { json(try await get(url).text)["measured_qber"] as? Double == 0.3 }, "at once, not at the next periodic report")
        #expect(json(try await get(url).text)["qber"] as? Double == 0.3, "the QBER in force is the worse end's")
    }

    /// Every document that crosses the southbound between agents and controller (registrations, the
    /// controller's answers, notifications of every kind the agents send) validates against `Models/`.
    @Test func everyDocumentAgentsAndControllerExchangeValidates() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(topology: metro, heartbeatIntervalMs: 200, missedHeartbeats: 10)
        defer { controller.terminate() }
        let proxy = RecordingProxy(upstream: controller.baseURL, recording: "/southbound/")
        try await proxy.run { proxied in
            let fleet = try await InProcessAgentFleet.start(for: controller, at: proxied, nodes: ["mad-norte", "mad-upm"], reportEvery: 1)
            defer { fleet.terminate() }
            try await takeDownAndUp(link: "mad-L1", at: "mad-norte", controller: controller, fleet: fleet)
        }

        let exchanges = proxy.recorded
        let registrations = exchanges.filter { $0.path == "/southbound/v1/agents" }
        #expect(registrations.count == 2)
        for registration in registrations {
            #expect(try await YANGValidator.etsiProblems(registration.request).isEmpty, "the tree an agent registers with")
            // A document of its own: validated against the agent module alone, so that qkd_node's mandatory leaves do not apply.
            let answerProblems = try await YANGValidator.etsiProblems(registration.response, only: ["qonduit-qkd-agent.yang"])
            #expect(answerProblems.isEmpty, "the controller's registration answer: \(answerProblems)")
        }
        // Notifications arrive alone or in qonduit-qkd-agent:notifications batches (a transport
        // wrapper, not YANG data): each RFC 5277 envelope is validated on its own, a few of each kind.
        var byKind: [String: [String]] = [:]
        for exchange in exchanges where exchange.path == "/southbound/v1/notifications" {
            #expect(exchange.response.isEmpty || !exchange.response.contains("<errors"), "\(exchange.response)")
            for envelope in try Self.envelopes(of: exchange.request) {
                let kind = envelope.children.first { $0.namespaceURI != ETSINamespace.netconfNotification }?.localName ?? "?"
                byKind[kind, default: []].append(XMLDocumentWriter.serialize(envelope, namespaces: Self.notificationNamespaces))
            }
        }
        #expect(Set(byKind.keys).isSuperset(of: ["heartbeat", "key-pool", "sdqkdn_link_perf_update", "sdqkdn_link_down"]), "\(byKind.keys.sorted())")
        for (kind, documents) in byKind {
            for document in documents.prefix(2) {
                let problems = try await YANGValidator.etsiProblems(document, kind: .netconfNotification)
                #expect(problems.isEmpty, "\(kind): \(problems)\n\(document)")
            }
        }
    }

    /// The RFC 5277 envelopes in a notification request: the document itself, or a batch's children.
    static func envelopes(of document: String) throws -> [XMLElement] {
        let root = try XMLDocumentParser.parse(document)
        return root.localName == "notifications" && root.namespaceURI == ETSINamespace.agent ? root.children : [root]
    }

    /// The prefixes the codec writes identityref values with, declared again on each envelope taken out of a batch.
    static let notificationNamespaces: [XMLDocumentWriter.Namespace] = [
        .init(prefix: nil, uri: ETSINamespace.netconfNotification), .init(prefix: "etsi-qkdn", uri: ETSINamespace.node),
        .init(prefix: "qagent", uri: ETSINamespace.agent), .init(prefix: ETSINamespace.typesPrefix, uri: ETSINamespace.types),
    ]

    @Test func theSimulatorExplainsBadRequests() async throws {
        #expect(try await QonduitBinary.run(["agents", "simulate", "--report-every", "0"]).status != 0)
        let away = try await QonduitBinary.run(["agents", "simulate", "--controller", "http://127.0.0.1:1"])
        #expect(away.status != 0 && away.stderr.contains("cannot reach the controller"), "\(away.stderr)")
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await ControllerProcess.start(extraArguments: ["--topology", metro.path])
        defer { controller.terminate() }
        let unknown = try await QonduitBinary.run(["agents", "simulate", "--controller", controller.baseURL, "--node", "nowhere"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no node 'nowhere'"), "\(unknown.stderr)")
    }

    /// The controller refusing one agent (its node deleted) retires that agent alone; a run refused
    /// for every agent ends with one line and a failure; every run revokes the credentials it issued.
    @Test func aRefusedAgentRetiresAloneAndEveryRunRevokesItsCredentials() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(topology: metro, heartbeatIntervalMs: 200, missedHeartbeats: 10)
        defer { controller.terminate() }
        let api = "\(controller.baseURL)/api/v1"
        func agents() async throws -> [[String: Any]] { json(try await get("\(api)/agents").text)["items"] as? [[String: Any]] ?? [] }
        func liveCredentials() async throws -> Int {
            let items = json(try await get("\(api)/agents/credentials").text)["items"] as? [[String: Any]] ?? []
            return items.filter { $0["revoked_at"] is NSNull || $0["revoked_at"] == nil }.count
        }
        let three = ["--node", "mad-norte", "--node", "mad-upm", "--node", "mad-almagro"]
        let fleet = try await AgentFleetProcess.start(controller: controller.baseURL, count: 3, extraArguments: three)
        defer { fleet.terminate() }
        #expect(try await eventually(30) { try await agents().filter { $0["state"] as? String == "reachable" }.count == 3 })
        #expect(try await liveCredentials() == 3)
        // Deleting a node makes its agent re-register and be refused (404): it retires, the others go on.
        #expect(try await HTTPClientRequest.exchange(.DELETE, "\(api)/nodes/mad-almagro?cascade=true", json: nil).status == 204)
        try await Task.sleep(for: .seconds(1))
        #expect(fleet.process.isRunning, "one agent's refusal does not stop the fleet")
        let before = try await agents().compactMap { $0["last_heartbeat_at"] as? String }
        #expect(
            try await eventually(10) {
                let now = try await agents()
                return now.count == 2 && now.allSatisfy { $0["state"] as? String == "reachable" }
                    && now.compactMap { $0["last_heartbeat_at"] as? String } != before
            }, "the other two keep reporting")
        fleet.terminate()
        #expect(try await eventually(15) { !fleet.process.isRunning })
        #expect(fleet.process.terminationStatus == 0)
        #expect(try await liveCredentials() == 0, "the run revoked the credentials it issued")

        // A run whose every agent is refused: here, its node is already managed as an onboarded device.
        let devices = try await InProcessAgentFleet.startStandard(for: controller, nodes: ["mad-concepcion"])
        defer { devices.terminate() }
        let origin = String(devices.agents["mad-concepcion"]!.dropLast("/restconf".count))
        let onboarded = try await HTTPClientRequest.exchange(
            .POST, "\(api)/agents", json: #"{"node":"mad-concepcion","restconf_url":"\#(origin)"}"#)
        #expect(onboarded.status == 201, "\(onboarded.text)")
        let refused = try await QonduitBinary.run(
            ["agents", "simulate", "--controller", controller.baseURL, "--node", "mad-concepcion", "--log-level", "critical"])
        #expect(refused.status != 0 && refused.stderr.contains("the controller refused all 1 agent(s)"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "one line: \(refused.stderr)")
        #expect(try await liveCredentials() == 0)

        // Agents go by name, many at once, or all of them.
        let named = try await QonduitBinary.run(["agents", "remove", "--node", "mad-norte", "--node", "mad-upm", "--server", controller.baseURL])
        #expect(named.status == 0 && named.stdout.contains("removed the agent of node mad-upm"), "\(named.stdout)\(named.stderr)")
        #expect(try await agents().count == 1)
        let all = try await QonduitBinary.run(["agents", "remove", "--all", "--server", controller.baseURL])
        #expect(all.status == 0 && all.stdout.contains("1 agent(s) removed"), "\(all.stdout)\(all.stderr)")
        #expect(try await agents().isEmpty)
    }

    @Test func anAgentThatRestartsGetsItsConfigurationBack() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(
            topology: metro, heartbeatIntervalMs: 200, missedHeartbeats: 10, reconcileIntervalMs: 200
        )
        defer { controller.terminate() }
        let fleet = try await InProcessAgentFleet.start(for: controller, nodes: ["mad-norte"])
        defer { fleet.terminate() }
        let agentTree = "\(fleet.agents["mad-norte"]!)/data/etsi-qkd-sdn-node:qkd_node"

        // What the node should be configured with, written into the controller's inventory (as provisioning will).
        let inventory = controller.inventory
        let norte = try #require(try await inventory.node("mad-norte").value.qkdnID)
        let relay = ETSILink(
            id: QKDUUID("7e1a0000-0000-4000-8000-0000000000aa")!, local: .init(nodeID: norte), type: .virtual,
            virtualNextHops: [QKDUUID("7e1a0000-0000-4000-8000-0000000000bb")!], virtualBandwidthBps: 800)
        try await inventory.setDesiredLink(node: try NodeID("mad-norte"), qkdlID: relay.id, entry: relay.encodedEntry())
        #expect(try await eventually { try await get(agentTree).text.contains(relay.id.text) }, "the reconciler pushes it")

        // The agent crashes (its RESTCONF server answers 503), then restarts without its configuration.
        #expect(try await post("\(fleet.faults("mad-norte"))/crash") == 204)
        #expect(try await get(agentTree).status == 503)
        #expect(try await post("\(fleet.faults("mad-norte"))/restart") == 204)
        #expect(try await eventually { try await get(agentTree).text.contains(relay.id.text) }, "and puts it back after the restart")
        let pushed = try ETSINode.decode(Array(try await get(agentTree, accept: "application/yang-data+xml").text.utf8))
        #expect(pushed.links.first { $0.id == relay.id }?.virtualBandwidthBps == 800)
        #expect(try await YANGValidator.etsiProblems(try await get(agentTree).text).isEmpty, "the JSON a client without Accept gets is valid too")
        let agents = json(try await get("\(controller.baseURL)/api/v1/agents").text)["items"] as? [[String: Any]] ?? []
        #expect(agents.first?["reconcile_error"] is NSNull && agents.first?["reconciled_at"] is String, "\(agents)")
    }

    @Test(arguments: [
        (["serve", "--heartbeat-interval-ms", "0"], "--heartbeat-interval-ms"),
        (["serve", "--missed-heartbeats", "0"], "--missed-heartbeats"),
        (["serve", "--reconcile-interval-ms", "5"], "--reconcile-interval-ms"),
        (["serve", "--qber-threshold", "0"], "--qber-threshold"),
        (["paths", "provision", "a", "b", "--rate", "10", "--paths", "3"], "--paths"),
        (["paths", "provision", "a", "b", "--rate", "0"], "--rate"),
        (["paths", "provision", "a", "b", "--rate", "10", "--protection", "sometimes"], "--protection"),
        (["paths", "list", "--state", "lost"], "--state"),
        (["paths", "show", "not-a-uuid"], "'not-a-uuid' is not a key path id"),
        (["bench", "provision", "--concurrency", "0"], "--concurrency"),
        (["bench", "provision", "--warmup", "2000000"], "--warmup must be from 0 to 1000000"),
        (["bench", "reroute", "--paths", "0"], "--paths"),
        (["bench", "reroute", "--via", "pigeon"], "--via"),
        (["bench", "reroute", "--timeout", "-1"], "--timeout"),
        (["events", "--after", "-3"], "--after"),
        (["serve", "--event-retention", "0"], "--event-retention"),
        (["serve", "--audit-retention", "0"], "--audit-retention"),
        (["serve", "--session-hours", "0"], "--session-hours must be from 0.01 to 8760"),
        (["serve", "--tls-key", "/nonexistent.key"], "--tls-cert and --tls-key go together"),
        (["tokens", "create", "--role", "viewer", "--expires", "0d"], "--expires"),
        (["audit", "--outcome", "maybe"], "--outcome"),
        (["agents", "credential", "n", "--qkdn-id", "x"], "either a node id or --qkdn-id"),
        (["agents", "remove"], "name a node (or --node NODE, many times), or give --all"),
        (["agents", "simulate", "--json-members", "shouty"], "--json-members"),
        (["topology", "export", "--json"], "--json does not apply"),
        (["agents", "remove", "n", "--all"], "give nodes or --all, not both"),
        (["agents", "add", "n", "http://127.0.0.1:9", "--encoding", "yaml"], "--encoding must be auto, xml or json"),
        (["agents", "add", "n", "http://127.0.0.1:9", "--bearer-file", "f", "--username", "u", "--password-file", "p"], "not both"),
        (["agents", "add", "n", "http://127.0.0.1:9", "--username", "u"], "--username and --password-file go together"),
        (["agents", "add", "n", "http://127.0.0.1:9", "--poll-interval-ms", "5"], "--poll-interval-ms"),
        (["agents", "add", "n", "http://127.0.0.1:9", "--bearer-file", "/nonexistent"], "cannot read --bearer-file"),
        (["agents", "simulate", "--onboard"], "--onboard needs --standard"),
        (["agents", "simulate", "--standard", "--onboard", "--poll-interval-ms", "5"], "--poll-interval-ms must be from 100"),
        (["agents", "add", "n", "http://127.0.0.1:9", "--device-tls-ca", "/nonexistent"], "cannot read --device-tls-ca"),
        (["serve", "--device-bearer-file", "/nonexistent"], "cannot read --device-bearer-file"),
        (["bench", "codec", "--links", "0"], "--links"),
        (["bench", "codec", "--count", "0"], "--count"),
        (["bench", "codec", "--only", "xml_speed"], "--only"),
        (["bench", "ingest", "--agents", "0"], "--agents"),
        (["paths", "compute", "a", "b", "--disjoint", "both"], "--disjoint"),
        (["paths", "compute", "a", "b", "--widest", "--max-flow"], "--widest"),
    ])
    func badSouthboundAndBenchFlagsAreRefused(_ arguments: [String], _ named: String) async throws {
        let result = try await QonduitBinary.run(arguments)
        #expect(result.status != 0 && result.stderr.contains(named), "\(result.stderr)")
    }
}
