import ArgumentParser
import Foundation
import QonduitAPITypes

struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes", abstract: "Inspect the controller's QKD nodes.", subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every node as a table (or JSON).")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answers: [Answered<APINode>] = try await client.controller().fetchAll("/api/v1/nodes")
            if client.json { return printJSON(answers) }
            let nodes = answers.map(\.value)
            print(
                Table(
                    header: ["ID", "NAME", "TRUSTED", "STATUS", "LATITUDE", "LONGITUDE", "SITE"],
                    rows: nodes.map {
                        [
                            $0.id, $0.name, $0.trusted ? "yes" : "no", $0.status.rawValue,
                            $0.latitude.map { Format.number($0, digits: 4) } ?? "-",
                            $0.longitude.map { Format.number($0, digits: 4) } ?? "-", $0.site ?? "-",
                        ]
                    }
                ).rendered)
            print("\(nodes.count) node\(nodes.count == 1 ? "" : "s")")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one node: its fields, its agent and its links.")
        @Argument(help: "The node's id.") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let controller = try client.controller()
            let answer: Answered<APINode> = try await controller.send("GET", "/api/v1/nodes/\(RequestText.segment(id))")
            if client.json { return printJSON(answer.json) }
            let node = answer.value
            print("node \(node.id) (\(node.name)): \(node.status.rawValue), \(node.trusted ? "trusted relay" : "end node, not trusted to relay")")
            if let latitude = node.latitude, let longitude = node.longitude {
                print("  at \(Format.number(latitude, digits: 4)), \(Format.number(longitude, digits: 4))\(node.site.map { ", site \($0)" } ?? "")")
            }
            print("  qkdn_id \(node.qkdnId)")
            let agents: [APIAgent] = try await controller.fetchAll("/api/v1/agents")
            if let agent = agents.first(where: { $0.nodeId == node.id }) {
                print(
                    "  agent \(agent.state.rawValue) at \(agent.restconfUrl), last report \(APITime.text(agent.lastHeartbeatAt)), drift \(agent.drift)"
                        + (agent.reconcileError.map { ", reconcile error: \($0)" } ?? ""))
            } else {
                print("  no agent has registered")
            }
            let links: [APILink] = try await controller.fetchAll("/api/v1/links")
            for link in links where link.nodeA == node.id || link.nodeB == node.id {
                let other = link.nodeA == node.id ? link.nodeB : link.nodeA
                print("  link \(link.id) to \(other): \(link.status.rawValue), \(Format.number(link.keyRateBps, digits: 1)) bit/s")
            }
        }
    }
}

struct LinksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links", abstract: "Inspect the controller's QKD links, and set them up or down.", subcommands: [List.self, Show.self, Set.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every link as a table (or JSON).")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answers: [Answered<APILink>] = try await client.controller().fetchAll("/api/v1/links")
            if client.json { return printJSON(answers) }
            let links = answers.map(\.value)
            // The key rate, status and QBER in force; the planner's nominal rate beside them.
            let header = ["ID", "NODE A", "NODE B", "LENGTH KM", "KEY RATE BIT/S", "NOMINAL BIT/S", "RESERVED BIT/S", "STATUS", "QBER", "COST"]
            print(
                Table(
                    header: header,
                    rows: links.map {
                        [
                            $0.id, $0.nodeA, $0.nodeB, Format.number($0.lengthKm, digits: 1), Format.number($0.keyRateBps, digits: 1),
                            Format.number($0.nominalKeyRateBps, digits: 1), Format.number($0.reservedBps, digits: 1), $0.status.rawValue,
                            $0.qber.map { Format.number($0, digits: 4) } ?? "-", Format.number($0.cost, digits: 3),
                        ]
                    }
                ).rendered)
            print("\(links.count) link\(links.count == 1 ? "" : "s")")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one link: planned and measured values, and the key paths over it.")
        @Argument(help: "The link's id.") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let controller = try client.controller()
            let linkAnswer: Answered<APILink> = try await controller.send("GET", "/api/v1/links/\(RequestText.segment(id))")
            let link = linkAnswer.value
            let pathAnswers: [Answered<APIKeyPath>] = try await controller.fetchAll("/api/v1/key-paths", query: ["link": link.id])
            // The link and the key paths over it, each as the controller wrote it.
            if client.json { return printJSON(.object(["link": linkAnswer.json, "key_paths": .array(pathAnswers.map(\.json))])) }
            let paths = pathAnswers.map(\.value)
            func rate(_ value: Double?) -> String { value.map { "\(Format.number($0, digits: 1)) bit/s" } ?? "-" }
            func qber(_ value: Double?) -> String { value.map { Format.number($0, digits: 4) } ?? "-" }
            print(
                "link \(link.id): \(link.nodeA) - \(link.nodeB), \(Format.number(link.lengthKm, digits: 1)) km, cost \(Format.number(link.cost, digits: 3))"
            )
            print("  in force:  \(link.status.rawValue), \(rate(link.keyRateBps)), QBER \(qber(link.qber)), \(rate(link.reservedBps)) reserved")
            print("  planned:   \(link.adminStatus.rawValue), \(rate(link.nominalKeyRateBps)), QBER \(qber(link.nominalQber))")
            print("  measured:  \(link.measuredStatus?.rawValue ?? "-"), \(rate(link.measuredKeyRateBps)), QBER \(qber(link.measuredQber))")
            if link.heldDown { print("  held down by an operator: a topology import leaves it down until it is set up") }
            print("  qkdl_id \(link.qkdlId)")
            for path in paths {
                print(
                    "  key path \(path.id) \(path.state.rawValue): \(path.source) > \(path.destination), \(Format.number(path.rateBps, digits: 1)) bit/s"
                )
            }
            print("\(paths.count) key path\(paths.count == 1 ? "" : "s") over it")
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a link up or down (operator): key paths over a link set down are re-routed before the answer."
        )
        @Argument(help: "The link's id.") var id: String
        @Option(help: "up or down.") var status: SettableStatus
        @OptionGroup var client: ClientOptions

        enum SettableStatus: String, ExpressibleByArgument, CaseIterable { case up, down }

        func run() async throws {
            let body = try RequestText.json(["status": status.rawValue])
            let answer: Answered<APILink> = try await client.controller().send("PATCH", "/api/v1/links/\(RequestText.segment(id))", body: body)
            if client.json { return printJSON(answer.json) }
            let link = answer.value
            print("link \(link.id): set \(link.adminStatus.rawValue), in force \(link.status.rawValue)")
        }
    }
}
