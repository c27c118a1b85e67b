import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import QonduitAgent
import QonduitCore
import QonduitETSI
import QonduitTestSupport
import Testing

/// The simulated agent driven as the ETSI TeraFlowSDN QKD driver drives a node, from its documented
/// behaviour: GETs of the tree and of each container with a trailing slash and no `Accept`, answers
/// read as JSON, and links created by a POST of the `qkd_links` container in `application/json`.
@Suite struct TeraFlowSDNInteropTests {
    static let base = "/restconf/data/etsi-qkd-sdn-node:qkd_node"

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func theDriversRequestsGetModelShapedJSON() async throws {
        let node = agentNode()
        let app = Application(router: AgentRESTCONFServer.router(for: node))
        try await app.test(.live) { client in
            let tree = try await client.execute(uri: Self.base, method: .get) { $0 }
            #expect(tree.status == .ok && tree.headers[.contentType] == "application/yang-data+json")
            let text = String(buffer: tree.body)
            let problems = try await YANGValidator.etsiProblems(text)
            #expect(problems.isEmpty, "\(problems)\n\(text)")
            let root = try json(text)["etsi-qkd-sdn-node:qkd_node"] as? [String: Any]
            #expect(root?["qkdn_id"] as? String == me.text)

            for (container, member) in [
                ("qkd_interfaces", "qkd_interface"), ("qkd_links", "qkd_link"), ("qkd_applications", "qkd_app"),
                ("qkdn_capabilities", "link_stats_support"),
            ] {
                let answer = try await client.execute(uri: "\(Self.base)/\(container)/", method: .get) { $0 }
                #expect(answer.status == .ok, "\(container)/")
                let object = try json(String(buffer: answer.body))
                let inner = try #require(object["etsi-qkd-sdn-node:\(container)"] as? [String: Any], "\(container): \(object)")
                if container == "qkd_links" { #expect((inner[member] as? [[String: Any]])?.first?["qkdl_id"] as? String == fiber.text) }
            }

            let link = QKDUUID("77777777-0000-4000-8000-000000000007")!
            let body = """
                {"qkd_links": {"qkd_link": [{"qkdl_id": "\(link.text)", "qkdl_type": "etsi-qkd-node-types:VIRT",
                  "qkdl_local": {"qkdn_id": "\(me.text)"}, "qkdl_remote": {"qkdn_id": "\(peer.text)"},
                  "virt_prev_hop": null, "virt_next_hop": [], "virt_bandwidth": 1500}]}}
                """
            let created = try await client.execute(
                uri: "\(Self.base)/qkd_links/", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
            ) { $0 }
            #expect(created.status == .created, "\(String(buffer: created.body))")
            #expect(await node.tree.links.first { $0.id == link }?.virtualBandwidthBps == 1500)

            let refused = try await client.execute(
                uri: "\(Self.base)/qkd_links/", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"qkd_links": {"qkd_link": [{"qkdl_type": "VIRT"}]}}"#)
            ) { $0 }
            #expect(refused.status == .badRequest)
            let errors = RESTCONFErrors.decode(refused.body.readableBytesView, encoding: .json)
            #expect(errors?.entries.first?.message.contains("qkdl_id") == true, "\(String(buffer: refused.body))")
        }
    }

    /// With `jsonMembers: .unprefixed` (`agents simulate --json-members unprefixed`) the simulator answers
    /// as TeraFlowSDN's mock node does, so that its driver, which looks members up unprefixed, finds the
    /// node's interfaces and links: read here as that driver reads them.
    @Test func unprefixedAnswersAreWhatTheDriverReads() async throws {
        let node = agentNode()
        let app = Application(router: AgentRESTCONFServer.router(for: node, jsonMembers: .unprefixed))
        try await app.test(.live) { client in
            let tree = try json(String(buffer: try await client.execute(uri: "\(Self.base)/", method: .get) { $0 }.body))
            let root = try #require(tree["qkd_node"] as? [String: Any], "\(tree)")
            #expect(root["qkdn_id"] as? String == me.text && tree["etsi-qkd-sdn-node:qkd_node"] == nil)
            let interfaces = try json(String(buffer: try await client.execute(uri: "\(Self.base)/qkd_interfaces/", method: .get) { $0 }.body))
            #expect(((interfaces["qkd_interfaces"] as? [String: Any])?["qkd_interface"] as? [[String: Any]])?.isEmpty == false, "\(interfaces)")
            let links = try json(String(buffer: try await client.execute(uri: "\(Self.base)/qkd_links/", method: .get) { $0 }.body))
            let listed = (links["qkd_links"] as? [String: Any])?["qkd_link"] as? [[String: Any]]
            #expect(listed?.first?["qkdl_id"] as? String == fiber.text, "\(links)")
            let link = QKDUUID("78787878-0000-4000-8000-000000000007")!
            let body = """
                {"qkd_links": {"qkd_link": [{"qkdl_id": "\(link.text)", "qkdl_type": "etsi-qkd-node-types:VIRT",
                  "qkdl_local": {"qkdn_id": "\(me.text)"}, "qkdl_remote": {"qkdn_id": "\(peer.text)"}, "virt_bandwidth": 900}]}}
                """
            let created = try await client.execute(
                uri: "\(Self.base)/qkd_links/", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
            ) { $0 }
            #expect(created.status == .created)
            let after = try json(String(buffer: try await client.execute(uri: "\(Self.base)/qkd_links/", method: .get) { $0 }.body))
            let ids = ((after["qkd_links"] as? [String: Any])?["qkd_link"] as? [[String: Any]] ?? []).compactMap { $0["qkdl_id"] as? String }
            #expect(ids.contains(link.text), "the driver reads back what it created: \(ids)")
            // XML is named by namespaces, not prefixes: unchanged.
            let xml = try await client.execute(uri: Self.base, method: .get, headers: [.accept: "application/yang-data+xml"]) {
                String(buffer: $0.body)
            }
            #expect(try ETSINode.decode(Array(xml.utf8)).id == me)
        }
    }

    @Test func theRootAndCapabilitiesAreDiscoverable() async throws {
        let app = Application(router: AgentRESTCONFServer.router(for: agentNode()))
        try await app.test(.router) { client in
            let meta = try await client.execute(uri: "/.well-known/host-meta", method: .get) { String(buffer: $0.body) }
            #expect(meta.contains("rel='restconf'") && meta.contains("href='/restconf'"))
            for encoding in ETSIEncoding.allCases {
                let answer = try await client.execute(
                    uri: "/restconf/data/ietf-restconf-monitoring:restconf-state/capabilities", method: .get, headers: [.accept: encoding.mediaType]
                ) { $0 }
                #expect(answer.headers[.contentType] == encoding.mediaType)
                #expect(RESTCONFCapabilities.decode(answer.body.readableBytesView, encoding: encoding)?.supportsYANGPatch == true)
            }
        }
    }
}
