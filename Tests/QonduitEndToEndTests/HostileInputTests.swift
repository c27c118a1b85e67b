import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitControllerTestSupport
import QonduitTestSupport
import Testing

/// A corpus of hostile requests against a real controller: each must be refused with a 4xx
/// problem, the inventory must be left exactly as it was, and the server must stay up.
@Suite(.serialized) struct HostileInputTests {
    struct Attack: Sendable, CustomStringConvertible {
        var name: String
        var method: HTTPMethod
        var path: String
        var contentType: String
        var body: [UInt8]?
        var description: String { name }

        init(_ name: String, _ method: HTTPMethod, _ path: String, json body: String?) {
            self.init(name, method, path, "application/json", bytes: body.map { Array($0.utf8) })
        }

        init(_ name: String, _ method: HTTPMethod, _ path: String, _ contentType: String, bytes: [UInt8]?) {
            self.name = name
            self.method = method
            self.path = path
            self.contentType = contentType
            self.body = bytes
        }
    }

    static let qkdNode = "urn:etsi:qkd:yang:etsi-qkd-node"

    /// XML attacks, sent to every endpoint that reads XML.
    static func xmlAttacks() -> [(String, [UInt8])] {
        let deep = String(repeating: "<a>", count: 5_000) + String(repeating: "</a>", count: 5_000)
        var laughs = #"<!ENTITY lol0 "lol">"#
        for level in 1...9 { laughs += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">" }
        return [
            (
                "external entity",
                Array(
                    #"<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><qkd_node xmlns="\#(qkdNode)"><qkdn_id>&x;</qkdn_id></qkd_node>"#
                        .utf8)
            ),
            ("parameter entity", Array(#"<!DOCTYPE q [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]><qkd_node xmlns="\#(qkdNode)"/>"#.utf8)),
            ("external DTD", Array(#"<!DOCTYPE qkd_node SYSTEM "http://127.0.0.1:1/x.dtd"><qkd_node xmlns="\#(qkdNode)"/>"#.utf8)),
            ("billion laughs", Array("<!DOCTYPE q [\(laughs)]><q>&lol9;</q>".utf8)),
            ("deep nesting", Array(deep.utf8)),
            ("huge attribute", Array("<qkd_node xmlns=\"\(qkdNode)\" junk=\"\(String(repeating: "A", count: 2_000_000))\"/>".utf8)),
            ("huge text", Array("<qkd_node xmlns=\"\(qkdNode)\"><qkdn_id>\(String(repeating: "9", count: 2_000_000))</qkdn_id></qkd_node>".utf8)),
            (
                "invalid UTF-8",
                Array("<qkd_node xmlns=\"\(qkdNode)\"><qkdn_id>".utf8) + [0xC3, 0x28, 0xFF, 0xFE] + Array("</qkdn_id></qkd_node>".utf8)
            ),
            ("undeclared prefix", Array("<x:qkd_node xmlns=\"\(qkdNode)\"><qkdn_id/></x:qkd_node>".utf8)),
            (
                "namespace undeclared",
                Array("<qkd_node xmlns=\"\(qkdNode)\"><qkdn_id xmlns=\"\">00000000-0000-4000-8000-000000000001</qkdn_id></qkd_node>".utf8)
            ),
            ("wrong namespace", Array("<qkd_node xmlns=\"urn:evil\"><qkdn_id>00000000-0000-4000-8000-000000000001</qkdn_id></qkd_node>".utf8)),
            (
                "xinclude",
                Array(
                    "<qkd_node xmlns=\"\(qkdNode)\" xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"file:///etc/passwd\" parse=\"text\"/></qkd_node>"
                        .utf8)
            ),
            ("truncated", Array("<qkd_node xmlns=\"\(qkdNode)\"><qkdn_id>".utf8)),
            ("two roots", Array("<a/><b/>".utf8)),
            ("NUL byte", Array("<qkd_node xmlns=\"\(qkdNode)\">".utf8) + [0] + Array("</qkd_node>".utf8)),
            ("not XML", Array("{\"json\": true}".utf8)),
            ("empty", []),
        ]
    }

    /// JSON attacks, sent to every endpoint that reads JSON.
    static func jsonAttacks() -> [(String, String)] {
        let metacharacters = "x'; DROP TABLE node; --"
        return [
            ("deep nesting", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)),
            ("deep objects", String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000)),
            (
                "huge number",
                #"{"id":"n1","source":"a","destination":"b","rate_bps":1e999,"node_a":"a","node_b":"b","length_km":1e999,"key_rate_bps":1e999}"#
            ),
            (
                "huge integer",
                #"{"id":"n1","source":"a","destination":"b","rate_bps":123456789012345678901234567890,"max_hops":123456789012345678901234567890}"#
            ),
            ("negative infinity", #"{"id":"n1","source":"a","destination":"b","rate_bps":-1e999,"length_km":-1,"key_rate_bps":-5}"#),
            ("wrong types", #"{"id":5,"name":["x"],"source":{},"destination":true,"rate_bps":"fast","trusted":"yes"}"#),
            (
                "SQL in ids",
                #"{"id":"\#(metacharacters)","source":"\#(metacharacters)","destination":"\#(metacharacters)","node_a":"\#(metacharacters)","node_b":"n","length_km":1,"key_rate_bps":1,"rate_bps":1}"#
            ),
            (
                "path traversal id",
                #"{"id":"../../etc/passwd","source":"../a","destination":"..\\b","node_a":"/etc","node_b":"n","length_km":1,"key_rate_bps":1,"rate_bps":1}"#
            ),
            ("trailing garbage", #"{"id":"zz"} {"#),
            ("not JSON", "<xml/>"),
            ("array", "[1,2,3]"),
            ("null", "null"),
            ("unknown fields", #"{"id":"zz9","is_admin":true,"__proto__":{}}"#),
            ("control characters", "{\"id\":\"a\u{0}b\",\"name\":\"\u{1}\",\"source\":\"\u{7F}\"}"),
            ("lone surrogate", #"{"id":"\ud800","source":"\udc00"}"#),
            ("empty", ""),
        ]
    }

    static let jsonEndpoints: [(HTTPMethod, String)] = [
        (.POST, "/api/v1/nodes"), (.POST, "/api/v1/links"), (.POST, "/api/v1/key-paths"), (.POST, "/api/v1/paths/compute"),
        (.PATCH, "/api/v1/nodes/mad-norte"), (.PATCH, "/api/v1/links/mad-L1"), (.POST, "/api/v1/key-paths/reoptimize"),
    ]

    static let xmlEndpoints = [
        "/api/v1/topology/import", "/southbound/v1/agents?restconf_url=http://127.0.0.1:1/restconf",
        "/southbound/v1/notifications?qkdn_id=00000000-0000-4000-8000-000000000001",
    ]

    static let traversals = [
        "/api/v1/nodes/..%2F..%2Fetc%2Fpasswd", "/api/v1/nodes/%2e%2e", "/api/v1/links/..%5C..%5Cwindows", "/api/v1/nodes/%00",
        "/api/v1/key-paths/..%2Fkey-paths", "/api/v1/nodes/mad-norte%27%3B%20DROP%20TABLE%20node%3B--/etsi",
        "/api/v1/key-paths/x'%20OR%201=1", "/api/v1/nodes/" + String(repeating: "a", count: 10_000),
    ]

    func send(_ attack: Attack, to base: String) async throws -> (status: Int, contentType: String?) {
        var request = HTTPClientRequest.authorized(url: base + attack.path)
        request.method = attack.method
        if let body = attack.body {
            request.headers.add(name: "Content-Type", value: attack.contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), response.headers.first(name: "Content-Type"))
    }

    /// Everything the API shows, to compare before and after.
    func snapshot(_ base: String) async throws -> [String] {
        var texts: [String] = []
        for path in ["/api/v1/topology", "/api/v1/key-paths?limit=10000", "/api/v1/agents"] {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest.authorized(url: base + path), timeout: .seconds(30))
            texts.append(String(buffer: try await response.body.collect(upTo: 64 << 20)))
        }
        return texts
    }

    @Test func hostileRequestsAreRefusedAndChangeNothing() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await InProcessController.start(topology: metro)
        defer { controller.terminate() }
        let before = try await snapshot(controller.baseURL)

        var attacks: [Attack] = []
        for (method, path) in Self.jsonEndpoints {
            // Re-optimisation takes no body at all (then it looks at every path): only an empty body is not an attack there.
            for (name, body) in Self.jsonAttacks() where !(name == "empty" && path.hasSuffix("/reoptimize")) {
                attacks.append(Attack("JSON \(name) → \(method) \(path)", method, path, json: body))
            }
        }
        for path in Self.xmlEndpoints {
            for (name, bytes) in Self.xmlAttacks() {
                attacks.append(Attack("XML \(name) → \(path)", .POST, path, "application/yang-data+xml", bytes: bytes))
            }
        }
        for path in Self.traversals {
            attacks.append(Attack("traversal GET \(path.prefix(60))", .GET, path, json: nil))
            attacks.append(Attack("traversal DELETE \(path.prefix(60))", .DELETE, path, json: nil))
        }
        var wrong: [String] = []
        for attack in attacks {
            let (status, contentType) = try await send(attack, to: controller.baseURL)
            if !(400..<500).contains(status) {
                wrong.append("\(attack): \(status)")
            } else if contentType != "application/problem+json" && !attack.path.hasPrefix("/southbound") {
                wrong.append("\(attack): \(status) answered as \(contentType ?? "nothing"), not problem+json")
            }
        }
        #expect(
            wrong.isEmpty,
            "\(wrong.count) of \(attacks.count) hostile requests were not refused with a 4xx problem:\n\(wrong.joined(separator: "\n"))")

        // A free-text field takes SQL metacharacters as text; no statement ever sees them as SQL.
        let named = try await httpStatus(.PATCH, "\(controller.baseURL)/api/v1/nodes/mad-norte", json: #"{"name":"x'); DROP TABLE node; --"}"#)
        #expect(named == 200)
        let node = try await HTTPClient.shared.execute(
            HTTPClientRequest.authorized(url: "\(controller.baseURL)/api/v1/nodes/mad-norte"), timeout: .seconds(30))
        #expect(String(buffer: try await node.body.collect(upTo: 1 << 20)).contains(#"x'); DROP TABLE node; --"#))
        #expect(
            try await httpStatus(.PATCH, "\(controller.baseURL)/api/v1/nodes/mad-norte", json: #"{"name":"Telefonica Distrito C (Las Tablas)"}"#)
                == 200)

        #expect(try await httpStatus(.GET, "\(controller.baseURL)/healthz", json: nil) == 200, "the server is still up")
        let after = try await snapshot(controller.baseURL)
        #expect(after.count == before.count)
        // Timestamps move with the rename above: compare without them.
        func stripped(_ text: String) -> String { text.replacingOccurrences(of: #""updated_at":"[^"]*""#, with: "", options: .regularExpression) }
        #expect(zip(before, after).allSatisfy { stripped($0) == stripped($1) }, "the inventory is as it was")
    }
}
