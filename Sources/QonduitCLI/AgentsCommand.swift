public import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOSSL
import QonduitAPITypes
public import QonduitAgent
import QonduitCore
import QonduitTopology

struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents", abstract: "Node agents: registered agents and devices onboarded by address, credentials, simulated agents.",
        subcommands: [List.self, Add.self, Remove.self, Simulate.self, Credential.self, Credentials.self, RevokeCredential.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the node agents: whether each is heard from, and what the reconciler found.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answers: [Answered<APIAgent>] = try await client.controller().fetchAll("/api/v1/agents")
            if client.json { return printJSON(answers) }
            let agents = answers.map(\.value)
            print(
                Table(
                    header: ["NODE", "KIND", "ENCODING", "STATE", "STREAM", "LAST REPORT", "DRIFT", "ERROR", "CREDENTIAL", "RESTCONF"],
                    rows: agents.map {
                        [
                            $0.nodeId, $0.kind.rawValue, $0.encoding.rawValue, $0.identityMismatch ? "identity mismatch" : $0.state.rawValue,
                            $0.streamState?.rawValue ?? "-",
                            APITime.text($0.lastHeartbeatAt), String($0.drift), $0.pollError ?? $0.reconcileError ?? "-",
                            $0.credentialRotationPending ? "rotation pending" : ($0.credentialId ?? "-"), $0.restconfUrl,
                        ]
                    }
                ).rendered)
            let reachable = agents.filter { $0.state == .reachable && !$0.identityMismatch }.count
            print("\(agents.count) agent\(agents.count == 1 ? "" : "s"), \(reachable) reachable")
        }
    }

    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one simulated node agent per node of the controller's inventory, in this process.",
            discussion: """
                Each agent serves its node's etsi-qkd-sdn-node tree over RESTCONF (XML) on its own loopback port, \
                registers with the controller, sends a heartbeat every interval the controller asks for, and reports \
                its physical links' secret key rate, QBER and key pool every --report-every heartbeats. Faults are \
                injected per agent: POST /agent/v1/links/QKDL_ID/down (or /up, /qber?value=0.2), /agent/v1/heartbeats/stop \
                (or /start), /agent/v1/delay?ms=N, /agent/v1/crash (the agent goes silent and its RESTCONF server answers 503) and \
                /agent/v1/restart (it comes back without its configuration and registers again). Each agent prints \
                `agent NODE listening on URL`. Stops on Ctrl-C or SIGTERM. \
                With an admin token (as every command that talks to the controller finds one), it issues each agent \
                a credential of its own: the agent presents it to the controller and accepts configuration only \
                from the controller that proves it knows it. With --tls-cert and --tls-key the agents serve RESTCONF over \
                HTTPS and present that certificate to the controller; --tls-ca verifies the controller (and requires its \
                certificate on RESTCONF requests). \
                With --standard the agents are standard GS QKD 015 devices instead: they never register nor send \
                heartbeats; they answer /.well-known/host-meta, serve their tree in XML or JSON by Accept, list their \
                capabilities, and wait to be onboarded by address (qonduit agents add NODE URL, or --onboard, which \
                onboards each through the API with the admin token).
                """
        )

        @Option(help: "Base URL of the controller (default: $QONDUIT_SERVER, else http://127.0.0.1:8080).") var controller: String?
        @OptionGroup var access: TokenOptions
        @OptionGroup(title: "TLS")
        var tls: TLSOptions
        @Option(help: "Simulate only the nodes of this topology file (matched by id); default: every node.") var topology: String?
        @Option(name: .customLong("node"), help: "Simulate only this node; may be repeated.") var nodes: [String] = []
        @Option(help: "Send link performance and key pools every this many heartbeats.") var reportEvery = 5
        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .notice
        @Flag(help: "Simulate standard GS QKD 015 devices: no registration, no heartbeats; the controller onboards and polls them.")
        var standard = false
        @Flag(help: "With --standard: onboard each device through the controller's API (POST /api/v1/agents) once it listens.")
        var onboard = false
        @Option(help: "With --onboard: how often the controller polls each device, milliseconds.") var pollIntervalMs = 5_000
        @Option(
            help: """
                How the devices name the top-level member of their JSON answers: qualified (RFC 7951, etsi-qkd-sdn-node:qkd_node) \
                or unprefixed (qkd_node), as ETSI TeraFlowSDN's mock node answers and its driver reads.
                """)
        var jsonMembers = JSONMemberNames.qualified

        func validate() throws {
            guard (1...10_000).contains(reportEvery) else { throw ValidationError("--report-every must be from 1 to 10000") }
            if onboard && !standard { throw ValidationError("--onboard needs --standard: registered agents onboard themselves") }
            let range = DeviceOnboardingRequest.pollIntervalRange
            guard range.contains(pollIntervalMs) else {
                throw ValidationError("--poll-interval-ms must be from \(range.lowerBound) to \(range.upperBound)")
            }
        }

        func run() async throws {
            var logger = Logger(label: "qonduit-agents")
            logger.logLevel = logLevel
            let clientTLS = try tls.clientConfiguration()
            let client = try ControllerClient(server: controller, token: access.resolvedToken(), tls: clientTLS, flag: "--controller")
            let inventory: APITopology = try await client.send("GET", "/api/v1/topology")
            var wanted = Set(nodes)
            if let topology {
                wanted.formUnion(try TopologyFiles.read(topology, format: nil, fiberModel: .standard).topology.nodes.map(\.id.rawValue))
            }
            var members = try Self.fleet(inventory, only: wanted)
            guard !members.isEmpty else { throw CLIError("no node to simulate: the controller's inventory has none of those asked for") }
            // Each run issues its agents credentials and revokes them when it stops, however it stops:
            // runs leave no credentials behind that nothing holds.
            var issuedIDs: [String] = []
            do {
                for index in members.indices where !standard {
                    let issued: APICredential = try await client.send(
                        "POST", "/api/v1/agents/credentials", body: RequestText.json(["node": members[index].nodeID])
                    )
                    issuedIDs.append(issued.id)
                    guard let secret = issued.credential.flatMap({ AccessSecret($0, kind: .agentCredential) }) else {
                        throw CLIError("the controller issued no usable credential for node '\(members[index].nodeID)'")
                    }
                    members[index].credential = secret
                }
            } catch {
                await Self.revoke(issuedIDs, client)
                throw error
            }
            // One client for every agent's reports, lasting as long as the process. Real agents each have
            // their own connection; sharing HTTPClient's default 8 would queue a thousand agents' heartbeats
            // behind each other whenever the controller is slow to answer, until they went stale.
            var configuration = HTTPClient.Configuration(tlsConfiguration: clientTLS)
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = min(max(members.count, 8), 128)
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let link = standard ? nil : ControllerLink(controllerURL: client.baseURL, client: http)
            let (fleet, serverTLS, fleetLogger, onboard, reportEvery, jsonMembers) = (
                members, try tls.serverConfiguration(), logger, onboard, reportEvery, jsonMembers
            )
            // The client goes when the fleet does, however it ends: one dropped unshut is a crash in a debug build.
            do {
                try await runFleet(
                    fleet, link: link, serverTLS: serverTLS, jsonMembers: jsonMembers, logger: fleetLogger, onboard: onboard,
                    reportEvery: reportEvery, client: client)
            } catch {
                try? await http.shutdown()
                await Self.revoke(issuedIDs, client)
                throw error
            }
            try await http.shutdown()
            await Self.revoke(issuedIDs, client)
        }

        /// Revokes the credentials this run issued. The first failure (a controller already gone, say)
        /// ends the attempt, told on stderr: the rest would fail alike, each after a timeout.
        static func revoke(_ ids: [String], _ client: ControllerClient) async {
            for (index, id) in ids.enumerated() {
                do {
                    let _: NoContent = try await client.send("DELETE", "/api/v1/agents/credentials/\(RequestText.segment(id))")
                } catch {
                    printError(
                        "\(ids.count - index) agent credential(s) this run issued are not revoked (\(error)); `qonduit agents credentials` lists them"
                    )
                    return
                }
            }
        }

        private func runFleet(
            _ fleet: [FleetNode], link: ControllerLink?, serverTLS: TLSConfiguration?, jsonMembers: JSONMemberNames, logger fleetLogger: Logger,
            onboard: Bool, reportEvery: Int,
            client: ControllerClient
        ) async throws {
            let (onboarding, listening) = AsyncStream<(String, String)>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { listening.finish() }
                    try await AgentFleet.run(
                        fleet, controller: link, reportEvery: reportEvery, tls: serverTLS, jsonMembers: jsonMembers, logger: fleetLogger
                    ) { member, url in
                        FileHandle.standardOutput.write(Data("agent \(member.nodeID) listening on \(url)\n".utf8))
                        if onboard { listening.yield((member.nodeID, url)) }
                    }
                }
                group.addTask { [pollIntervalMs] in
                    for await (node, url) in onboarding {
                        // The device's origin: the controller finds its RESTCONF root through host-meta, as for any device.
                        let origin = String(url.dropLast("/restconf".count))
                        do {
                            let _: APIAgent = try await client.send(
                                "POST", "/api/v1/agents",
                                body: RequestText.json(["node": node, "restconf_url": origin, "poll_interval_ms": pollIntervalMs]))
                            FileHandle.standardOutput.write(Data("agent \(node) onboarded\n".utf8))
                        } catch {
                            printError("agent \(node) not onboarded: \(error)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }

        /// One fleet member per inventory node (or per wanted node), with its links' identities.
        static func fleet(_ inventory: APITopology, only wanted: Set<String>) throws -> [FleetNode] {
            let identities = try Dictionary(
                uniqueKeysWithValues: inventory.nodes.map { node in
                    guard let uuid = QKDUUID(node.qkdnId) else {
                        throw CLIError("node '\(node.id)' has no GS QKD 015 id in the controller's answer; is the controller up to date?")
                    }
                    return (node.id, uuid)
                })
            let missing = wanted.subtracting(identities.keys).sorted()
            guard missing.isEmpty else {
                throw CLIError(
                    "the controller's inventory has no node \(missing.map { "'\($0)'" }.joined(separator: ", ")); import the topology first")
            }
            return try inventory.nodes.filter { wanted.isEmpty || wanted.contains($0.id) }.map { node in
                let links = try inventory.links.filter { $0.nodeA == node.id || $0.nodeB == node.id }.map { link in
                    guard let uuid = QKDUUID(link.qkdlId) else { throw CLIError("link '\(link.id)' has no GS QKD 015 id") }
                    let remote = link.nodeA == node.id ? link.nodeB : link.nodeA
                    return FleetNode.Link(qkdlID: uuid, remote: identities[remote]!, nominalRateBps: link.keyRateBps, up: link.status == .up)
                }
                return FleetNode(nodeID: node.id, qkdnID: identities[node.id]!, links: links)
            }
        }
    }
}

extension AgentsCommand {
    struct Credential: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a credential for a node's agent (admin); it is printed once and not kept by the controller.",
            discussion: """
                The agent sends it as Authorization: Bearer CREDENTIAL when it registers and reports, and may speak \
                only for the node it is bound to. The controller authenticates itself to the agent with a proof \
                derived from the node's newest credential. For a node an agent will onboard (serve --auto-onboard), \
                give its GS QKD 015 id with --qkdn-id instead of a node id.
                """
        )
        @Argument(help: "The node whose agent gets the credential.") var node: String?
        @Option(help: "The GS QKD 015 id (UUID) of a node the inventory does not have yet.") var qkdnId: String?
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard (node == nil) != (qkdnId == nil) else { throw ValidationError("give either a node id or --qkdn-id") }
            if let qkdnId, QKDUUID(qkdnId) == nil { throw ValidationError("--qkdn-id must be a UUID, got '\(qkdnId)'") }
        }

        func run() async throws {
            let body = try RequestText.json(node.map { ["node": $0] } ?? ["qkdn_id": qkdnId ?? ""])
            let answer: Answered<APICredential> = try await client.controller().send("POST", "/api/v1/agents/credentials", body: body)
            if client.json { return printJSON(answer.json) }
            let issued = answer.value
            print(issued.credential ?? "")
            printError(
                "credential \(issued.id) for \(issued.node.map { "node \($0)" } ?? "qkdn_id \(issued.qkdnId)"); store it now, it cannot be shown again"
            )
        }
    }

    struct Credentials: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List agents' credentials (admin): ids and nodes, never the secrets.")
        @Option(help: "Only this node's.") var node: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let page: PageJSON<Answered<APICredential>> = try await client.controller().send(
                "GET", "/api/v1/agents/credentials", query: node.map { ["node": $0] } ?? [:]
            )
            if client.json { return printJSON(page.items) }
            let credentials = page.items.map(\.value)
            print(
                Table(
                    header: ["ID", "NODE", "QKDN ID", "CREATED", "CREATED BY", "REVOKED"],
                    rows: credentials.map {
                        [$0.id, $0.node ?? "-", $0.qkdnId, APITime.text($0.createdAt), $0.createdBy ?? "-", $0.revokedAt.map(APITime.text) ?? "-"]
                    }
                ).rendered)
            print("\(page.items.count) credential\(page.items.count == 1 ? "" : "s")")
        }
    }

    struct RevokeCredential: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an agent's credential (admin): the agent is refused from then on.")
        @Argument(help: "The credential's id (qonduit agents credentials lists them).") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let _: NoContent = try await client.controller().send("DELETE", "/api/v1/agents/credentials/\(RequestText.segment(id))")
            print("revoked credential \(id)")
        }
    }
}
extension JSONMemberNames: ExpressibleByArgument {}
