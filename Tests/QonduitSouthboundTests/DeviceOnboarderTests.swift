import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import QonduitAgent
import QonduitControllerTestSupport
import QonduitCore
import QonduitETSI
import QonduitProvisioning
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport
import Synchronization
import Testing

@testable import QonduitSouthbound

/// Onboarding against devices that misbehave: each is refused in bounded time with the reason, and
/// nothing is stored. And a device that does not list YANG Patch gets plain RFC 8040 deletes.
@Suite struct DeviceOnboarderTests {
    static let qkdn = QKDUUID("eeeeeeee-0000-4000-8000-00000000000e")!

    /// By default a one-second deadline, so that a device that never answers is given up on quickly;
    /// a test of a device that does answer gives a machine under load the usual time.
    func onboarder(_ inventory: any Inventory, deadline: TimeAmount = .seconds(1)) -> DeviceOnboarder {
        var logger = Logger(label: "onboarding")
        logger.logLevel = .critical
        let restconf = AgentRESTCONFClient(inventory: inventory, timeout: deadline)
        return DeviceOnboarder(inventory: inventory, restconf: restconf, sealer: nil, logger: logger)
    }

    func inventory() async throws -> any Inventory {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(QKDNode(id: try NodeID("e")))
        return inventory
    }

    func faultyDevice() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/loop/restconf/data/etsi-qkd-sdn-node:qkd_node") { _, _ in
            Response(status: .found, headers: [.location: "/loop/restconf/data/etsi-qkd-sdn-node:qkd_node"])
        }
        router.get("/silent/restconf/data/etsi-qkd-sdn-node:qkd_node") { _, _ in
            try await Task.sleep(for: .seconds(3))
            return Response(status: .ok)
        }
        router.get("/huge/restconf/data/etsi-qkd-sdn-node:qkd_node") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yang-data+json"],
                body: ResponseBody { writer in
                    let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 1 << 20)
                    for _ in 0..<20 { try await writer.write(chunk) }
                    try await writer.finish(nil)
                })
        }
        router.get("/truncated/restconf/data/etsi-qkd-sdn-node:qkd_node") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yang-data+json"],
                body: .init(byteBuffer: ByteBuffer(string: String(ETSINode(id: Self.qkdn).encodedJSON().dropLast(5)))))
        }
        router.get("/wrongmodel/restconf/data/etsi-qkd-sdn-node:qkd_node") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yang-data+json"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: #"{"etsi-qkd-sdn-node:qkd_node":{"qkdn_id":"\#(Self.qkdn.text)","qkdn_status":"etsi-qkd-node-types:ASLEEP"}}"#)))
        }
        return router
    }

    @Test(
        .timeLimit(.minutes(2)),
        arguments: [
            ("/loop", "redirect"),
            ("/silent", "unreachable"),
            ("/huge", "larger than 16777216 bytes"),
            ("/truncated", "not well-formed JSON"),
            ("/wrongmodel", "qkdn_status"),
            ("/absent", "has no etsi-qkd-sdn-node:qkd_node (404)"),
        ])
    func aFaultyDeviceIsRefusedWithTheReason(path: String, reason: String) async throws {
        let app = Application(router: faultyDevice(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let inventory = try await inventory()
            let url = "http://127.0.0.1:\(client.port!)\(path)/restconf"
            // The 1 s deadline is what the silent device tests (bounded: a hang meets the time limit); the others answer, and a loaded machine
            // may take longer than that to follow a redirect loop to its end.
            let onboarder = onboarder(inventory, deadline: path == "/silent" ? .seconds(1) : .seconds(15))
            await #expect { try await onboarder.onboard(.init(node: try NodeID("e"), url: url, encoding: .json)) } throws: { error in
                "\(error)".localizedCaseInsensitiveContains(reason)
            }
            #expect(try await inventory.agents().isEmpty)
        }
    }

    /// A device without the YANG Patch capability has entries taken off one `DELETE` each; one with it, in one `PATCH`.
    @Test(arguments: [false, true])
    func yangPatchIsUsedOnlyWhereTheDeviceListsIt(lists: Bool) async throws {
        let node = FleetNode(nodeID: "e", qkdnID: Self.qkdn, links: []).simulatedNode()
        let links = (1...3).map {
            ETSILink(id: QKDUUID(String(format: "eeeeeeee-1111-4000-8000-%012d", $0))!, type: .virtual, virtualBandwidthBps: 10)
        }
        try await node.put(links: links)
        let router = AgentRESTCONFServer.router(for: node, capabilities: lists ? .agent : RESTCONFCapabilities([RESTCONFCapabilities.defaults]))
        let methods = MethodLog()
        let app = Application(
            responder: Recording(inner: router.buildResponder(), log: methods), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let inventory = try await inventory()
            let url = "http://127.0.0.1:\(client.port!)/restconf"
            try await onboarder(inventory, deadline: .seconds(30)).onboard(.init(node: try NodeID("e"), url: url, encoding: .xml))
            methods.clear()
            try await AgentRESTCONFClient(inventory: inventory).remove(links.map { .link($0.id) }, at: url)
            #expect(methods.recorded == (lists ? ["PATCH"] : ["DELETE", "DELETE", "DELETE"]))
            #expect(await node.tree.links.isEmpty)
        }
    }
}

final class MethodLog: Sendable {
    private let methods = Mutex<[String]>([])
    func record(_ method: String) { methods.withLock { $0.append(method) } }
    func clear() { methods.withLock { $0.removeAll() } }
    var recorded: [String] { methods.withLock { $0 } }
}

/// A responder that records each request's method before the device answers it.
struct Recording<Inner: HTTPResponder>: HTTPResponder where Inner.Context == BasicRequestContext {
    let inner: Inner
    let log: MethodLog

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        log.record(request.method.rawValue)
        return try await inner.respond(to: request, context: context)
    }
}

/// A device as ETSI TeraFlowSDN's mock node behaves: no `PUT`, `PATCH` or `DELETE` on its data (Flask's
/// 405 page), only a `POST` of a list container.
struct CreateOnlyDevice<Inner: HTTPResponder>: HTTPResponder where Inner.Context == BasicRequestContext {
    let inner: Inner
    let log: MethodLog

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        log.record(request.method.rawValue)
        guard [.put, .patch, .delete].contains(request.method), request.uri.path.contains("/data/") else {
            return try await inner.respond(to: request, context: context)
        }
        let page = """
            <!doctype html>
            <html lang=en>
            <title>405 Method Not Allowed</title>
            <h1>Method Not Allowed</h1>
            <p>The method is not allowed for the requested URL.</p>
            """
        return Response(
            status: .methodNotAllowed, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}

@Suite struct CreateOnlyDeviceTests {
    /// Configured by RFC 8040 create once it refuses PUT, remembered as such (and shown), and its
    /// refusal of DELETE told in one line naming what it keeps, never as an HTML page.
    @Test func aDeviceWithoutPutIsConfiguredByCreateAndItsRefusalsAreToldShortly() async throws {
        let node = FleetNode(nodeID: "e", qkdnID: DeviceOnboarderTests.qkdn, links: []).simulatedNode()
        let router = AgentRESTCONFServer.router(for: node, capabilities: RESTCONFCapabilities([RESTCONFCapabilities.defaults]))
        let methods = MethodLog()
        let app = Application(
            responder: CreateOnlyDevice(inner: router.buildResponder(), log: methods), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let inventory = try await DeviceOnboarderTests().inventory()
            let url = "http://127.0.0.1:\(client.port!)/restconf"
            try await DeviceOnboarderTests().onboarder(inventory, deadline: .seconds(30)).onboard(
                .init(node: try NodeID("e"), url: url, encoding: .json))
            #expect(try await inventory.agents().first?.writeMethod == .put, "the standard method first")
            let restconf = AgentRESTCONFClient(inventory: inventory)
            let links = (1...2).map {
                ETSILink(id: QKDUUID(String(format: "eeeeeeee-2222-4000-8000-%012d", $0))!, type: .virtual, virtualBandwidthBps: 10)
            }
            methods.clear()
            try await restconf.put(links: [links[0]], at: url)
            #expect(methods.recorded == ["PUT", "POST"], "refused, then created")
            #expect(try await inventory.agents().first?.writeMethod == .post, "remembered, and shown")
            methods.clear()
            try await restconf.put(links: links, at: url)
            #expect(methods.recorded == ["POST"], "straight to create from then on")
            #expect(Set(await node.tree.links.map(\.id)) == Set(links.map(\.id)))

            let refusal = await #expect(throws: AgentRESTCONFClient.Failure.self) {
                try await restconf.remove(links.map { .link($0.id) }, at: url)
            }
            let message = refusal?.message ?? ""
            #expect(message.hasPrefix("device refuses DELETE (405): 2 entries it should not hold: \(links[0].id.text)"), "\(message)")
            #expect(!message.contains("<") && !message.contains("\n"), "one line, no HTML: \(message)")

            // Onboarded again, or after a restart, the device is tried with the standard method again.
            try await inventory.resetWriteMethods()
            #expect(try await inventory.agents().first?.writeMethod == .put)
        }
    }
}

/// A key path across three devices that take configuration by create alone, as TeraFlowSDN's mock
/// nodes do: provisioned active, each device remembered as such, and what they cannot delete told.
@Suite struct CreateOnlyKeyPathTests {
    @Test func aKeyPathCrossesDevicesThatOnlyTakeCreate() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let names = ["a", "b", "c"]
        let qkdn = (1...3).map { QKDUUID(String(format: "cccccccc-0000-4000-8000-%012d", $0))! }
        for (index, name) in names.enumerated() { _ = try await inventory.createNode(QKDNode(id: try NodeID(name), qkdnID: qkdn[index])) }
        for (id, a, b) in [("ab", "a", "b"), ("bc", "b", "c")] {
            _ = try await inventory.createLink(
                QKDLink(id: try LinkID(id), nodeA: try NodeID(a), nodeB: try NodeID(b), lengthKm: 10, keyRateBps: 10_000))
        }
        let nodes = names.indices.map { FleetNode(nodeID: names[$0], qkdnID: qkdn[$0], links: []).simulatedNode() }
        let apps = nodes.map { node in
            Application(
                responder: CreateOnlyDevice(inner: AgentRESTCONFServer.router(for: node).buildResponder(), log: MethodLog()),
                configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        }
        var quiet = Logger(label: "create-only")
        quiet.logLevel = .critical
        let logger = quiet
        let restconf = AgentRESTCONFClient(inventory: inventory)
        try await apps[0].test(.live) { first in
            try await apps[1].test(.live) { second in
                try await apps[2].test(.live) { third in
                    let urls = [first, second, third].map { "http://127.0.0.1:\($0.port!)/restconf" }
                    let onboarder = DeviceOnboarder(inventory: inventory, restconf: restconf, sealer: nil, logger: logger)
                    for (index, url) in urls.enumerated() {
                        try await onboarder.onboard(.init(node: try NodeID(names[index]), url: url, encoding: .json))
                    }
                    let provisioner = KeyPathProvisioner(
                        inventory: inventory, configurator: RESTCONFNodeConfigurator(inventory: inventory, restconf: restconf), logger: logger)
                    let path = try await provisioner.provision(
                        KeyPathRequest(source: try NodeID("a"), destination: try NodeID("c"), rateBps: 1_000, clientAppID: "x", serverAppID: "y"))
                    #expect(path.value.state == .active, "\(path.value.reason ?? "")")
                    let route = try #require(path.value.routes.first)
                    for node in nodes { #expect(await node.tree.links.contains { $0.id == route.qkdlID }, "every node holds the route") }
                    #expect(try await inventory.agents().map(\.writeMethod) == [.post, .post, .post])

                    // Deleted: the devices cannot take the entries off; the reconciler says so, once a pass.
                    try await provisioner.delete(path.value.id.text)
                    let reconciler = AgentReconciler(inventory: inventory, restconf: restconf, period: .seconds(60), logger: logger)
                    _ = await reconciler.reconcileAll()
                    let errors = try await inventory.agents().map { $0.reconcileError ?? "" }
                    #expect(errors.allSatisfy { $0.contains("device refuses DELETE (405):") && $0.contains(route.qkdlID.text) }, "\(errors)")
                    #expect(errors.allSatisfy { !$0.contains("<") }, "\(errors)")
                }
            }
        }
    }
}
