public import ArgumentParser
import Foundation
import QonduitAPITypes
public import QonduitCore
import QonduitPathEngine

extension PathsCommand {
    struct Provision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Provision a key path on a running controller: reserve the rate, configure its nodes, activate it.",
            discussion: """
                Prints the key path: active when every node of its routes confirmed its configuration, failed with the \
                node and reason otherwise (its reservation is then released; the command then exits with 3). Refused, \
                saying why, when no route has the rate to spare or meets the constraints. With --dry-run, prints the \
                routes the controller would reserve now (its own planner, on the same spare rates), reserving nothing.
                """
        )

        @Argument(help: "Source node id.") var source: String
        @Argument(help: "Destination node id.") var destination: String
        // Unconditional: `--rate -1` is a bad rate, told as such, not a missing value.
        @Option(parsing: .unconditional, help: "End-to-end secret key rate, bit/s.") var rate: Double
        @Option(
            help:
                "What the routes minimise, and re-optimisation ranks them by: hops, length, rate (prefer spare key rate) or cost (the links' operator cost)."
        ) var metric = PathMetric.hops
        @Option(help: "Most links a route may have (protection none only).") var maxHops: Int?
        @Option(name: .customLong("exclude-node"), help: "A node the routes must avoid; may be repeated.") var excludeNodes: [String] = []
        @Option(name: .customLong("exclude-link"), help: "A link the routes must avoid; may be repeated.") var excludeLinks: [String] = []
        @Option(
            help:
                "none, disjoint_backup (a node-disjoint backup route holds the rate too) or multipath (the rate split over --paths node-disjoint routes)."
        )
        var protection = KeyPathProtection.none
        @Option(help: "Routes to split the rate over, 2 to 16 (multipath only; default 2).") var paths: Int?
        @Option(help: "The client application's id, configured at both ends as a GS QKD 015 qkd_app.") var clientApp: String?
        @Option(help: "The server application's id.") var serverApp: String?
        @Flag(help: "Only show the routes provisioning would reserve now; reserve nothing, configure no node.") var dryRun = false
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard rate.isFinite, rate > 0 else { throw ValidationError("--rate must be a positive number of bit/s") }
            if paths != nil && protection != .multipath { throw ValidationError("--paths applies to --protection multipath only") }
            if let paths, !(2...16).contains(paths) { throw ValidationError("--paths must be from 2 to 16") }
            if maxHops != nil && protection != .none {
                throw ValidationError("--max-hops cannot be combined with --protection \(protection.rawValue)")
            }
            if let maxHops, maxHops < 1 { throw ValidationError("--max-hops must be at least 1") }
        }

        func run() async throws {
            var request: [String: any Sendable] = [
                "source": source, "destination": destination, "rate_bps": rate, "metric": metric.rawValue, "protection": protection.rawValue,
            ]
            if let paths { request["paths"] = paths }
            if let maxHops { request["max_hops"] = maxHops }
            if !excludeNodes.isEmpty { request["exclude_nodes"] = excludeNodes }
            if !excludeLinks.isEmpty { request["exclude_links"] = excludeLinks }
            var application: [String: String] = [:]
            if let clientApp { application["client_app_id"] = clientApp }
            if let serverApp { application["server_app_id"] = serverApp }
            if !application.isEmpty { request["application"] = application }
            if dryRun {
                request["dry_run"] = true
                let answer: Answered<APIKeyPathPlan> = try await client.controller().send(
                    "POST", "/api/v1/key-paths", body: RequestText.json(request))
                if client.json { return printJSON(answer.json) }
                let plan = answer.value
                print("dry run, nothing reserved: \(plan.source) > \(plan.destination) at \(Format.number(plan.rateBps, digits: 1)) bit/s")
                for (index, route) in plan.routes.enumerated() {
                    let name = plan.protection == .multipath ? "route \(index + 1) of \(plan.routes.count)" : "\(route.role.rawValue) route"
                    print("  \(name), \(Format.number(route.rateBps, digits: 1)) bit/s: \(Format.route(route.nodes))")
                }
                return
            }
            let answer: Answered<APIKeyPath> = try await client.controller().send("POST", "/api/v1/key-paths", body: RequestText.json(request))
            if client.json { return printJSON(answer.json) }
            let path = answer.value
            path.printDetails()
            if path.state == .failed { throw ExitCode(3) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the key paths of a running controller.")

        @Option(help: "Only paths in this state: pending, active, failed or degraded.") var state: KeyPathState?
        @Option(help: "Only paths that start, end or relay at this node.") var node: String?
        @Option(help: "Only paths with rate reserved on this link.") var link: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            var query: [String: String] = [:]
            if let state { query["state"] = state.rawValue }
            if let node { query["node"] = node }
            if let link { query["link"] = link }
            let answers: [Answered<APIKeyPath>] = try await client.controller().fetchAll("/api/v1/key-paths", query: query)
            if client.json { return printJSON(answers) }
            let paths = answers.map(\.value)
            print(
                Table(
                    header: ["ID", "STATE", "SOURCE", "DESTINATION", "RATE BIT/S", "PROTECTION", "ROUTES"],
                    rows: paths.map {
                        [
                            $0.id, $0.state.rawValue, $0.source, $0.destination, Format.number($0.rateBps, digits: 1), $0.protection.rawValue,
                            $0.routes.map { Format.route($0.nodes) }.joined(separator: " | "),
                        ]
                    }
                ).rendered)
            print("\(paths.count) key path\(paths.count == 1 ? "" : "s")")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one key path: its state, routes and reservations.")

        @Argument(help: "The key path's id.") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer: Answered<APIKeyPath> = try await client.controller().send("GET", "/api/v1/key-paths/\(try APIKeyPath.pathComponent(id))")
            if client.json { return printJSON(answer.json) }
            answer.value.printDetails()
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a key path: release its reservation and remove its configuration from every node."
        )

        @Argument(help: "The key path's id.") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let _: NoContent = try await client.controller().send("DELETE", "/api/v1/key-paths/\(try APIKeyPath.pathComponent(id))")
            if !client.json { print("deleted key path \(id)") }
        }
    }
}

extension PathsCommand {
    struct Reoptimize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move active key paths to better routes (by their own metric) as the network now stands, e.g. after links recover."
        )

        @Argument(help: "Only these key paths (default: every active one).") var ids: [String] = []
        @OptionGroup var client: ClientOptions

        func validate() throws {
            for id in ids where QKDUUID(id) == nil { throw ValidationError("'\(id)' is not a key path id (a UUID)") }
        }

        func run() async throws {
            let body = ids.isEmpty ? nil : try RequestText.json(["key_paths": ids])
            let answer: Answered<Components.Schemas.Reoptimization> = try await client.controller().send(
                "POST", "/api/v1/key-paths/reoptimize", body: body
            )
            if client.json { return printJSON(answer.json) }
            let result = answer.value
            print(
                "examined \(result.examined) active key path(s); moved \(result.moved.count)"
                    + (result.failed.isEmpty ? "" : "; \(result.failed.count) failed"))
            for path in result.moved + result.failed {
                print("  \(path.id) \(path.state.rawValue): \(path.routes.map { Format.route($0.nodes) }.joined(separator: " | "))")
            }
        }
    }
}

extension KeyPathProtection: ExpressibleByArgument {}
extension KeyPathState: ExpressibleByArgument {}

extension APIKeyPath {
    /// An id as one URL path segment: ids are UUIDs, so anything else is refused before it is sent.
    static func pathComponent(_ id: String) throws -> String {
        guard QKDUUID(id) != nil else { throw CLIError("'\(id)' is not a key path id (a UUID such as 7e1a0000-0000-4000-8000-000000000001)") }
        return id
    }

    func printDetails() {
        print("key path \(id): \(state.rawValue)\(reason.map { " (\($0))" } ?? "")")
        print("  \(source) > \(destination) at \(Format.number(rateBps, digits: 1)) bit/s, protection \(protection.rawValue), metric \(metric)")
        if let application {
            print("  application \(application.appId): client \(application.clientAppId ?? "-"), server \(application.serverAppId ?? "-")")
        }
        // Multipath routes are all primary, each carrying a share: numbered, so that they can be told apart.
        for (index, route) in routes.enumerated() {
            let name = protection == .multipath ? "route \(index + 1) of \(routes.count)" : "\(route.role.rawValue) route"
            print("  \(name) \(route.qkdlId), \(Format.number(route.rateBps, digits: 1)) bit/s: \(Format.route(route.nodes))")
        }
    }
}
