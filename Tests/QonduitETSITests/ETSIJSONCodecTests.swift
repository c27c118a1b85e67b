import Foundation
import QonduitCore
import QonduitETSI
import QonduitTestSupport
import QonduitXML
import Testing

/// RFC 7951 JSON read as strictly as XML, with the leniencies real devices need.
@Suite struct ETSIJSONCodecTests {
    @Test func aRichNodeRoundTripsThroughJSON() throws {
        let node = richNode()
        #expect(try ETSINode.decode(Array(node.encodedJSON().utf8), encoding: .json) == node)
        #expect(try ETSINode.decode(Array(node.encoded(encoding: .xml).utf8), encoding: .xml) == node)
    }

    @Test(.enabled(if: ETSIReference.isAvailable, Comment(rawValue: ETSIReference.skipReason)))
    func theReferenceExampleReadsTheSameInBothEncodings() throws {
        let node = try ETSINode.decode(Array(try Data(contentsOf: ETSIReference.exampleNode)))
        #expect(try ETSINode.decode(Array(node.encodedJSON().utf8), encoding: .json) == node)
    }

    /// What devices send that RFC 7951 does not: unprefixed names and identities, numbers as numbers
    /// or strings, booleans as strings, null for an absent leaf, and `application/json`.
    @Test func readsWhatRealDevicesSend() throws {
        let json = """
            {"qkd_node": {"qkdn_id": "6f1c2a1e-0000-4000-8000-000000000001", "qkdn_status": "OPERATING",
              "qkdn_location_id": null, "qkdn_version": "v1",
              "qkdn_capabilities": {"link_stats_support": "true", "key_relay_mode_enable": false},
              "vendor-x:extra": {"anything": [1, 2]},
              "qkd_links": {"qkd_link": [{"qkdl_id": "b0000000-0000-4000-8000-0000000000a1", "qkdl_type": "PHYS",
                "qkdl_status": "etsi-qkd-node-types:ACTIVE", "qkdl_enable": true,
                "qkdl_local": {"qkdn_id": "6f1c2a1e-0000-4000-8000-000000000001", "qkdi_id": "1"},
                "qkdl_remote": {"qkdn_id": "6f1c2a1e-0000-4000-8000-000000000002"},
                "qkdl_performance": {"skr": "12000", "phys_perf": [{"perf_type": "QBER", "value": 0.021}]}}]}}}
            """
        let node = try ETSINode.decode(Array(json.utf8), encoding: .json)
        #expect(node.status == .operating && node.locationID == nil && node.version == "v1")
        #expect(node.capabilities.linkStatsSupport == true && node.capabilities.keyRelayModeEnable == false)
        let link = try #require(node.links.first)
        #expect(link.type == .physical && link.status == .active && link.enabled == true && link.local.interfaceID == 1)
        #expect(link.performance.secretKeyRateBps == 12_000)
        #expect(link.performance.physical.first?.value == ETSIDecimal(thousandths: 21))
        #expect(ETSIEncoding(mediaType: "application/json; charset=utf-8") == .json)
        #expect(ETSIEncoding(mediaType: "application/yang-data+xml") == .xml)
        #expect(ETSIEncoding(mediaType: "text/html") == nil)
    }

    /// Errors name the data path (RFC 8040 `error-path`), as the XML decoder's do; JSON that does not
    /// parse says where.
    @Test(arguments: [
        (#"{"etsi-qkd-sdn-node:qkd_node": {"qkdn_id": "not-a-uuid"}}"#, "/etsi-qkd-sdn-node:qkd_node/qkdn_id"),
        (
            #"{"etsi-qkd-sdn-node:qkd_node": {"qkdn_id": "6f1c2a1e-0000-4000-8000-000000000001", "qkd_links": {"qkd_link": [{"qkdl_id": "b0000000-0000-4000-8000-0000000000a1", "qkdl_type": "etsi-qkd-node-types:WORMHOLE"}]}}}"#,
            "qkd_link[qkdl_id='b0000000-0000-4000-8000-0000000000a1']/qkdl_type"
        ),
        (#"{"etsi-qkd-sdn-node:qkd_node": {"qkdn_id": "6f1c2a1e-0000-4000-8000-000000000001", "unknown_leaf": 1}}"#, "unknown_leaf"),
        (#"{"etsi-qkd-sdn-node:qkd_node": {"qkdn_id": "#, "not well-formed JSON"),
        (#"<html><body>Bad gateway</body></html>"#, "not well-formed JSON"),
        (#"["qkd_node"]"#, "not a JSON object"),
        (#"{"qkd_nodes": {}}"#, "not 'etsi-qkd-sdn-node:qkd_node'"),
        (#"{"qkd_node": {"qkdn_id": "6f1c2a1e-0000-4000-8000-000000000001", "qkd_links": {"qkd_link": [[1]]}}}"#, "an array inside an array"),
        (#"{"qkd_node": "up"}"#, "expected a JSON object"),
    ])
    func badDocumentsAreRefusedWithTheirPath(json: String, expected: String) {
        #expect { try ETSINode.decode(Array(json.utf8), encoding: .json) } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func depthAndSizeAreBounded() {
        let deep = String(repeating: #"{"a":"#, count: 300) + "1" + String(repeating: "}", count: 300)
        let nested = #"{"qkd_node":"# + deep + "}"
        #expect { try ETSINode.decode(Array(nested.utf8), encoding: .json) } throws: { _ in true }
        let big = Array(#"{"qkd_node":{"qkdn_location_id":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 2_000) + Array(#""}}"#.utf8)
        #expect { try ETSINode.decode(big, encoding: .json, limits: .init(maxBytes: 1_000)) } throws: { error in
            "\(error)".contains("larger than 1000 bytes")
        }
    }

    /// Entries and list containers as the controller sends them in JSON: valid configuration when
    /// placed in the tree, and read back.
    @Test func entriesAndContainersInJSONValidateAndReadBack() async throws {
        let node = richNode()
        for link in node.links {
            let entry = link.encodedEntry(encoding: .json)
            #expect(try ETSILink.decodeEntry(Array(entry.utf8), encoding: .json) == ETSILink.decodeEntry(Array(link.encodedEntry().utf8)))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(entry.utf8)) as? [String: Any])
            let placed = try #require(object["etsi-qkd-sdn-node:qkd_link"] as? [Any])
            let tree: [String: Any] = ["etsi-qkd-sdn-node:qkd_node": ["qkdn_id": node.id.text, "qkd_links": ["qkd_link": placed]]]
            let document = String(decoding: try JSONSerialization.data(withJSONObject: tree), as: UTF8.self)
            let problems = try await YANGValidator.etsiProblems(document, kind: .config)
            #expect(problems.isEmpty, "\(problems)\n\(document)")
        }
        let links = ETSIEntryList.document(links: node.links, encoding: .json)
        #expect(try ETSIEntryList.decodeLinks(Array(links.utf8), encoding: .json).map(\.id) == node.links.map(\.id))
        let applications = ETSIEntryList.document(applications: node.applications, encoding: .json)
        #expect(try ETSIEntryList.decodeApplications(Array(applications.utf8), encoding: .json).map(\.id) == node.applications.map(\.id))
        let app = node.applications[0]
        #expect(try ETSIApplication.decodeEntry(Array(app.encodedEntry(encoding: .json).utf8), encoding: .json).id == app.id)
    }

    @Test func restconfErrorsInJSON() {
        let errors = RESTCONFErrors([.init(tag: "invalid-value", path: "/etsi-qkd-sdn-node:qkd_node/qkdn_id", message: "not a \"UUID\"")])
        let json = errors.encoded(.json)
        #expect(json.hasPrefix(#"{"ietf-restconf:errors":{"error":[{"#))
        #expect(RESTCONFErrors.decode(Array(json.utf8), encoding: .json) == errors)
        #expect(RESTCONFErrors.decode(Array("<html/>".utf8), encoding: .json) == nil)
    }
}
