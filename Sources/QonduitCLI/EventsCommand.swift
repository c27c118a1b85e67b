import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// `qonduit events`: follows the controller's event stream (`GET /api/v1/events`).
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Follow the controller's events: node and link status, agents' alarms, key-path changes and re-routes.",
        discussion: """
            Prints one line per event as it happens (or, with --json, the event's JSON object). Without --after \
            it starts with the next event; --after 0 replays every event the controller still keeps. When the \
            connection drops it reconnects and resumes after the last event it printed, so none is lost or \
            repeated. Stops after --count events (waiting for them to happen), on Ctrl-C, or with --no-follow once \
            it has printed the events the controller keeps: `--after 0 --no-follow` prints the whole log and exits.
            """
    )

    @Option(help: "Start after this event id (0: every event still kept).") var after: Int64?
    @Option(
        name: .customLong("kind"),
        help: """
            Only events of this kind, or under it (node, link, topology, agent, key_path, or one such as link.status); may be repeated.
            """)
    var kinds: [String] = []
    @Option(help: "Stop after this many events; waits until that many have happened.") var count: Int?
    @Flag(help: "Stop at the end of the log instead of waiting for new events.") var noFollow = false
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let after, after < 0 { throw ValidationError("--after must be an event id (0 or more)") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let controller = try client.controller()
        var query: [String: String] = [:]
        if !kinds.isEmpty { query["kind"] = kinds.joined(separator: ",") }
        if noFollow { query["follow"] = "false" }
        var resumeAfter = after.map(String.init)
        var printed = 0
        var connectedOnce = false
        var lostSince: ContinuousClock.Instant?
        func wantsMore() -> Bool { count.map { printed < $0 } ?? true }
        while wantsMore() {
            do {
                try await controller.stream(
                    "/api/v1/events", query: query, lastEventID: resumeAfter,
                    connected: {
                        connectedOnce = true
                        lostSince = nil
                    }
                ) { event in
                    if event.event == "gap" {
                        printError("some events are no longer kept by the controller and were skipped: \(event.data)")
                        return true
                    }
                    if let id = event.id { resumeAfter = id }
                    printNow(client.json ? event.data : Self.line(event))
                    printed += 1
                    return wantsMore()
                }
                if noFollow { return }
                if wantsMore() { throw CLIError.StreamEnded() }
            } catch let error as CLIError {
                throw error  // the controller refused the request: asking again would not help
            } catch {
                guard connectedOnce else { throw CLIError(ControllerClient.describeConnectionFailure(error, to: controller.baseURL)) }
                // A dropped connection (a controller restarting, say): reconnect and resume after the
                // last event printed, as EventSource would, for up to a minute.
                let since = lostSince ?? .now
                if lostSince == nil { printError("event stream interrupted; reconnecting") }
                lostSince = since
                if ContinuousClock.now - since > .seconds(60) { throw CLIError("lost the controller's event stream for a minute: \(error)") }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// `#ID TIME KIND SUBJECT key=value …`
    static func line(_ event: ServerSentEvent) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] else { return event.data }
        let details = (object["data"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { key, value in
            let text =
                (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
            return "\(key)=\(text)"
        }
        return
            (["#\(event.id ?? "?")", object["time"] as? String ?? "", object["kind"] as? String ?? "", object["subject"] as? String ?? ""]
            + details).joined(separator: " ")
    }
}
