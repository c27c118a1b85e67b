import ArgumentParser
import Foundation
import QonduitAPITypes

/// `qonduit controllers list`: the controllers sharing an inventory, and which one leads.
struct ControllersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controllers", abstract: "The controllers sharing the inventory: which one leads, with the lease's epoch and expiry.",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the controllers heard from in the last minute as a table (or JSON).",
            discussion: """
                Any controller answers: the leader writes and configures nodes; the others answer reads and \
                refuse writes (503) until they lead. The epoch grows at every change of leader.
                """)
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer: Answered<PageJSON<APIController>> = try await client.controller().send("GET", "/api/v1/controllers")
            if client.json { return printJSON(answer.json) }
            let controllers: [APIController] = answer.value.items
            let rows = controllers.map { (controller: APIController) -> [String] in
                let expiry = controller.leaseExpiresAt.map(APITime.text) ?? "-"
                return [
                    controller.id, controller.advertiseUrl, controller.leader ? "leader" : "follower", controller.epoch.map { String($0) } ?? "-",
                    expiry, APITime.text(controller.lastSeenAt),
                ]
            }
            print(Table(header: ["ID", "ADVERTISE URL", "ROLE", "EPOCH", "LEASE EXPIRES", "LAST SEEN"], rows: rows).rendered)
            let leaders = controllers.filter { $0.leader }.count
            print("\(controllers.count) controller\(controllers.count == 1 ? "" : "s"), \(leaders == 0 ? "no leader" : "1 leader")")
        }
    }
}
