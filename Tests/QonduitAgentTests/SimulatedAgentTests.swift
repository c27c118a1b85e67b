import Foundation
import Hummingbird
import HummingbirdTesting
import QonduitAgent
import QonduitCore
import QonduitETSI
import QonduitTestSupport
import Testing

let me = QKDUUID("aaaaaaaa-0000-4000-8000-00000000000a")!
let peer = QKDUUID("bbbbbbbb-0000-4000-8000-00000000000b")!
let fiber = QKDUUID("abababab-0000-4000-8000-0000000000ab")!
let relay = QKDUUID("11111111-0000-4000-8000-000000000001")!

func agentNode() -> SimulatedNode {
    FleetNode(nodeID: "a", qkdnID: me, links: [.init(qkdlID: fiber, remote: peer, nominalRateBps: 10_000, up: true)]).simulatedNode()
}

func virtualLink(_ id: QKDUUID = relay, bandwidth: UInt32 = 2_000) -> ETSILink {
    ETSILink(id: id, local: .init(nodeID: me), remote: .init(nodeID: peer), type: .virtual, virtualNextHops: [peer], virtualBandwidthBps: bandwidth)
}

@Suite struct SimulatedNodeTests {
    @Test func keyRateVariesAroundNominalAndThePoolFillsLessWhatVirtualLinksUse() async throws {
        let node = agentNode()
        try await node.put(virtualLink())
        let events = await node.advance(seconds: 2).all
        let rate = try #require(await node.tree.links.first { $0.id == fiber }?.performance.secretKeyRateBps)
        #expect((9_700...10_300).contains(rate))
        let pool = try #require(await node.keyPoolBits[fiber])
        let expected = (Double(rate) - 2_000) * 2
        #expect(abs(pool - expected) < 1_000, "filled at the rate, drained by the virtual link's 2000 bit/s")
        #expect(events.contains { if case .keyPool(fiber, _) = $0 { true } else { false } })
    }

    @Test func aRestartLosesTheConfigurationButNotTheHardware() async throws {
        let node = agentNode()
        try await node.put(virtualLink())
        await node.setFaults { $0.crashed = true }
        await node.restart()
        let (links, faults, restarts) = (await node.tree.links.map(\.id), await node.faults, await node.restarts)
        #expect(links == [fiber] && faults == AgentFaults() && restarts == 1)
    }

    @Test func aLinkTakenDownReportsOnceAndCarriesNoKey() async throws {
        let node = agentNode()
        await node.setFaults { $0.downLinks.insert(fiber) }
        let first = await node.advance(seconds: 1).urgent
        #expect(first.contains(.linkDown(link: fiber, reason: "loss of quantum signal")))
        #expect(await node.tree.links.first?.performance.secretKeyRateBps == 0)
        let second = await node.advance(seconds: 1).all
        #expect(!second.contains { if case .linkDown = $0 { true } else { false } }, "reported once")
        await node.setFaults { $0.downLinks.remove(fiber) }
        let back = await node.advance(seconds: 1).urgent
        #expect(back.contains { if case .event(let occurrence) = $0 { occurrence.link?.status == .active } else { false } })
    }

    @Test func aQBERFaultIsReportedAtOnceAndSoIsItsEnd() async throws {
        let node = agentNode()
        func urgentQBER(_ step: SimulationStep) -> [Double] {
            step.urgent.compactMap { event in
                guard case .linkPerformance(fiber, let performance) = event else { return nil }
                return performance.physical.first { $0.type == .qber }?.value?.value
            }
        }
        #expect(urgentQBER(await node.advance(seconds: 1)).isEmpty, "routine figures wait for the periodic report")
        await node.setFaults { $0.qber[fiber] = 0.2 }
        #expect(urgentQBER(await node.advance(seconds: 1)) == [0.2])
        #expect(urgentQBER(await node.advance(seconds: 1)).isEmpty, "reported once")
        await node.setFaults { $0.qber[fiber] = nil }
        let cleared = urgentQBER(await node.advance(seconds: 1))
        #expect(cleared.count == 1 && cleared[0] < 0.1, "the fault's end is news too: \(cleared)")
    }
}

@Suite struct AgentRESTCONFTests {
    typealias Call = @Sendable (HTTPRequest.Method, String, String?) async throws -> (status: HTTPResponse.Status, text: String)

    func withAgent(_ body: @Sendable (SimulatedNode, Call) async throws -> Void) async throws {
        let node = agentNode()
        let app = Application(router: AgentRESTCONFServer.router(for: node))
        try await app.test(.router) { client in
            try await body(node) { method, uri, text in
                try await client.execute(
                    uri: uri, method: method, headers: [.accept: "application/yang-data+xml"], body: text.map { ByteBuffer(string: $0) }
                ) { response in
                    (response.status, String(buffer: response.body))
                }
            }
        }
    }

    static let linkURI = "/restconf/data/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link="

    @Test func theTreeIsServedAndConfigurationIsAppliedLikeANode() async throws {
        try await withAgent { node, call in
            let tree = try await call(.get, "/restconf/data/etsi-qkd-sdn-node:qkd_node", nil)
            let served = try ETSINode.decode(Array(tree.text.utf8))
            #expect(tree.status == .ok && served.id == me)
            #expect(try await call(.put, Self.linkURI + relay.text, virtualLink().encodedEntry()).status == .created)
            #expect(try await call(.put, Self.linkURI + relay.text, virtualLink(bandwidth: 500).encodedEntry()).status == .noContent)
            #expect(await node.tree.links.first { $0.id == relay }?.virtualBandwidthBps == 500)
            let entry = try await call(.get, Self.linkURI + relay.text, nil)
            let decoded = try ETSILink.decodeEntry(Array(entry.text.utf8))
            #expect(entry.status == .ok && decoded.virtualBandwidthBps == 500)
            let whole = try await call(.get, "/restconf/data/etsi-qkd-sdn-node:qkd_node", nil).text
            let problems = try await YANGValidator.etsiProblems(whole)
            #expect(problems.isEmpty, "the configured tree is valid GS QKD 015 data: \(problems)")
            #expect(try await call(.delete, Self.linkURI + relay.text, nil).status == .noContent)
            #expect(try await call(.delete, Self.linkURI + relay.text, nil).status == .notFound)
        }
    }

    @Test func badConfigurationIsRefusedWithAnRFC8040Error() async throws {
        try await withAgent { _, call in
            let physical = try await call(.put, Self.linkURI + fiber.text, ETSILink(id: fiber, type: .physical).encodedEntry())
            #expect(physical.status == .forbidden && RESTCONFErrors.decode(Array(physical.text.utf8))?.entries.first?.tag == "access-denied")
            #expect(try await call(.delete, Self.linkURI + fiber.text, nil).status == .forbidden)
            let mismatch = try await call(.put, Self.linkURI + peer.text, virtualLink().encodedEntry())
            #expect(mismatch.status == .badRequest)
            let broken = try await call(
                .put, Self.linkURI + relay.text,
                "<qkd_link xmlns='urn:etsi:qkd:yang:etsi-qkd-node'><qkdl_id>\(relay.text)</qkdl_id><virt_bandwidth>lots</virt_bandwidth></qkd_link>")
            let errors = RESTCONFErrors.decode(Array(broken.text.utf8))
            #expect(
                broken.status == .badRequest && errors?.entries.contains { $0.path?.hasSuffix("/virt_bandwidth") == true } == true, "\(broken.text)")
            #expect(try await call(.post, Self.linkURI + relay.text, virtualLink().encodedEntry()).status == .created)
            #expect(try await call(.post, Self.linkURI + relay.text, virtualLink().encodedEntry()).status == .conflict)
            #expect(try await call(.patch, Self.linkURI + peer.text, virtualLink(peer).encodedEntry()).status == .notFound)
            let foreign = virtualLink(QKDUUID("22222222-0000-4000-8000-000000000002")!)
            var elsewhere = foreign
            elsewhere.local.nodeID = peer
            #expect(try await call(.put, Self.linkURI + foreign.id.text, elsewhere.encodedEntry()).status == .badRequest)
        }
    }

    /// A plain PATCH of `qkd_links` merges many entries in one request, all or none.
    @Test func manyEntriesArePatchedIntoTheListAtOnceAllOrNone() async throws {
        try await withAgent { node, call in
            let ids = (1...50).map { QKDUUID(String(format: "33333333-0000-4000-8000-%012d", $0))! }
            let container = "/restconf/data/etsi-qkd-sdn-node:qkd_node/qkd_links"
            let entries = ids.map { virtualLink($0).encodedEntry() }
            #expect(try await call(.patch, container, ETSIEntryList.links.document(of: entries)).status == .noContent)
            #expect(Set(await node.tree.links.map(\.id)).isSuperset(of: ids))
            // Patched again with new bandwidths: replaced, not repeated.
            let changed = ids.map { virtualLink($0, bandwidth: 700).encodedEntry() }
            #expect(try await call(.patch, container, ETSIEntryList.links.document(of: changed)).status == .noContent)
            #expect(await node.tree.links.filter { ids.contains($0.id) }.allSatisfy { $0.virtualBandwidthBps == 700 })
            #expect(await node.tree.links.count == ids.count + 1)

            // One entry the node must refuse (a physical link): nothing of the request is applied.
            let fresh = QKDUUID("44444444-0000-4000-8000-000000000001")!
            let mixed = ETSIEntryList.links.document(of: [virtualLink(fresh).encodedEntry(), ETSILink(id: fiber, type: .physical).encodedEntry()])
            let refused = try await call(.patch, container, mixed)
            #expect(refused.status == .forbidden && RESTCONFErrors.decode(Array(refused.text.utf8))?.entries.first?.tag == "access-denied")
            #expect(await !node.tree.links.contains { $0.id == fresh })
            let garbled = try await call(.patch, container, "<qkd_links xmlns='urn:etsi:qkd:yang:etsi-qkd-node'><qkd_link/></qkd_links>")
            #expect(garbled.status == .badRequest && garbled.text.contains("qkdl_id"), "\(garbled.text)")
        }
    }

    /// An RFC 8072 YANG Patch of `qkd_node` takes many entries off its lists in one request, all or none.
    @Test func aYANGPatchRemovesManyEntriesAtOnceAllOrNone() async throws {
        let node = agentNode()
        let ids = (1...40).map { QKDUUID(String(format: "55555555-0000-4000-8000-%012d", $0))! }
        try await node.put(links: ids.map { virtualLink($0) })
        let app = Application(router: AgentRESTCONFServer.router(for: node))
        try await app.test(.router) { client in
            @Sendable func patch(_ body: String, type: String = YANGPatch.mediaType) async throws -> (status: HTTPResponse.Status, text: String) {
                try await client.execute(
                    uri: "/restconf/data/etsi-qkd-sdn-node:qkd_node", method: .patch, headers: [.contentType: type], body: ByteBuffer(string: body)
                ) { ($0.status, String(buffer: $0.body)) }
            }
            // Half of them, and one the node never had (`remove`: no error).
            let gone = Array(ids.prefix(20))
            let kept = Array(ids.suffix(20))
            let applied = try await patch(YANGPatch(patchID: "p1", removing: gone.map(YANGPatch.Target.link) + [.link(relay)]).encoded())
            #expect(applied.status == .ok && YANGPatchStatus.decode(Array(applied.text.utf8)) == YANGPatchStatus(patchID: "p1"))
            #expect(Set(await node.tree.links.map(\.id)) == Set(kept + [fiber]))

            // A `delete` of an entry that is not there fails the whole patch, naming the edit.
            var strict = YANGPatch(patchID: "p2", removing: kept.map(YANGPatch.Target.link))
            strict.edits.append(.init(id: "again", operation: .delete, target: .link(gone[0])))
            let refused = try await patch(strict.encoded())
            #expect(refused.status == .conflict)
            #expect(
                YANGPatchStatus.decode(Array(refused.text.utf8))?.errors == [
                    .init(tag: "data-missing", editID: "again", message: "no qkd_link \(gone[0])")
                ])
            #expect(Set(await node.tree.links.map(\.id)) == Set(kept + [fiber]))
            // The hardware's links are not configuration.
            #expect(try await patch(YANGPatch(patchID: "p3", removing: [.link(fiber)]).encoded()).status == .forbidden)
            #expect(await node.tree.links.contains { $0.id == fiber })
            // Only YANG Patch patches the whole node; a garbled one says what is wrong.
            #expect(try await patch("<qkd_node/>", type: "application/yang-data+xml").status == .unsupportedMediaType)
            let merge =
                "<yang-patch xmlns='\(YANGPatch.namespace)'><patch-id>x</patch-id><edit><edit-id>1</edit-id><operation>merge</operation>"
                + "<target>/qkd_links/qkd_link=\(kept[0].text)</target></edit></yang-patch>"
            let garbled = try await patch(merge)
            #expect(garbled.status == .badRequest && garbled.text.contains("operation 'merge' is not supported"), "\(garbled.text)")
        }
    }

    @Test func faultsAreInjectedThroughTheAgentAPI() async throws {
        try await withAgent { node, call in
            let faults = "/agent/v1/links/" + fiber.text
            let down = try await call(.post, faults + "/down", nil)
            #expect(down.status == .noContent)
            #expect(await node.faults.downLinks == [fiber])
            let qber = try await call(.post, faults + "/qber?value=0.2", nil)
            #expect(qber.status == .noContent)
            #expect(await node.faults.qber[fiber] == 0.2)
            let tooHigh = try await call(.post, faults + "/qber?value=7", nil)
            #expect(tooHigh.status == .badRequest)
            let stop = try await call(.post, "/agent/v1/heartbeats/stop", nil)
            #expect(stop.status == .noContent)
            #expect(await node.faults.silent)
            let negative = try await call(.post, "/agent/v1/delay?ms=-1", nil)
            #expect(negative.status == .badRequest)
            let notUUID = try await call(.post, "/agent/v1/links/not-a-uuid/down", nil)
            #expect(notUUID.status == .badRequest)
        }
    }
}
