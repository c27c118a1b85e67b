import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import QonduitAPI
import QonduitControllerTestSupport
import QonduitCore
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport
import Testing

/// The console's sessions (a token exchanged for an HttpOnly cookie, refused cross-site) and the
/// Prometheus metrics endpoint, driven through the API in process.
@Suite struct SessionAndMetricsTests {
    struct Answer {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String
        var setCookie: String { headers[values: .setCookie].joined(separator: "\n") }
        /// The session cookie's value that `Set-Cookie` gives.
        var session: String? {
            headers[values: .setCookie].first { $0.hasPrefix("qonduit_session=") }
                .map { String($0.dropFirst("qonduit_session=".count).prefix { $0 != ";" }) }
        }
    }

    typealias Send = @Sendable (HTTPRequest.Method, String, HTTPFields, String?) async throws -> Answer

    static let console: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-Qonduit-CSRF")!: "1"]

    func withRouter<Value: Sendable>(
        _ inventory: any Inventory, configuration: APIConfiguration = .init(), _ body: @Sendable (Send) async throws -> Value
    ) async throws -> Value {
        let app = Application(
            router: NorthboundAPI.router(
                inventory: inventory, provisioner: provisioner(inventory, ScriptedConfigurator()), configuration: configuration))
        return try await app.test(.router) { client in
            try await body { method, uri, headers, text in
                try await client.execute(uri: uri, method: method, headers: headers, body: text.map { ByteBuffer(string: $0) }) { response in
                    Answer(status: response.status, headers: response.headers, text: String(buffer: response.body))
                }
            }
        }
    }

    func cookie(_ session: String) -> HTTPFields { [.cookie: "qonduit_session=\(session)"] }

    func with(_ a: HTTPFields, _ b: HTTPFields) -> HTTPFields {
        var fields = a
        for field in b { fields[field.name] = field.value }
        return fields
    }

    @Test func aTokenSignsInToAnHttpOnlySessionThatReadsTheAPIAndSignsOut() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let viewer = try await inventory.createAPIToken(role: .viewer, description: "v", expiresAt: nil, createdBy: nil)
        try await withRouter(inventory) { send in
            let signIn = try await send(.post, "/api/v1/session", Self.console, #"{"token":"\#(viewer.1.text)"}"#)
            #expect(signIn.status == .created, "\(signIn.text)")
            #expect(signIn.text.contains(#""role":"viewer""#) && !signIn.text.contains(viewer.1.text), "the answer never repeats the token")
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
                #expect(signIn.setCookie.contains(attribute), "\(signIn.setCookie)")
            }
            #expect(!signIn.setCookie.contains("Secure"), "plain HTTP: no Secure attribute, or the browser would drop it")
            let session = try #require(signIn.session)
            #expect(session.hasPrefix("qds_"))
            let current = try await send(.get, "/api/v1/session", cookie(session), nil)
            #expect(current.text.hasPrefix(#"{"signed_in":true,"token_id":"\#(viewer.0.id)""#), "\(current.text)")
            // Not signed in is an answer, not an error: the sign-in page asks on every visit.
            let none = try await send(.get, "/api/v1/session", [:], nil)
            #expect(none.status == .ok && none.text == #"{"signed_in":false}"# && none.setCookie.isEmpty, "\(none.text)")
            #expect(try await send(.get, "/api/v1/nodes", cookie(session), nil).status == .ok)
            // The role is the token's: a viewer's session may not change anything, even from the console.
            let write = try await send(.post, "/api/v1/nodes", with(Self.console, cookie(session)), #"{"id":"x","name":"x"}"#)
            #expect(write.status == .forbidden, "\(write.text)")
            // A cross-site page cannot sign the operator out either.
            let forged = try await send(.delete, "/api/v1/session", with(cookie(session), [.origin: "https://evil.example"]), nil)
            #expect(forged.status == .forbidden && forged.text.contains("X-Qonduit-CSRF"), "\(forged.text)")
            #expect(try await send(.get, "/api/v1/nodes", cookie(session), nil).status == .ok, "still signed in")
            #expect(try await send(.delete, "/api/v1/session", with(Self.console, cookie(session)), nil).status == .noContent)
            let after = try await send(.get, "/api/v1/nodes", cookie(session), nil)
            #expect(after.status == .unauthorized && after.setCookie.contains("Max-Age=0"), "signed out: the cookie is dropped")
            let audit = try await inventory.audit(AuditFilter(), limit: 20, offset: 0).items.map { "\($0.action) \($0.status)" }
            #expect(audit.contains("POST /api/v1/session 201") && audit.contains("DELETE /api/v1/session 204"), "\(audit)")
            #expect(audit.contains("DELETE /api/v1/session 403"), "the refused sign-out is audited like every refusal: \(audit)")
        }
    }

    @Test func aSessionEndsWithItsTokenAndATamperedCookieIsRefused() async throws {
        let clock = ManualWallClock()
        let inventory = try SQLiteInventory(path: ":memory:", clock: clock)
        let operatorToken = try await inventory.createAPIToken(role: .operator, description: "o", expiresAt: nil, createdBy: nil)
        let brief = try await inventory.createAPIToken(role: .operator, description: "b", expiresAt: clock.now.addingTimeInterval(15), createdBy: nil)
        try await withRouter(inventory) { send in
            let session = try #require(try await send(.post, "/api/v1/session", Self.console, #"{"token":"\#(operatorToken.1.text)"}"#).session)
            let short = try #require(try await send(.post, "/api/v1/session", Self.console, #"{"token":"\#(brief.1.text)"}"#).session)
            // Tampered: one digit changed, or not a session at all.
            let tampered = String(session.dropLast()) + (session.last == "0" ? "1" : "0")
            for bad in [tampered, "qdt_" + session.dropFirst(4), "", "x; qonduit_session=y"] {
                #expect(try await send(.get, "/api/v1/nodes", cookie(bad), nil).status == .unauthorized, "\(bad)")
            }
            #expect(try await send(.get, "/api/v1/nodes", cookie(short), nil).status == .ok)
            clock.advance(by: 14)
            #expect(try await send(.get, "/api/v1/nodes", cookie(short), nil).status == .ok, "a second before its token expires")
            #expect(try await send(.get, "/api/v1/nodes", [.authorization: "Bearer \(brief.1.text)"], nil).status == .ok)
            clock.advance(by: 1.5)
            #expect(try await send(.get, "/api/v1/nodes", cookie(short), nil).status == .unauthorized, "expires with its token")
            #expect(
                try await send(.get, "/api/v1/nodes", [.authorization: "Bearer \(brief.1.text)"], nil).status == .unauthorized,
                "the token itself expired, though it was checked (and cached) a moment before")
            _ = try await inventory.revokeAPIToken(operatorToken.0.id)
            #expect(try await send(.get, "/api/v1/nodes", cookie(session), nil).status == .unauthorized, "ends when its token is revoked")
            let ended = try await send(.get, "/api/v1/session", cookie(session), nil)
            #expect(ended.status == .ok && ended.text == #"{"signed_in":false}"#, "\(ended.text)")
            #expect(ended.setCookie.contains("Max-Age=0"), "a dead session's cookie is dropped: \(ended.setCookie)")
        }
        // A session's own lifetime ends it too, however long its token lasts.
        let lasting = try await inventory.createAPIToken(role: .viewer, description: "l", expiresAt: nil, createdBy: nil)
        try await withRouter(inventory, configuration: APIConfiguration(sessionLifetime: .seconds(1))) { send in
            let session = try #require(try await send(.post, "/api/v1/session", Self.console, #"{"token":"\#(lasting.1.text)"}"#).session)
            #expect(try await send(.get, "/api/v1/nodes", cookie(session), nil).status == .ok)
            clock.advance(by: 1.5)
            #expect(try await send(.get, "/api/v1/nodes", cookie(session), nil).status == .unauthorized, "expires")
        }
    }

    @Test func signingInAndChangingWithTheCookieRefuseWhatACrossSitePageCouldSend() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let admin = try await inventory.createAPIToken(role: .admin, description: "a", expiresAt: nil, createdBy: nil)
        try await withRouter(inventory) { send in
            let body = #"{"token":"\#(admin.1.text)"}"#
            let json: HTTPFields = [.contentType: "application/json"]
            #expect(try await send(.post, "/api/v1/session", json, body).status == .forbidden, "no console header")
            #expect(try await send(.post, "/api/v1/session", with(Self.console, [.origin: "https://evil.example"]), body).status == .forbidden)
            #expect(try await send(.post, "/api/v1/session", Self.console, #"{"token":"qdt_nope"}"#).status == .unauthorized)
            #expect(try await send(.post, "/api/v1/session", Self.console, #"{"token":"x","remember":true}"#).status.code / 100 == 4)
            #expect(try await send(.post, "/api/v1/session", Self.console, "not json").status.code / 100 == 4)
            let session = try #require(try await send(.post, "/api/v1/session", Self.console, body).session)
            let node = #"{"id":"n1","name":"n1"}"#
            let noHeader = try await send(.post, "/api/v1/nodes", with(json, cookie(session)), node)
            #expect(noHeader.status == .forbidden && noHeader.text.contains("X-Qonduit-CSRF"), "\(noHeader.text)")
            let crossOrigin = try await send(
                .post, "/api/v1/nodes", with(with(Self.console, cookie(session)), [.origin: "https://evil.example"]), node)
            #expect(crossOrigin.status == .forbidden && crossOrigin.text.contains("evil.example"), "\(crossOrigin.text)")
            let crossSite = try await send(
                .post, "/api/v1/nodes", with(with(Self.console, cookie(session)), [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]), node)
            #expect(crossSite.status == .forbidden)
            #expect(try await inventory.nodes(limit: 10, offset: 0).total == 0, "nothing refused was made")
            let allowed = try await send(
                .post, "/api/v1/nodes", with(with(Self.console, cookie(session)), [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]), node)
            #expect(allowed.status == .created, "\(allowed.text)")
            // A bearer token is not a cookie: API clients need no console header.
            let bearer = try await send(.post, "/api/v1/nodes", with(json, [.authorization: "Bearer \(admin.1.text)"]), #"{"id":"n2","name":"n2"}"#)
            #expect(bearer.status == .created)
        }
    }

    @Test func metricsNeedAViewerUnlessOpenAndCountRequestsAndTheNetwork() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let viewer = try await inventory.createAPIToken(role: .viewer, description: "v", expiresAt: nil, createdBy: nil).1.text
        let admin = try await inventory.createAPIToken(role: .admin, description: "a", expiresAt: nil, createdBy: nil).1.text
        try await withRouter(inventory) { send in
            #expect(try await send(.get, "/metrics", [:], nil).status == .unauthorized)
            let auth: HTTPFields = [.authorization: "Bearer \(admin)", .contentType: "application/json"]
            for id in ["a", "b", "c"] {
                #expect(try await send(.post, "/api/v1/nodes", auth, #"{"id":"\#(id)","name":"\#(id)","trusted":true}"#).status == .created)
            }
            #expect(
                try await send(.post, "/api/v1/links", auth, #"{"id":"ab","node_a":"a","node_b":"b","length_km":10,"key_rate_bps":1000}"#).status
                    == .created)
            #expect(
                try await send(
                    .post, "/api/v1/links", auth, #"{"id":"bc","node_a":"b","node_b":"c","length_km":10,"key_rate_bps":500,"status":"down"}"#
                ).status == .created)
            #expect(try await send(.get, "/api/v1/nodes/nope", auth, nil).status == .notFound)
            let scrape = try await send(.get, "/metrics", [.authorization: "Bearer \(viewer)"], nil)
            #expect(scrape.status == .ok && scrape.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = scrape.text
            for line in [
                #"qonduit_http_requests_total{route="/api/v1/nodes",method="POST",status="201"} 3"#,
                #"qonduit_http_requests_total{route="/api/v1/nodes/{id}",method="GET",status="404"} 1"#,
                #"qonduit_links{status="up"} 1.0"#, #"qonduit_links{status="down"} 1.0"#, #"qonduit_key_paths{state="active"} 0.0"#,
                #"qonduit_key_rate_bits_per_second 1000.0"#, #"qonduit_reserved_key_rate_bits_per_second 0.0"#,
                #"qonduit_agents{kind="registered",state="reachable"} 0.0"#,
            ] {
                #expect(text.contains(line + "\n"), "missing \(line)")
            }
            #expect(text.contains(#"qonduit_http_request_duration_seconds_bucket{route="/api/v1/nodes",method="POST",status="201",le="+Inf"} 3"#))
        }
        try await withRouter(inventory, configuration: APIConfiguration(metricsOpen: true)) { send in
            let open = try await send(.get, "/metrics", [:], nil)
            #expect(open.status == .ok, "serve --metrics-open")
        }
    }

    @Test func theConsoleIsServedWithAPolicyThatLoadsNothingFromElsewhere() async throws {
        let router = Router()
        OperatorConsole.register(on: router)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/html; charset=utf-8")
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
                #expect(String(buffer: response.body).contains(#"<script type="module" src="/console/console.js">"#))
            }
            for file in ["console.js", "map.js", "api.js", "dom.js", "events.js", "details.js"] {
                try await client.execute(uri: "/console/\(file)", method: .get) { response in
                    #expect(response.headers[.contentType] == "text/javascript; charset=utf-8", "\(file)")
                    // SVG's namespace name is an identifier, not an address anything is fetched from.
                    let code = String(buffer: response.body).replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
                    #expect(!code.contains("http://") && !code.contains("https://"), "\(file) fetches nothing from elsewhere")
                }
            }
            try await client.execute(uri: "/console/../Package.swift", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/console/secret.js", method: .get) { #expect($0.status == .notFound) }
        }
    }
}
