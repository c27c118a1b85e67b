import ArgumentParser
import Foundation
import QonduitAPITypes

/// `qonduit tokens`: operators' API tokens (admin).
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Operators' API tokens: create, list, revoke (admin).",
        discussion: """
            Roles: viewer reads; operator also provisions and changes key paths, sets links up or down and imports \
            topologies; admin also manages tokens, agents' credentials, nodes and links, and reads the audit log. \
            The controller keeps only a hash of each token: a token is shown once, when it is created.
            """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it (once).")
        @Option(help: "viewer, operator or admin.") var role: String
        @Option(
            help:
                "When it stops working: a duration (90m, 12h, 30d), a date (2027-01-31: the end of that day, UTC) or an ISO 8601 time; default never."
        ) var expires: String?
        @Option(help: "What or whom it is for, shown in listings.") var description: String?
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard ["viewer", "operator", "admin"].contains(role) else {
                throw ValidationError("--role must be viewer, operator or admin, got '\(role)'")
            }
            if let expires { _ = try Self.expiryTime(expires, now: Date()) }
        }

        /// An ISO 8601 time for `--expires`: a duration from now, the end of a day (UTC), or a time as given.
        static func expiryTime(_ text: String, now: Date) throws -> String {
            try TimeArgument.parse(text, flag: "--expires", now: now, direction: .ahead, dateMeansEndOfDay: true)
        }

        func run() async throws {
            var body: [String: any Sendable] = ["role": role]
            if let expires { body["expires_at"] = try Self.expiryTime(expires, now: Date()) }
            if let description { body["description"] = description }
            let answer: Answered<APIToken> = try await client.controller().send("POST", "/api/v1/tokens", body: RequestText.json(body))
            if client.json { return printJSON(answer.json) }
            let created = answer.value
            print(created.token ?? "")
            printError(
                "token \(created.id) (\(created.role.rawValue)\(created.expiresAt.map { ", expires \(APITime.text($0))" } ?? "")); store it now, it cannot be shown again"
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: ids, roles and dates, never the secrets.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let page: PageJSON<Answered<APIToken>> = try await client.controller().send("GET", "/api/v1/tokens")
            if client.json { return printJSON(page.items) }
            let tokens = page.items.map(\.value)
            print(
                Table(
                    header: ["ID", "ROLE", "DESCRIPTION", "CREATED", "CREATED BY", "EXPIRES", "REVOKED"],
                    rows: tokens.map {
                        [
                            $0.id, $0.role.rawValue, $0.description ?? "-", APITime.text($0.createdAt), $0.createdBy ?? "-",
                            $0.expiresAt.map(APITime.text) ?? "-",
                            $0.revokedAt.map(APITime.text) ?? "-",
                        ]
                    }
                ).rendered)
            print("\(page.items.count) token\(page.items.count == 1 ? "" : "s")")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token for good.")
        @Argument(help: "The token's id (qonduit tokens list shows them).") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let _: NoContent = try await client.controller().send("DELETE", "/api/v1/tokens/\(RequestText.segment(id))")
            print("revoked token \(id)")
        }
    }
}
