import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import QonduitControllerTestSupport
import QonduitTestSupport
import Synchronization

/// An HTTP proxy on a loopback port that forwards every request to `upstream` unchanged and keeps
/// the exchanges whose path starts with `recording`: how a test sees exactly what the simulated
/// agents and the controller say to each other.
final class RecordingProxy: Sendable {
    struct Exchange: Sendable {
        var path: String
        var request: String
        var response: String
    }

    let upstream: String
    let recording: String
    private let exchanges = Mutex<[Exchange]>([])

    init(upstream: String, recording: String) {
        self.upstream = upstream
        self.recording = recording
    }

    var recorded: [Exchange] { exchanges.withLock { $0 } }

    /// Runs the proxy while `body` runs, handing it the proxy's base URL.
    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("**", method: method) { request, _ in try await self.forward(request) }
        }
        var logger = Logger(label: "recording-proxy")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger
        )
        try await RunningServices.during([app], logger: logger) {
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            try await body("http://127.0.0.1:\(port)")
        }
    }

    private func forward(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 << 20)
        var outbound = HTTPClientRequest(url: upstream + request.uri.description)
        outbound.method = .init(rawValue: request.method.rawValue)
        for field in request.headers where field.name != .contentLength {
            outbound.headers.add(name: field.name.rawName, value: field.value)
        }
        if body.readableBytes > 0 { outbound.body = .bytes(body) }
        let answer = try await HTTPClient.shared.execute(outbound, timeout: .seconds(30))
        let answerBody = try await answer.body.collect(upTo: 16 << 20)
        if request.uri.path.hasPrefix(recording) {
            exchanges.withLock { $0.append(Exchange(path: request.uri.path, request: String(buffer: body), response: String(buffer: answerBody))) }
        }
        var headers = HTTPFields()
        if let type = answer.headers.first(name: "Content-Type") { headers[.contentType] = type }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: answerBody))
    }
}
