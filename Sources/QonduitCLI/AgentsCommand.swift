import ArgumentParser
import Foundation
import Logging
import QonduitAgent
import QonduitCore
import QonduitTopology

struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents", abstract: "Simulated GS QKD 015 node agents.", subcommands: [Simulate.self]
    )

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
                `agent NODE listening on URL`. Stops on Ctrl-C or SIGTERM.
                """
        )

        @Option(help: "Base URL of the controller.") var controller = "http://127.0.0.1:8080"
        @Option(help: "Simulate only the nodes of this topology file (matched by id); default: every node.") var topology: String?
        @Option(name: .customLong("node"), help: "Simulate only this node; may be repeated.") var nodes: [String] = []
        @Option(help: "Send link performance and key pools every this many heartbeats.") var reportEvery = 5
        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .notice

        func validate() throws {
            guard (1...10_000).contains(reportEvery) else { throw ValidationError("--report-every must be from 1 to 10000") }
        }

        func run() async throws {
            var logger = Logger(label: "qonduit-agents")
            logger.logLevel = logLevel
            let client = try ClientOptions.parse(["--server", controller]).controller()
            let inventory: TopologyJSON = try await client.send("GET", "/api/v1/topology")
            var wanted = Set(nodes)
            if let topology {
                wanted.formUnion(try TopologyFiles.read(topology, format: nil, fiberModel: .standard).topology.nodes.map(\.id.rawValue))
            }
            let members = try Self.fleet(inventory, only: wanted)
            guard !members.isEmpty else { throw CLIError("no node to simulate: the controller's inventory has none of those asked for") }
            try await AgentFleet.run(members, controller: ControllerLink(controllerURL: client.baseURL), reportEvery: reportEvery, logger: logger) { member, url in
                FileHandle.standardOutput.write(Data("agent \(member.nodeID) listening on \(url)\n".utf8))
            }
        }

        /// One fleet member per inventory node (or per wanted node), with its links' identities.
        static func fleet(_ inventory: TopologyJSON, only wanted: Set<String>) throws -> [FleetNode] {
            let identities = try Dictionary(uniqueKeysWithValues: inventory.nodes.map { node in
                guard let text = node.qkdn_id, let uuid = QKDUUID(text) else {
                    throw CLIError("node '\(node.id)' has no GS QKD 015 id in the controller's answer; is the controller up to date?")
                }
                return (node.id, uuid)
            })
            let missing = wanted.subtracting(identities.keys).sorted()
            guard missing.isEmpty else {
                throw CLIError("the controller's inventory has no node \(missing.map { "'\($0)'" }.joined(separator: ", ")); import the topology first")
            }
            return try inventory.nodes.filter { wanted.isEmpty || wanted.contains($0.id) }.map { node in
                let links = try inventory.links.filter { $0.node_a == node.id || $0.node_b == node.id }.map { link in
                    guard let text = link.qkdl_id, let uuid = QKDUUID(text) else { throw CLIError("link '\(link.id)' has no GS QKD 015 id") }
                    let remote = link.node_a == node.id ? link.node_b : link.node_a
                    return FleetNode.Link(qkdlID: uuid, remote: identities[remote]!, nominalRateBps: link.key_rate_bps, up: link.status == "up")
                }
                return FleetNode(nodeID: node.id, qkdnID: identities[node.id]!, links: links)
            }
        }
    }
}

struct TopologyJSON: Decodable {
    var nodes: [NodeJSON]
    var links: [LinkJSON]
}
