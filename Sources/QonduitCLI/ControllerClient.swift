import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import QonduitAPITypes
import QonduitSouthbound

/// Options shared by the commands that talk to a running controller.
struct ClientOptions: ParsableArguments {
    @Option(help: "Base URL of the controller (default: $QONDUIT_SERVER, else http://127.0.0.1:8080).") var server: String?
    @Flag(help: "Print JSON instead of a table, for scripts.") var json = false
    @OptionGroup var access: TokenOptions
    @OptionGroup(title: "TLS") var tls: TLSOptions

    func controller() throws -> ControllerClient {
        try ControllerClient(server: server, token: access.resolvedToken(), tls: tls.clientConfiguration())
    }
}

/// How a command finds its API token: `--token`, else `QONDUIT_TOKEN`, else the token file.
struct TokenOptions: ParsableArguments {
    static let defaultFile = "qonduit-admin.token"

    @Option(help: "API token (prefer QONDUIT_TOKEN or --token-file: a command line is visible to other users).")
    var token: String?
    @Option(
        help:
            "File holding the API token; `qonduit serve` writes the first admin token beside its database, named after it (this name for qonduit.sqlite)."
    )
    var tokenFile = TokenOptions.defaultFile

    func resolvedToken() throws -> String? {
        if let token { return token }
        if let token = ProcessInfo.processInfo.environment["QONDUIT_TOKEN"], !token.isEmpty { return token }
        guard FileManager.default.fileExists(atPath: tokenFile) else {
            // The default file is a convenience; one named on purpose must be there.
            if tokenFile != Self.defaultFile { throw ValidationError("--token-file '\(tokenFile)' does not exist") }
            return nil
        }
        do {
            return try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw ValidationError("cannot read --token-file '\(tokenFile)': \(error.localizedDescription)")
        }
    }
}

/// A small client of the northbound API that turns problem+json answers into readable errors.
struct ControllerClient {
    var baseURL: String
    var token: String?
    /// For https: the CA that verifies the controller, and this client's certificate for mutual TLS.
    var tls: TLSConfiguration?
    private static let maxResponseBytes = 512 * 1024 * 1024

    /// The controller at `server`, else at `$QONDUIT_SERVER`, else on this machine's port 8080.
    /// `flag` is the option that gave `given`, for the message that refuses it.
    init(server given: String?, token: String?, tls: TLSConfiguration? = nil, flag: String = "--server") throws {
        let environment = ProcessInfo.processInfo.environment["QONDUIT_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
        let server = given ?? environment ?? "http://127.0.0.1:8080"
        self.tls = tls
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            let source = given == nil ? "QONDUIT_SERVER" : flag
            throw ValidationError("\(source) must be an http(s) URL such as http://127.0.0.1:8080, got '\(server)'")
        }
        baseURL = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
    }

    func send<Response: Decodable>(
        _ method: String, _ path: String, query: [String: String] = [:], body: [UInt8]? = nil,
        contentType: String = "application/json"
    ) async throws -> Response {
        let data = try await exchange(method, path, query: query, body: body, contentType: contentType, accept: "application/json")
        if data.isEmpty, let nothing = NoContent() as? Response { return nothing }
        do {
            return try APITime.decoder.decode(Response.self, from: data)
        } catch {
            throw CLIError("the controller's answer to \(method) \(path) was not what this client expects: \(error)")
        }
    }

    /// The body of a successful answer as it came (a topology document, say).
    func document(_ path: String, query: [String: String] = [:], accept: String) async throws -> Data {
        try await exchange("GET", path, query: query, body: nil, contentType: "application/json", accept: accept)
    }

    private func exchange(
        _ method: String, _ path: String, query: [String: String], body: [UInt8]?, contentType: String, accept: String
    ) async throws -> Data {
        var components = URLComponents(string: baseURL + path)
        if !query.isEmpty {
            components?.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        guard let url = components?.string else { throw CLIError("cannot form a URL from \(baseURL)\(path)") }
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Accept", value: accept)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        // A refused connection fails at once: AsyncHTTPClient would otherwise retry it until the
        // connect timeout, and a command aimed at a closed port would take seconds to say so.
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, timeout: .init(connect: .seconds(3), read: .seconds(300)))
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { client.shutdown { _ in } }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(600))
        } catch {
            throw CLIError(Self.describeConnectionFailure(error, to: baseURL))
        }
        let data = Data(try await response.body.collect(upTo: Self.maxResponseBytes).readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            throw CLIError(describeFailure(status: Int(response.status.code), data: data))
        }
        return data
    }

    /// Why no answer came, in a user's terms and with what to do.
    static func describeConnectionFailure(_ error: any Error, to baseURL: String) -> String {
        let reason = ErrorWording.connectionFailure(error, url: baseURL)
        if reason.hasPrefix("nothing listens") || reason.hasPrefix("no answer") {
            return "cannot reach the controller at \(baseURL): \(reason); is `qonduit serve` running there, and is --server right?"
        }
        return "cannot reach the controller at \(baseURL): \(reason)"
    }

    /// Reads a `text/event-stream` and hands each event to `body` until it returns false or the stream
    /// ends. Throws `CLIError` when the controller refuses the request, other errors when the connection fails.
    func stream(
        _ path: String, query: [String: String], lastEventID: String?, connected: () -> Void, _ body: (ServerSentEvent) throws -> Bool
    ) async throws {
        var components = URLComponents(string: baseURL + path)
        if !query.isEmpty {
            components?.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        guard let url = components?.string else { throw CLIError("cannot form a URL from \(baseURL)\(path)") }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        // No read timeout: a quiet stream sends a keep-alive comment every 15 s.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls, timeout: .init(connect: .seconds(3))))
        defer { client.shutdown { _ in } }
        let response = try await client.execute(request, timeout: .hours(24 * 365))
        guard (200..<300).contains(response.status.code) else {
            let data = Data(try await response.body.collect(upTo: 1024 * 1024).readableBytesView)
            throw CLIError(describeFailure(status: Int(response.status.code), data: data))
        }
        connected()
        var parser = ServerSentEventParser()
        for try await buffer in response.body {
            for event in parser.feed(buffer.readableBytesView) where try !body(event) { return }
        }
    }

    /// Every item of a paged listing.
    func fetchAll<Item: Decodable>(_ path: String, query: [String: String] = [:]) async throws -> [Item] {
        var items: [Item] = []
        while true {
            let page: PageJSON<Item> = try await send(
                "GET", path, query: query.merging(["limit": "10000", "offset": String(items.count)]) { _, paging in paging }
            )
            items += page.items
            if page.items.isEmpty || items.count >= page.total { return items }
        }
    }

    private func describeFailure(status: Int, data: Data) -> String {
        guard let problem = try? APITime.decoder.decode(APIProblem.self, from: data) else {
            return "the controller answered \(status): \(String(decoding: data.prefix(500), as: UTF8.self))"
        }
        var lines = ["the controller answered \(status): \(problem.detail)"]
        for item in problem.errors ?? [] {
            let location = item.pointer ?? item.line.map { "line \($0)" }
            lines.append("  \(location.map { "\($0): " } ?? "")\(item.message)")
        }
        if status == 401 {
            lines.append(
                token == nil
                    ? "  no API token was given: use --token-file (default ./\(TokenOptions.defaultFile), which qonduit serve writes beside its database), QONDUIT_TOKEN or --token"
                    : "  the token given was refused: check --token-file, QONDUIT_TOKEN or --token")
        }
        return lines.joined(separator: "\n")
    }
}

/// Request bodies and URL paths, built so that no value can change their shape.
enum RequestText {
    static func json(_ object: [String: any Sendable]) throws -> [UInt8] {
        [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// `text` as one path segment: `/`, `?`, `#` and the like percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#;"))) ?? text
    }
}

/// The answer of a request that returns no body (204).
struct NoContent: Decodable {}

/// `{"items":[…],"total":N}` as the client reads it.
struct PageJSON<Item: Decodable>: Decodable {
    var items: [Item]
    var total: Int
}
