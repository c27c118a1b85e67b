import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitControllerTestSupport
import QonduitTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A slow client cannot hold a connection: a request left half sent is closed after the idle
/// timeout, while a response being streamed (events) is not idle and stays open.
@Suite(.serialized) struct SlowClientTests {
    /// Connects to `port`, sends `bytes` and returns how long until the server closes the connection (nil: it did not within `limit`).
    static func secondsUntilClosed(port: Int, sending bytes: String, limit: Int) throws -> Double? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ControllerFailed(message: "no socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ControllerFailed(message: "cannot connect to port \(port): errno \(errno)") }
        var timeout = timeval(tv_sec: limit, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withCString { send(fd, $0, strlen($0), 0) }
        let started = Date()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return Date().timeIntervalSince(started) }  // closed by the server
            if count < 0 { return nil }  // the limit passed with the connection open
        }
    }

    @Test func halfSentRequestsAreClosedButEventStreamsStayOpen() async throws {
        let controller = try await ControllerProcess.start(extraArguments: ["--idle-timeout-seconds", "1", "--max-event-streams", "1"])
        defer { controller.terminate() }
        let port = controller.port
        let half = try await offThePool {
            try Self.secondsUntilClosed(port: port, sending: "GET /healthz HTTP/1.1\r\nHost: qonduit\r\nX-Slow: ", limit: 20)
        }
        #expect(half.map { $0 < 15 } == true, "a half-sent request is cut off (after \(half.map { "\($0) s" } ?? "more than 20 s"))")
        let silent = try await offThePool { try Self.secondsUntilClosed(port: port, sending: "", limit: 20) }
        #expect(silent.map { $0 < 15 } == true, "a connection that sends nothing is cut off")

        // An event stream that stays quiet for longer than the idle timeout is still open, and delivers.
        let stream = try await HTTPClient.shared.execute(
            HTTPClientRequest.authorized(url: "\(controller.baseURL)/api/v1/events"), timeout: .seconds(60))
        #expect(stream.status == .ok)
        // One stream is the bound here: a second is refused, and told when to come back.
        let second = try await HTTPClient.shared.execute(
            HTTPClientRequest.authorized(url: "\(controller.baseURL)/api/v1/events"), timeout: .seconds(30))
        #expect(second.status == .serviceUnavailable && second.headers.first(name: "Retry-After") != nil)
        #expect(second.headers.first(name: "Content-Type") == "application/problem+json")
        try await Task.sleep(for: .seconds(2.5))
        #expect(try await httpStatus(.POST, "\(controller.baseURL)/api/v1/nodes", json: #"{"id":"n"}"#) == 201)
        #expect(try await httpStatus(.PATCH, "\(controller.baseURL)/api/v1/nodes/n", json: #"{"status":"down"}"#) == 200)
        var text = ""
        for try await chunk in stream.body {
            text += String(buffer: chunk)
            if text.contains("event: node.status") { break }
        }
        #expect(text.contains("event: node.status"), "\(text)")
        for flag in ["--idle-timeout-seconds", "--max-event-streams", "--max-concurrent-requests", "--max-json-body-bytes"] {
            #expect(try await QonduitBinary.run(["serve", flag, "0"]).status != 0, "\(flag) 0 is refused")
        }
    }
}
