import Foundation
import Hummingbird
import HummingbirdTesting
import QonduitAPI
import Logging
import QonduitCore
import QonduitETSI
import QonduitInventory
import QonduitProvisioning
import Synchronization
import Testing

/// Stands in for the node agents: records what provisioning configures on each node, and refuses
/// on the nodes it is told to.
final class ScriptedConfigurator: NodeConfigurator {
    struct State {
        /// Entries (virtual links and applications, by id) each node holds now.
        var configured: [NodeID: Set<QKDUUID>] = [:]
        var refusing: Set<NodeID> = []
    }

    let state = Mutex(State())
    /// Called before each node is configured (a test looks at the inventory mid-flight).
    let probe: (@Sendable (NodeID) async -> Void)?

    init(refusing: Set<NodeID> = [], probe: (@Sendable (NodeID) async -> Void)? = nil) {
        self.probe = probe
        state.withLock { $0.refusing = refusing }
    }

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    func configure(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) async throws {
        await probe?(node)
        try state.withLock { state in
            if state.refusing.contains(node) { throw Refused(description: "the agent answered 500: simulated refusal") }
            state.configured[node, default: []].formUnion(links.map(\.id) + applications.map(\.id))
        }
    }

    func unconfigure(_ node: NodeID, links: [QKDUUID], applications: [QKDUUID]) async throws {
        state.withLock { state in
            state.configured[node]?.subtract(links + applications)
            if state.configured[node]?.isEmpty == true { state.configured[node] = nil }
        }
    }

    var configured: [NodeID: Set<QKDUUID>] { state.withLock { $0.configured } }
}

/// Agents that note, for each push, the entries sent (virtual links, applications), those of every stored path at that
/// moment, and the entries then in flight (`inFlight`, once set).
final class CommitCheckingConfigurator: NodeConfigurator {
    let inventory: Inventory
    let agents = ScriptedConfigurator()
    /// Each push: its entries, and those the inventory had committed (routes' virtual links and
    /// applications) and those in flight when it arrived.
    let sent = Mutex<[(links: [QKDUUID], applications: [QKDUUID], committed: Set<QKDUUID>, inFlight: Set<QKDUUID>)]>([])
    let inFlight = Mutex<EntriesInFlight?>(nil)

    init(inventory: Inventory) {
        self.inventory = inventory
    }

    func configure(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) async throws {
        try await prepare(node, links: links, applications: applications)()
    }

    func prepare(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) -> NodeConfigurationPush {
        { [self] in
            let stored = try await inventory.keyPaths(limit: 1_000).items.flatMap { $0.value.routes.map(\.qkdlID) + [$0.value.appID] }
            let flying = inFlight.withLock { $0?.ids } ?? []
            sent.withLock { $0.append((links.map(\.id), applications.map(\.id), Set(stored), flying)) }
            try await agents.configure(node, links: links, applications: applications)
        }
    }

    func unconfigure(_ node: NodeID, links: [QKDUUID], applications: [QKDUUID]) async throws {
        try await agents.unconfigure(node, links: links, applications: applications)
    }
}

func provisioner(
    _ inventory: Inventory, _ configurator: any NodeConfigurator, qberThreshold: Double? = 0.11, rerouteSlice: Int = Inventory.decidedSlice,
    confirmationWait: Duration = .seconds(1)
) -> KeyPathProvisioner {
    var logger = Logger(label: "test-provisioner")
    logger.logLevel = .critical
    return KeyPathProvisioner(
        inventory: inventory, configurator: configurator, logger: logger, qberThreshold: qberThreshold, rerouteSlice: rerouteSlice,
        confirmationWait: confirmationWait
    )
}

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
    configuration: APIConfiguration = .init(), inventory: Inventory? = nil, configurator: any NodeConfigurator = ScriptedConfigurator(),
    provisioner chosen: KeyPathProvisioner? = nil, role: Role? = .admin, _ body: @Sendable (_ call: @escaping APICall) async throws -> Value
) async throws -> Value {
    let inventory = try inventory ?? Inventory(path: ":memory:")
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
    configuration: APIConfiguration = .init(), inventory: Inventory, configurator: any NodeConfigurator = ScriptedConfigurator(),
    provisioner chosen: KeyPathProvisioner? = nil, token: String?, _ body: @Sendable (_ call: @escaping APICall) async throws -> Value
) async throws -> Value {
    let app = Application(router: NorthboundAPI.router(
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
