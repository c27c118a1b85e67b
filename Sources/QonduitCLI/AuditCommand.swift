import ArgumentParser
import Foundation
import QonduitAPITypes
import QonduitStorage

/// `qonduit audit`: who changed what, and what was refused (admin).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the audit log, newest first (admin): every change and every refused request."
    )

    @Option(help: "Only entries of this actor: token:ID, agent:CREDENTIAL-ID or anonymous.") var actor: String?
    @Option(help: "Only success, refused or failed entries.") var outcome: String?
    @Option(help: "Only actions starting with this, such as 'POST' or 'DELETE /api/v1/key-paths'.") var action: String?
    @Option(help: "Only entries at or after this time: a duration ago (90m, 12h, 30d), a date (2027-01-31) or an ISO 8601 time.")
    var since: String?
    @Option(help: "Only entries before this time, given as --since is.") var until: String?
    @Option(help: "How many entries at most.") var limit = 100
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000") }
        if let actor, !AuditActor.isWellFormed(actor) {
            throw ValidationError(
                "--actor must be token:ID or agent:ID (a 16-digit hexadecimal id, as qonduit tokens list shows) or anonymous; got '\(actor)'")
        }
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value { _ = try TimeArgument.parse(value, flag: flag, now: Date(), direction: .ago, dateMeansEndOfDay: false) }
        }
        if let outcome, !["success", "refused", "failed"].contains(outcome) {
            throw ValidationError("--outcome must be success, refused or failed, got '\(outcome)'")
        }
    }

    func run() async throws {
        var query = ["limit": String(limit)]
        let now = Date()
        let times = try [("since", since), ("until", until)].map { name, value in
            (name, try value.map { try TimeArgument.parse($0, flag: "--\(name)", now: now, direction: .ago, dateMeansEndOfDay: false) })
        }
        for (name, value) in [("actor", actor), ("outcome", outcome), ("action", action)] + times {
            if let value { query[name] = value }
        }
        let page: PageJSON<Answered<APIAuditEntry>> = try await client.controller().send("GET", "/api/v1/audit", query: query)
        if client.json { return printJSON(page.items) }
        let entries = page.items.map(\.value)
        print(
            Table(
                header: ["TIME", "ACTOR", "ROLE", "ACTION", "TARGET", "STATUS", "OUTCOME"],
                rows: entries.map {
                    [APITime.text($0.time), $0.actor, $0.role ?? "-", $0.action, $0.target, String($0.status), $0.outcome.rawValue]
                }
            ).rendered)
        print("\(page.items.count) of \(page.total) entr\(page.total == 1 ? "y" : "ies")")
    }
}
