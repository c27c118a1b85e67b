import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitControllerTestSupport
import QonduitStorage
import QonduitTestSupport
import Synchronization
import Testing

/// `GET /api/v1/events` and `qonduit events` against a whole controller, across a restart (there a process).
@Suite(.serialized) struct EventsEndToEndTests {
    func patch(_ url: String, _ body: String) async throws -> Int {
        try await httpStatus(.PATCH, url, json: body)
    }

    /// Runs the CLI (its process waits on a thread of its own, not on the concurrency pool).
    func runInBackground(_ arguments: [String]) async throws -> ProcessResult {
        try await QonduitBinary.run(arguments)
    }

    func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    @Test func eachEventReachesAPipeAtOnce() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(topology: metro)
        defer { controller.terminate() }
        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: QonduitBinary.path)
        follower.arguments = ["events", "--json", "--kind", "link", "--server", controller.baseURL]
        follower.environment = ProcessInfo.processInfo.environment.merging(["QONDUIT_TOKEN": controller.token]) { _, given in given }
        follower.currentDirectoryURL = TestFiles.workingDirectory
        let pipe = Pipe()
        follower.standardOutput = pipe
        follower.standardError = FileHandle.nullDevice
        try follower.run()
        defer { follower.terminate() }
        // The follower is connected once an event it asks for reaches it; until then, keep making them.
        let received = Mutex("")
        let reader = Thread {
            while true {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { return }
                received.withLock { $0 += String(decoding: chunk, as: UTF8.self) }
            }
        }
        reader.start()
        var status = "down"
        let deadline = Date().addingTimeInterval(30)
        while received.withLock({ $0.isEmpty }) && Date() < deadline {
            #expect(try await patch("\(controller.baseURL)/api/v1/links/mad-L1", #"{"status":"\#(status)"}"#) == 200)
            status = status == "down" ? "up" : "down"
            try await Task.sleep(for: .milliseconds(300))
        }
        let first = try #require(lines(received.withLock { $0 }).first, "one small event line reached the pipe while the follower runs")
        #expect(first["kind"] as? String == "link.status" && follower.isRunning)
    }

    @Test func theCLIFollowsEventsAndResumesAcrossARestartWithoutLossOrRepeats() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        var controller = try await ControllerProcess.start(extraArguments: ["--topology", metro.path, "--event-retention", "3"])
        defer { controller.terminate() }
        let links = jsonArray(try await QonduitBinary.run(["links", "list", "--server", controller.baseURL, "--json"]).stdout)
        let link = try #require(links.first?["id"] as? String)
        let node = try #require(links.first?["node_a"] as? String)
        for status in ["down", "up", "down", "up", "down"] {
            #expect(try await patch("\(controller.baseURL)/api/v1/links/\(link)", #"{"status":"\#(status)"}"#) == 200)
        }

        // The import's event and five of the link, three kept: the replay says some were dropped, then gives the three.
        let replay = try await QonduitBinary.run(["events", "--after", "0", "--count", "3", "--json", "--server", controller.baseURL])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(lines(replay.stdout).map { $0["id"] as? Int } == [4, 5, 6], "\(replay.stdout)")
        #expect(lines(replay.stdout).allSatisfy { $0["kind"] as? String == "link.status" && $0["subject"] as? String == link })
        #expect(replay.stderr.contains("no longer kept"), "\(replay.stderr)")
        let table = try await QonduitBinary.run(["events", "--after", "5", "--count", "1", "--server", controller.baseURL])
        #expect(
            table.stdout.hasPrefix("#6 ") && table.stdout.contains("link.status \(link)") && table.stdout.contains(#"to="down""#), "\(table.stdout)")
        // --no-follow prints what the log keeps and exits, even when --count asks for more.
        let whole = try await QonduitBinary.run(["events", "--after", "0", "--count", "10", "--no-follow", "--json", "--server", controller.baseURL])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(lines(whole.stdout).map { $0["id"] as? Int } == [4, 5, 6], "\(whole.stdout)")
        let caughtUp = try await QonduitBinary.run(["events", "--after", "6", "--no-follow", "--server", controller.baseURL])
        #expect(caughtUp.status == 0 && caughtUp.stdout.isEmpty, "\(caughtUp.stdout)\(caughtUp.stderr)")

        // A follower of link events only, from event 6 on; the controller restarts under it.
        let followArguments = ["events", "--after", "6", "--kind", "link", "--count", "2", "--json", "--server", controller.baseURL]
        async let followed = runInBackground(followArguments)
        #expect(try await patch("\(controller.baseURL)/api/v1/nodes/\(node)", #"{"status":"down"}"#) == 200)  // 7, not a link event
        #expect(try await patch("\(controller.baseURL)/api/v1/links/\(link)", #"{"status":"up"}"#) == 200)  // 8
        try await Task.sleep(for: .seconds(1))
        let port = controller.port
        #expect(try await controller.stop() == 0)
        controller = try await ControllerProcess.start(
            database: controller.databasePath, listen: "127.0.0.1:\(port)", extraArguments: ["--event-retention", "3"])
        #expect(try await patch("\(controller.baseURL)/api/v1/links/\(link)", #"{"status":"down"}"#) == 200)  // 9
        let result = try await followed
        #expect(result.status == 0, "\(result.stderr)")
        let events = lines(result.stdout)
        #expect(events.map { $0["id"] as? Int } == [8, 9], "\(result.stdout)\n\(result.stderr)")
        #expect(events.map { ($0["data"] as? [String: Any])?["to"] as? String } == ["up", "down"])
    }

    @Test func theStreamSpeaksServerSentEventsAndRefusesBadRequests() async throws {
        let controller = try await InProcessController.start()
        defer { controller.terminate() }
        try await controller.inventory.setEventRetention(2)
        #expect(try await httpStatus(.POST, "\(controller.baseURL)/api/v1/nodes", json: #"{"id":"n"}"#) == 201)
        for status in ["down", "up", "down"] {
            #expect(try await patch("\(controller.baseURL)/api/v1/nodes/n", #"{"status":"\#(status)"}"#) == 200)
        }

        // Node n's creation and three status changes, two kept: resuming after event 0 gives a gap event
        // first, then events 3 and 4 with their ids.
        var stream = HTTPClientRequest.authorized(url: "\(controller.baseURL)/api/v1/events")
        stream.headers.add(name: "Last-Event-ID", value: "0")
        let response = try await HTTPClient.shared.execute(stream, timeout: .seconds(30))
        #expect(response.status == .ok && response.headers.first(name: "Content-Type") == "text/event-stream")
        var text = ""
        for try await chunk in response.body {
            text += String(buffer: chunk)
            if text.contains("id: 4\n") && text.hasSuffix("\n\n") { break }
        }
        #expect(text.contains("event: gap\ndata: {\"requested_after\":0,\"resumed_after\":2}\n\n"), "\(text)")
        #expect(text.contains("id: 3\nevent: node.status\ndata: {\"id\":3,"), "\(text)")
        #expect(text.range(of: "id: 3\n").map { first in text.range(of: "id: 4\n").map { first.lowerBound < $0.lowerBound } ?? false } == true)

        // follow=false: the same replay, and the stream ends by itself at the end of the log.
        let replay = try await HTTPClient.shared.execute(
            .authorized(url: "\(controller.baseURL)/api/v1/events?after=0&follow=false"), timeout: .seconds(30))
        let replayed = String(buffer: try await replay.body.collect(upTo: 1 << 20))
        #expect(replayed.contains("event: gap") && replayed.contains("id: 3\n") && replayed.contains("id: 4\n"), "\(replayed)")

        var both = HTTPClientRequest.authorized(url: "\(controller.baseURL)/api/v1/events?after=1")
        both.headers.add(name: "Last-Event-ID", value: "1")
        let conflicting = try await HTTPClient.shared.execute(both, timeout: .seconds(30))
        #expect(conflicting.status == .badRequest && conflicting.headers.first(name: "Content-Type") == "application/problem+json")

        let unknownKind = try await QonduitBinary.run(["events", "--kind", "alarms", "--server", controller.baseURL])
        #expect(
            unknownKind.status != 0 && unknownKind.stderr.contains("400") && unknownKind.stderr.contains("unknown event kind"),
            "\(unknownKind.stderr)")
        #expect(try await QonduitBinary.run(["events", "--count", "0"]).status != 0)
        let nobody = try await QonduitBinary.run(["events", "--server", "http://127.0.0.1:1"])
        #expect(nobody.status != 0 && nobody.stderr.contains("cannot reach"), "\(nobody.stderr)")
    }
}
