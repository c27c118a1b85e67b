public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import QonduitCore
public import QonduitETSI

/// The agent's side of the controller's southbound: registration and notifications, over HTTP.
public struct ControllerLink: Sendable {
    public let controllerURL: String
    let client: HTTPClient
    /// The node's credential, sent as a bearer token with every request.
    public var credential: AccessSecret?

    public init(controllerURL: String, credential: AccessSecret? = nil, client: HTTPClient = .shared) {
        self.controllerURL = controllerURL.hasSuffix("/") ? String(controllerURL.dropLast()) : controllerURL
        self.credential = credential
        self.client = client
    }

    /// The same controller, with another node's credential.
    public func with(credential: AccessSecret?) -> ControllerLink {
        var link = self
        link.credential = credential
        return link
    }

    public struct Refused: Error, CustomStringConvertible {
        public var status: Int
        public var message: String
        public var description: String { "the controller answered \(status): \(message)" }
    }

    public func register(_ tree: ETSINode, restconfURL: String) async throws -> RegistrationAnswer {
        let query =
            restconfURL.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? restconfURL
        let body = try await post("/southbound/v1/agents?restconf_url=\(query)", tree.encoded())
        return try RegistrationAnswer.decode(body.readableBytesView)
    }

    public func send(_ event: AgentEvent, from node: QKDUUID) async throws {
        try await send([event], from: node)
    }

    /// Several notifications in one request (a `qonduit-qkd-agent:notifications` batch when more than one).
    public func send(_ events: [AgentEvent], from node: QKDUUID) async throws {
        guard !events.isEmpty else { return }
        let time = Self.timestamp()
        let notifications = events.map { AgentNotification(eventTime: time, event: $0) }
        let document = notifications.count == 1 ? notifications[0].encoded() : AgentNotification.encodedBatch(notifications)
        _ = try await post("/southbound/v1/notifications?qkdn_id=\(node.text)", document)
    }

    private func post(_ path: String, _ document: String) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: controllerURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/yang-data+xml")
        if let credential { request.headers.add(name: "Authorization", value: "Bearer \(credential.text)") }
        request.body = .bytes(ByteBuffer(string: document))
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            let message = RESTCONFErrors.decode(body.readableBytesView)?.entries.map(\.message).joined(separator: "; ") ?? String(buffer: body)
            throw Refused(status: Int(response.status.code), message: message)
        }
        return body
    }

    /// Now as `yang:date-and-time` in UTC, to the millisecond.
    static func timestamp() -> String {
        let now = Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: now)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return
            "\(String(format: "%04d", parts.year ?? 1970))-\(two(parts.month))-\(two(parts.day))T\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
            + ".\(String(format: "%03d", (parts.nanosecond ?? 0) / 1_000_000))Z"
    }
}
