import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import QonduitAgent
import QonduitETSI
import Testing

/// A node takes requests from the newest leader only: a lower `Qonduit-Controller-Epoch` than one it
/// has seen is refused with a RESTCONF error, whatever the request.
@Suite struct ControllerEpochTests {
    @Test func aLowerEpochIsRefusedAndTheHighestSeenOutlivesARestart() async throws {
        let node = agentNode()
        let app = Application(router: AgentRESTCONFServer.router(for: node))
        let header = try #require(HTTPField.Name(ControllerEpochHeader.name))
        try await app.test(.router) { client in
            func put(epoch: String?) async throws -> (status: HTTPResponse.Status, text: String) {
                var headers: HTTPFields = [.contentType: "application/yang-data+xml", .accept: "application/yang-data+xml"]
                if let epoch { headers[header] = epoch }
                return try await client.execute(
                    uri: "/restconf/data/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link=\(relay)", method: .put, headers: headers,
                    body: ByteBuffer(string: virtualLink().encodedEntry())
                ) { ($0.status, String(buffer: $0.body)) }
            }
            #expect([.noContent, .created].contains(try await put(epoch: "5").status))
            let stale = try await put(epoch: "4")
            #expect(stale.status == .conflict, "\(stale.text)")
            #expect(stale.text.contains("<error-tag>in-use</error-tag>") && stale.text.contains("older than 5"), "\(stale.text)")
            #expect([.noContent, .created].contains(try await put(epoch: "6").status))
            await node.setFaults { $0.crashed = true }
            await node.restart()
            #expect(try await put(epoch: "5").status == .conflict, "the node remembers epoch 6 across a restart")
            #expect([.noContent, .created].contains(try await put(epoch: nil).status), "a request without an epoch is not a leader's")
            let malformed = try await put(epoch: "six")
            #expect(malformed.status == .badRequest && malformed.text.contains("must be a whole number"), "\(malformed.text)")
            #expect(await node.highestEpochSeen == 6)
        }
    }
}
