import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import QonduitAPI
import QonduitControllerTestSupport
import QonduitCore
import QonduitETSI
import QonduitProvisioning
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport
import Synchronization
import Testing

/// A response with its body parsed as JSON when it is JSON.
struct APIResponse: Sendable {
    var status: HTTPResponse.Status
    var contentType: String?
    var text: String
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:] }
    var errors: [[String: Any]] { json["errors"] as? [[String: Any]] ?? [] }
    var detail: String { json["detail"] as? String ?? "" }
    var isProblem: Bool { contentType == "application/problem+json" && json["status"] as? Int == Int(status.code) }
}

/// Sends a request: method, URI, optional JSON or XML body.
typealias APICall = @Sendable (HTTPRequest.Method, String, String?) async throws -> APIResponse

/// Runs `body` against the API in process, on a fresh in-memory inventory, each request made with
/// a token of `role` (none when nil).
@discardableResult
func withAPI<Value: Sendable>(
    configuration: APIConfiguration = .init(), inventory: (any Inventory)? = nil, configurator: any NodeConfigurator = ScriptedConfigurator(),
    provisioner chosen: KeyPathProvisioner? = nil, role: Role? = .admin, _ body: @Sendable (_ call: @escaping APICall) async throws -> Value
) async throws -> Value {
    let inventory = try inventory ?? SQLiteInventory(path: ":memory:")
    var token: String?
    if let role { token = try await inventory.createAPIToken(role: role, description: "test", expiresAt: nil, createdBy: nil).1.text }
    return try await withAPI(
        configuration: configuration, inventory: inventory, configurator: configurator, provisioner: chosen, token: token, body
    )
}

/// Runs `body` against the API in process (provisioning with `chosen`, or over `configurator`); each
/// request carries `token` (none when nil).
@discardableResult
func withAPI<Value: Sendable>(
    configuration: APIConfiguration = .init(), inventory: any Inventory, configurator: any NodeConfigurator = ScriptedConfigurator(),
    provisioner chosen: KeyPathProvisioner? = nil, token: String?, _ body: @Sendable (_ call: @escaping APICall) async throws -> Value
) async throws -> Value {
    let app = Application(
        router: NorthboundAPI.router(
            inventory: inventory, provisioner: chosen ?? provisioner(inventory, configurator), configuration: configuration
        ))
    var fields: HTTPFields = [.contentType: "application/json"]
    if let token { fields[.authorization] = "Bearer \(token)" }
    let headers = fields
    return try await app.test(.router) { client in
        try await body { method, uri, requestBody in
            try await client.execute(
                uri: uri, method: method, headers: headers,
                body: requestBody.map { ByteBuffer(string: $0) }
            ) { response in
                APIResponse(
                    status: response.status, contentType: response.headers[.contentType],
                    text: String(buffer: response.body)
                )
            }
        }
    }
}

func exampleTopology(_ index: Int = 0) throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let files = try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent("Topologies"), includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "xml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    return try String(contentsOf: files[index], encoding: .utf8)
}
