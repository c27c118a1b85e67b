import Foundation
import Hummingbird
import QonduitETSI
import ServiceLifecycle

/// The node's RFC 8040 event stream: its notifications as server-sent events.
extension AgentRESTCONFServer {
    static let streamName = "qkd"

    /// Writes each notification as one server-sent event (RFC 8040 §6.4: `data:` lines holding the
    /// notification), and a comment every `keepalive` so that an idle stream is told from a dead one.
    static func stream(
        _ events: AsyncStream<AgentEvent>, encoding: ETSIEncoding, keepalive: Duration, to writer: inout any ResponseBodyWriter
    ) async throws {
        let (items, continuation) = AsyncStream<String>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events {
                    let text = AgentNotification(eventTime: Date().formatted(.iso8601), event: event).encoded(encoding)
                    continuation.yield(
                        text.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)" }.joined(separator: "\n") + "\n\n")
                }
                continuation.finish()
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: keepalive)
                    continuation.yield(": keepalive\n\n")
                }
            }
            // A stream lasts as long as its subscriber: on SIGTERM it ends, or the server's graceful
            // shutdown would wait for it forever.
            group.addTask {
                try await gracefulShutdown()
                continuation.finish()
            }
            for await item in items { try await writer.write(ByteBuffer(string: item)) }
            group.cancelAll()
        }
        try await writer.finish(nil)
    }
}
