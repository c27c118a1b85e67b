import Foundation
import Hummingbird
import HummingbirdTesting
import QonduitAPI
import QonduitCore
import QonduitETSI
import QonduitInventory
import QonduitProvisioning
import QonduitSouthbound
import Logging

struct SouthboundResponse: Sendable {
    var status: HTTPResponse.Status
    var contentType: String?
    var text: String
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:] }
    var errors: RESTCONFErrors? { RESTCONFErrors.decode(Array(text.utf8)) }
}

typealias SouthboundCall = @Sendable (HTTPRequest.Method, String, String?) async throws -> SouthboundResponse

/// The controller's router (northbound and southbound) in process, over a fresh inventory with
/// two nodes `a` and `b` joined by link `ab`, whose GS QKD 015 ids are fixed.
func withController(
    autoOnboard: Bool = false, _ body: @Sendable (_ call: SouthboundCall, _ inventory: Inventory) async throws -> Void
) async throws {
    let inventory = try Inventory(path: ":memory:")
    _ = try await inventory.createNode(QKDNode(id: try NodeID("a"), qkdnID: nodeA))
    _ = try await inventory.createNode(QKDNode(id: try NodeID("b"), qkdnID: nodeB))
    _ = try await inventory.createLink(QKDLink(id: try LinkID("ab"), nodeA: try NodeID("a"), nodeB: try NodeID("b"),
                                               lengthKm: 10, keyRateBps: 5_000, qkdlID: linkAB))
    var logger = Logger(label: "test-provisioner")
    logger.logLevel = .critical
    let provisioner = KeyPathProvisioner(inventory: inventory, configurator: RESTCONFNodeConfigurator(inventory: inventory), logger: logger)
    let router = NorthboundAPI.router(inventory: inventory, provisioner: provisioner)
    SouthboundAPI.register(on: router, inventory: inventory, configuration: .init(heartbeatIntervalMs: 1_000, autoOnboard: autoOnboard))
    let app = Application(router: router)
    try await app.test(.router) { client in
        try await body({ method, uri, requestBody in
            try await client.execute(
                uri: uri, method: method, headers: [.contentType: "application/yang-data+xml"],
                body: requestBody.map { ByteBuffer(string: $0) }
            ) { response in
                SouthboundResponse(status: response.status, contentType: response.headers[.contentType], text: String(buffer: response.body))
            }
        }, inventory)
    }
}

let nodeA = QKDUUID("aaaaaaaa-0000-4000-8000-00000000000a")!
let nodeB = QKDUUID("bbbbbbbb-0000-4000-8000-00000000000b")!
let linkAB = QKDUUID("abababab-0000-4000-8000-0000000000ab")!
let agentURL = "http://127.0.0.1:9001/restconf"

func register(_ call: SouthboundCall, _ node: ETSINode, url: String = agentURL) async throws -> SouthboundResponse {
    try await call(.post, "/southbound/v1/agents?restconf_url=\(url)", node.encoded())
}

func notify(_ call: SouthboundCall, _ event: AgentEvent, from node: QKDUUID? = nodeA) async throws -> SouthboundResponse {
    let query = node.map { "?qkdn_id=\($0.text)" } ?? ""
    return try await call(.post, "/southbound/v1/notifications\(query)", AgentNotification(eventTime: "2026-11-25T12:00:00Z", event: event).encoded())
}
