import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import QonduitControllerTestSupport
import QonduitCore
import QonduitETSI
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport
import Testing

@testable import QonduitSouthbound

@Suite struct ServerSentEventParserTests {
    @Test func eventsAreSplitByBlankLinesWhateverTheLineEnds() throws {
        var parser = ServerSentEventParser(maxEventBytes: 1 << 10)
        let text = ": comment\r\nid: 1\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\nevent: x\ndata:two\n\ndata\n\n"
        var events: [[UInt8]] = []
        // Fed a byte at a time: events and line ends split across chunks.
        for byte in Array(text.utf8) { events += try parser.feed([byte]) }
        #expect(events.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":\n1}", "two", ""])
        var small = ServerSentEventParser(maxEventBytes: 16)
        #expect(throws: ServerSentEventParser.TooLarge.self) { try small.feed(Array(("data: " + String(repeating: "x", count: 40)).utf8)) }
    }
}

/// A device's stream that misbehaves leaves a clear state and error, and the controller retries.
@Suite struct DeviceStreamTests {
    static let qkdn = QKDUUID("dddddddd-0000-4000-8000-00000000000d")!

    /// A device whose streams list points at `path` on the same server.
    func device(_ path: String, streams: Bool = true) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/restconf/data/etsi-qkd-sdn-node:qkd_node") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yang-data+json"],
                body: .init(byteBuffer: ByteBuffer(string: ETSINode(id: Self.qkdn).encodedJSON())))
        }
        if streams {
            router.get("/restconf/data/ietf-restconf-monitoring:restconf-state/streams") { request, _ in
                let location = "http://\(request.head.authority ?? "")\(path)"
                let list = RESTCONFStreams([.init(name: "qkd", locations: [("json", location)])])
                return Response(
                    status: .ok, headers: [.contentType: "application/yang-data+json"],
                    body: .init(byteBuffer: ByteBuffer(string: list.encoded(.json))))
            }
        }
        router.get("/garbage") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .init(byteBuffer: ByteBuffer(string: "data: hello\n\n")))
        }
        router.get("/html") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<html/>")))
        }
        router.get("/stall") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: ": hello\n\n"))
                    try await Task.sleep(for: .seconds(3))
                    try await writer.finish(nil)
                })
        }
        router.get("/huge") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/event-stream"],
                body: .init(byteBuffer: ByteBuffer(string: "data: " + String(repeating: "x", count: 64 << 10) + "\n\n")))
        }
        return router
    }

    @Test(arguments: [
        ("/garbage", true, "retrying", "an event is not a notification"),
        ("/html", true, "retrying", "not an event stream"),
        ("/stall", true, "retrying", "the stream stalled"),
        ("/huge", true, "retrying", "larger than 16384 bytes"),
        ("/nowhere", false, "none", "lists no event stream"),
    ])
    func aMisbehavingStreamIsRetriedWithItsReason(path: String, streams: Bool, state: String, reason: String) async throws {
        let app = Application(router: device(path, streams: streams), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let root = "http://127.0.0.1:\(client.port!)/restconf"
            let inventory = try SQLiteInventory(path: ":memory:")
            _ = try await inventory.createNode(QKDNode(id: try NodeID("d"), qkdnID: Self.qkdn))
            let node = ETSINode(id: Self.qkdn)
            _ = try await inventory.onboardAgent(
                node: try NodeID("d"), node.registration(restconfURL: root, tree: node.encodedJSON()), encoding: .json, pollIntervalMs: 5_000,
                sealedCredential: nil)
            var logger = Logger(label: "streams")
            logger.logLevel = .critical
            let follower = DeviceStreamFollower(
                inventory: inventory, restconf: AgentRESTCONFClient(inventory: inventory), logger: logger, idleTimeout: .milliseconds(600),
                maxEventBytes: 16 << 10, backoff: .milliseconds(100)...(.milliseconds(400)))
            let running = Task { try await follower.run() }
            defer { running.cancel() }
            let reached = try await eventually(15) {
                let agent = try await inventory.agent(of: "d")
                return agent?.streamState?.rawValue == state && agent?.streamError?.contains(reason) == true
            }
            let agent = try await inventory.agent(of: "d")
            #expect(reached, "\(agent?.streamState?.rawValue ?? "-"): \(agent?.streamError ?? "-")")
            #expect(try await inventory.agent(of: "d")?.state == .reachable, "a bad stream does not make the device unreachable")
        }
    }
}
