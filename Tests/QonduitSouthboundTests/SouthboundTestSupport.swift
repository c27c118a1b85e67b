import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import QonduitAPI
import QonduitCore
import QonduitETSI
import QonduitProvisioning
import QonduitSQLite
import QonduitSouthbound
import QonduitStorage

struct SouthboundResponse: Sendable {
    var status: HTTPResponse.Status
    var contentType: String?
    var text: String
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:] }
    var errors: RESTCONFErrors? { RESTCONFErrors.decode(Array(text.utf8)) }
}

/// Sends a request to the controller in process: `/api/v1` with an admin token, `/southbound/v1`
/// with the credential of node `as` (the test's agents each have one; nil sends none).
struct SouthboundCall: Sendable {
    let send: @Sendable (HTTPRequest.Method, String, String?, String?) async throws -> SouthboundResponse
    let adminToken: String
    let credentials: [QKDUUID: String]

    func callAsFunction(_ method: HTTPRequest.Method, _ uri: String, _ body: String?, as node: QKDUUID? = nodeA) async throws -> SouthboundResponse {
        let secret = uri.hasPrefix("/api/") ? adminToken : node.flatMap { credentials[$0] }
        return try await send(method, uri, body, secret)
    }

    /// Sends with exactly this bearer secret (nil: none).
    func presenting(_ secret: String?, _ method: HTTPRequest.Method, _ uri: String, _ body: String?) async throws -> SouthboundResponse {
        try await send(method, uri, body, secret)
    }
}

/// The controller's router (northbound and southbound) in process, over a fresh inventory with
/// two nodes `a` and `b` joined by link `ab`, whose GS QKD 015 ids are fixed.
func withController(
    autoOnboard: Bool = false, _ body: @Sendable (_ call: SouthboundCall, _ inventory: any Inventory) async throws -> Void
) async throws {
    let inventory = try SQLiteInventory(path: ":memory:")
    _ = try await inventory.createNode(QKDNode(id: try NodeID("a"), qkdnID: nodeA))
    _ = try await inventory.createNode(QKDNode(id: try NodeID("b"), qkdnID: nodeB))
    _ = try await inventory.createLink(
        QKDLink(
            id: try LinkID("ab"), nodeA: try NodeID("a"), nodeB: try NodeID("b"),
            lengthKm: 10, keyRateBps: 5_000, qkdlID: linkAB))
    var logger = Logger(label: "test-provisioner")
    logger.logLevel = .critical
    let provisioner = KeyPathProvisioner(inventory: inventory, configurator: RESTCONFNodeConfigurator(inventory: inventory), logger: logger)
    let router = NorthboundAPI.router(inventory: inventory, provisioner: provisioner)
    SouthboundAPI.register(on: router, inventory: inventory, configuration: .init(heartbeatIntervalMs: 1_000, autoOnboard: autoOnboard))
    let app = Application(router: router)
    let adminToken = try await inventory.createAPIToken(role: .admin, description: nil, expiresAt: nil, createdBy: nil).1.text
    var credentials: [QKDUUID: String] = [:]
    for node in [nodeA, nodeB, stranger] {
        credentials[node] = try await inventory.issueAgentCredential(for: node, createdBy: nil).1.text
    }
    try await app.test(.router) { [credentials] client in
        let call = SouthboundCall(
            send: { method, uri, requestBody, secret in
                var headers: HTTPFields = [.contentType: "application/yang-data+xml"]
                if let secret { headers[.authorization] = "Bearer \(secret)" }
                return try await client.execute(uri: uri, method: method, headers: headers, body: requestBody.map { ByteBuffer(string: $0) }) {
                    response in
                    SouthboundResponse(status: response.status, contentType: response.headers[.contentType], text: String(buffer: response.body))
                }
            }, adminToken: adminToken, credentials: credentials)
        try await body(call, inventory)
    }
}

let nodeA = QKDUUID("aaaaaaaa-0000-4000-8000-00000000000a")!
let nodeB = QKDUUID("bbbbbbbb-0000-4000-8000-00000000000b")!
let linkAB = QKDUUID("abababab-0000-4000-8000-0000000000ab")!
/// A node the inventory lacks, whose agent has a credential all the same (to onboard it).
let stranger = QKDUUID("dddddddd-0000-4000-8000-00000000000d")!
let agentURL = "http://127.0.0.1:9001/restconf"

func register(_ call: SouthboundCall, _ node: ETSINode, url: String = agentURL) async throws -> SouthboundResponse {
    try await call(.post, "/southbound/v1/agents?restconf_url=\(url)", node.encoded(), as: node.id)
}

func notify(_ call: SouthboundCall, _ event: AgentEvent, from node: QKDUUID? = nodeA) async throws -> SouthboundResponse {
    let query = node.map { "?qkdn_id=\($0.text)" } ?? ""
    return try await call(
        .post, "/southbound/v1/notifications\(query)", AgentNotification(eventTime: "2026-11-25T12:00:00Z", event: event).encoded(), as: node ?? nodeA
    )
}
