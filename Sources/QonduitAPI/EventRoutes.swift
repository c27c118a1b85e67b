import Foundation
import HTTPTypes
import Hummingbird
import QonduitCore
import QonduitStorage
import ServiceLifecycle

/// `GET /api/v1/events`: the event log as a Server-Sent Events stream.
///
/// Each event carries its log id; a client that reconnects with `Last-Event-ID` (or `?after=`)
/// gets every event it missed that the log still keeps, and a `gap` event first when some are gone.
/// Without either, the stream starts with the next event.
struct EventRoutes {
    let inventory: any Inventory
    let maxStreams: Int
    let open = InFlightCounter()
    /// A stream wakes at each committed write to look for new events, and at least this often (to
    /// send a comment every `keepAlive`, which keeps proxies from closing it).
    var idleWake: Duration = .seconds(1)
    var keepAlive: Duration = .seconds(15)

    func register(on group: RouterGroup<APIRequestContext>) {
        // What the log keeps about one node, link or key path, as a JSON list rather than a stream.
        group.get("history") { request, _ in
            let query = try QueryParameters(request, allowed: ["subject", "limit"])
            guard let subject = query.string("subject"), !subject.isEmpty, subject.count <= 256 else {
                throw Problem(
                    .badRequest, detail: "?subject must name a node, link or key path (1 to 256 characters)",
                    errors: [.init(pointer: "?subject", message: "missing or too long")])
            }
            let events = try await inventory.events(about: subject, limit: try query.int("limit", default: 100, in: 1...1000))
            var writer = JSONWriter(capacity: 256 * (events.count + 1))
            writer.raw("{")
            writer.key("items")
            writer.array(events) { writer, event in Self.write(event, to: &writer) }
            writer.raw("}")
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
        }
        group.get { request, context in
            let query = try QueryParameters(request, allowed: ["after", "kind", "follow"])
            let kinds = try Self.kinds(query.string("kind"))
            let follow = try query.bool("follow", default: true)
            let bounds = try await inventory.eventLogBounds()
            let requested = try Self.start(request, query)
            var cursor = requested ?? bounds.latest
            var preamble = ""
            if let requested {
                // Events after `requested` that the log no longer has: say so, then go on from what it has.
                let resumeAfter = requested > bounds.latest ? bounds.latest : max(requested, (bounds.oldest ?? bounds.latest + 1) - 1)
                if resumeAfter != requested {
                    preamble = "event: gap\ndata: {\"requested_after\":\(requested),\"resumed_after\":\(resumeAfter)}\n\n"
                    cursor = resumeAfter
                }
            }
            let start = cursor
            let opening = preamble
            guard open.enter(limit: maxStreams) else {
                return try Problem.busy("\(maxStreams) event streams are open already (serve --max-event-streams); retry shortly")
                    .response(from: request, context: context).retryingAfter(seconds: 5)
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { [open] writer in
                    defer { open.leave() }
                    try await stream(after: start, kinds: kinds, follow: follow, opening: opening, to: &writer)
                }
            )
        }
    }

    /// Without `follow`, the stream ends once it has sent every event the log holds.
    private func stream(
        after start: Int64, kinds: [String], follow: Bool, opening: String, to writer: inout any ResponseBodyWriter
    ) async throws {
        // `retry` tells EventSource clients how soon to reconnect.
        try await writer.write(ByteBuffer(string: "retry: 1000\n" + opening + "\n"))
        var cursor = start
        var seenRevision = -1
        var lastWrite = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let revision = inventory.revision
            // Events are only logged by writes: no new revision, no new event to look for.
            let batch = revision == seenRevision ? [] : try await inventory.events(after: cursor, limit: 500)
            if batch.count < 500 { seenRevision = revision }
            var text = ""
            for event in batch {
                cursor = event.id
                if event.kind.matches(kinds) { text += Self.format(event) }
            }
            if text.isEmpty && ContinuousClock.now - lastWrite >= keepAlive { text = ": keep-alive\n\n" }
            if !text.isEmpty {
                try await writer.write(ByteBuffer(string: text))
                lastWrite = .now
            }
            if batch.count < 500 {
                if !follow { break }
                do {
                    try await cancelWhenGracefulShutdown { [inventory, idleWake, seenRevision] in
                        // Woken by the next write rather than a timer: an event reaches the client as soon as it is committed.
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask { await inventory.waitForChange(from: seenRevision) }
                            group.addTask { try await Task.sleep(for: idleWake) }
                            try await group.next()
                            group.cancelAll()
                        }
                    }
                } catch { break }
            }
        }
        try await writer.finish(nil)
    }

    /// `id`, `event` (the kind) and `data`: one JSON object per event, on one line.
    static func format(_ event: InventoryEvent) -> String {
        var writer = JSONWriter(capacity: 256)
        write(event, to: &writer)
        return "id: \(event.id)\nevent: \(event.kind.rawValue)\ndata: \(String(decoding: writer.bytes, as: UTF8.self))\n\n"
    }

    static func write(_ event: InventoryEvent, to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("id")
        writer.number(Int(event.id))
        writer.comma()
        writer.key("time")
        writer.string(event.time)
        writer.comma()
        writer.key("kind")
        writer.string(event.kind.rawValue)
        writer.comma()
        writer.key("subject")
        writer.string(event.subject)
        writer.comma()
        writer.key("data")
        writer.json(event.data)
        writer.raw("}")
    }

    private static func kinds(_ text: String?) throws(Problem) -> [String] {
        guard let text else { return [] }
        let kinds = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for kind in kinds where !EventKind.filters.contains(kind) {
            throw Problem(
                .badRequest, detail: "kind must be a comma-separated list of \(EventKind.filters.joined(separator: ", ")); got '\(kind)'",
                errors: [.init(pointer: "?kind", message: "unknown event kind")])
        }
        return kinds
    }

    /// Where the client wants to resume: `Last-Event-ID` (what EventSource sends on reconnecting) or `?after=`.
    private static func start(_ request: Request, _ query: QueryParameters) throws(Problem) -> Int64? {
        let header = request.headers[.lastEventID]
        let parameter = query.string("after")
        if header != nil && parameter != nil {
            throw Problem(
                .badRequest, detail: "give either the Last-Event-ID header or ?after, not both",
                errors: [.init(pointer: "?after", message: "conflicts with Last-Event-ID")])
        }
        guard let text = header ?? parameter else { return nil }
        guard let id = Int64(text), id >= 0 else {
            let pointer = header != nil ? "Last-Event-ID" : "?after"
            throw Problem(
                .badRequest, detail: "\(pointer) must be an event id (a whole number from 0), got '\(text)'",
                errors: [.init(pointer: pointer, message: "not an event id")])
        }
        return id
    }
}

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
}
