import Foundation
public import Hummingbird

/// An RFC 9457 problem: the one shape every API error takes.
public struct Problem: HTTPResponseError, Sendable {
    public struct Item: Encodable, Sendable, Equatable {
        /// JSON pointer into the request body or query (`/latitude`, `?limit`), when the problem is there.
        public var pointer: String?
        /// Line of an uploaded document, when the problem is there.
        public var line: Int?
        public var message: String

        public init(pointer: String? = nil, line: Int? = nil, message: String) {
            self.pointer = pointer
            self.line = line
            self.message = message
        }
    }

    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    public var errors: [Item]

    public init(_ status: HTTPResponse.Status, title: String? = nil, detail: String, errors: [Item] = []) {
        self.status = status
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.errors = errors
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let payload = Payload(
            type: "about:blank", title: title, status: Int(status.code), detail: detail,
            instance: request.uri.path, errors: errors.isEmpty ? nil : errors
        )
        let data = try JSONCoding.encoder.encode(payload)
        return Response(
            status: status,
            headers: [.contentType: "application/problem+json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    private struct Payload: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var instance: String
        var errors: [Item]?
    }
}

extension Problem {
    /// A bad field of a JSON body.
    static func field(_ name: String, _ message: String) -> Problem {
        Problem(.unprocessableContent, detail: "\(name) \(message)", errors: [.init(pointer: "/\(name)", message: message)])
    }
}
