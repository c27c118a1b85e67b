import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import QonduitAPI
import QonduitStorage

/// A follower's writes are the leader's to make: every request that may write (any method but GET,
/// HEAD and OPTIONS, on the API and on the southbound alike) is sent on to the leader as it came, and
/// the leader's answer is the client's. A load balancer or a DNS name may so front every controller.
/// The leader handles its own; while no controller leads (a takeover under way), such a request is
/// answered 503 with `Retry-After`.
struct LeaderForwardingMiddleware: Sendable {
    let leadership: Leadership
    let client: HTTPClient
    /// The largest body sent on (the API's own largest, a topology file).
    let maxBodyBytes: Int

    /// Marks a request a follower sent on: one that reaches a controller not leading any more (the
    /// leader changed under way) is answered 503, not sent round again.
    static var forwardedBy: HTTPField.Name { HTTPField.Name("Qonduit-Forwarded-By")! }
    /// Headers of one connection only (RFC 9110 §7.6.1), not sent on in either direction.
    static let hopByHop: Set<String> = ["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length"]

    /// As the API's front middleware.
    var front: FrontMiddleware {
        FrontMiddleware { request, context, next in try await handle(request, context: context, next: next) }
    }

    func handle(_ request: Request, context: APIRequestContext, next: FrontMiddleware.Next) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method), !leadership.isLeading else { return try await next(request, context) }
        guard request.headers[Self.forwardedBy] == nil, let leader = leadership.leaderURL else {
            var response = try Problem(.serviceUnavailable, detail: "no controller leads at the moment (a takeover is under way): retry shortly")
                .response(from: request, context: context)
            response.headers[.retryAfter] = "1"
            return response
        }
        var request = request
        var forwarded = HTTPClientRequest(url: leader + request.uri.description)
        forwarded.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) {
            forwarded.headers.add(name: field.name.rawName, value: field.value)
        }
        forwarded.headers.add(name: Self.forwardedBy.rawName, value: leadership.identity.id)
        let body = try await request.collectBody(upTo: maxBodyBytes)
        if body.readableBytes > 0 { forwarded.body = .bytes(body) }
        let answer: HTTPClientResponse
        do {
            answer = try await client.execute(forwarded, timeout: .seconds(120))
        } catch {
            var response = try Problem(.serviceUnavailable, detail: "the leader at \(leader) did not answer: retry shortly")
                .response(from: request, context: context)
            response.headers[.retryAfter] = "1"
            return response
        }
        var headers = HTTPFields()
        for (name, value) in answer.headers where !Self.hopByHop.contains(name.lowercased()) {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        let collected = try await answer.body.collect(upTo: 256 << 20)
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: ResponseBody(byteBuffer: collected))
    }
}
