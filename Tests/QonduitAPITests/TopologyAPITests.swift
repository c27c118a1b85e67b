import Foundation
import Hummingbird
import QonduitAPI
import Testing

@Suite struct TopologyAPITests {
    @Test func importThenReadTheWholeTopology() async throws {
        try await withAPI { call in
            let summary = try await call(.post, "/api/v1/topology/import?filename=metro.xml", try exampleTopology())
            #expect(summary.status == .ok, "\(summary.text)")
            let nodes = try #require(summary.json["nodes"] as? [String: Int])
            #expect(nodes["created"]! > 0 && summary.json["format"] as? String == "qonduit")
            let topology = try await call(.get, "/api/v1/topology", nil)
            #expect((topology.json["nodes"] as? [Any])?.count == nodes["created"])
            let again = try await call(.post, "/api/v1/topology/import", try exampleTopology())
            #expect((again.json["nodes"] as? [String: Int])?["unchanged"] == nodes["created"])
        }
    }

    @Test func exportImportsBackUnchangedInBothFormats() async throws {
        try await withAPI { call in
            _ = try await call(.post, "/api/v1/topology/import", try exampleTopology(1))
            for format in ["qonduit", "graphml"] {
                let export = try await call(.get, "/api/v1/topology/export?format=\(format)", nil)
                #expect(export.status == .ok && export.contentType?.hasSuffix("+xml") == true)
                let reimport = try await call(.post, "/api/v1/topology/import?mode=replace&format=\(format)", export.text)
                let nodes = try #require(reimport.json["nodes"] as? [String: Int], "\(reimport.text)")
                let links = try #require(reimport.json["links"] as? [String: Int])
                #expect(nodes["created"] == 0 && nodes["updated"] == 0 && nodes["removed"] == 0)
                #expect(links["created"] == 0 && links["updated"] == 0 && links["removed"] == 0)
            }
        }
    }

    @Test func badFilesListEveryProblemAndChangeNothing() async throws {
        try await withAPI { call in
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"keep"}"#)
            let document = """
                <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:nt="urn:ietf:params:xml:ns:yang:ietf-network-topology">
                <network><network-id>n</network-id>
                <node><node-id>A</node-id></node>
                <node><node-id>A</node-id></node>
                <nt:link><nt:link-id>L</nt:link-id><nt:source><nt:source-node>A</nt:source-node></nt:source>
                <nt:destination><nt:dest-node>Q</nt:dest-node></nt:destination></nt:link>
                </network></networks>
                """
            let response = try await call(.post, "/api/v1/topology/import?mode=replace&filename=bad.xml", document)
            #expect(response.status == .unprocessableContent && response.isProblem)
            #expect(response.detail.contains("bad.xml") && response.detail.contains("2 problems"))
            #expect(response.errors.map { $0["line"] as? Int } == [4, 5])
            let topology = try await call(.get, "/api/v1/topology", nil)
            #expect((topology.json["nodes"] as? [[String: Any]])?.map { $0["id"] as? String } == ["keep"])
        }
    }

    @Test(arguments: [
        #"<?xml version="1.0"?><!DOCTYPE n [<!ENTITY x SYSTEM "file:///etc/passwd">]><networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network">&x;</networks>"#,
        #"<!DOCTYPE n [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><n>&c;</n>"#,
        String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000),
        "<networks xmlns=\"urn:ietf:params:xml:ns:yang:ietf-network\"><network>",
        "not xml at all",
        "",
    ])
    func hostileAndBrokenDocumentsAreRefused(_ document: String) async throws {
        try await withAPI { call in
            let response = try await call(.post, "/api/v1/topology/import", document)
            #expect(response.status == .unprocessableContent && response.isProblem, "\(response.text)")
            #expect(try await call(.get, "/api/v1/nodes", nil).json["total"] as? Int == 0)
        }
    }

    @Test func documentsOverTheSizeLimitAreRefused() async throws {
        try await withAPI(configuration: .init(maxImportBytes: 1_000)) { call in
            let response = try await call(.post, "/api/v1/topology/import", try exampleTopology())
            #expect(response.status == .contentTooLarge && response.isProblem)
        }
    }

    @Test(arguments: ["format=yaml", "mode=overwrite", "fiber_loss_db_per_km=-1", "max_loss_db=abc", "colour=red"])
    func badImportParametersAreNamed(_ query: String) async throws {
        try await withAPI { call in
            let response = try await call(.post, "/api/v1/topology/import?\(query)", try exampleTopology())
            #expect(response.status == .badRequest && response.isProblem)
            #expect(response.errors.first?["pointer"] as? String == "?" + query.split(separator: "=")[0])
        }
    }

    @Test func fiberModelParametersApplyToImportedLinksWithoutRates() async throws {
        let graphml = """
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
            <key id="la" for="node" attr.name="Latitude" attr.type="double"/><key id="lo" for="node" attr.name="Longitude" attr.type="double"/>
            <graph edgedefault="undirected">
            <node id="a"><data key="la">48.0</data><data key="lo">16.0</data></node>
            <node id="b"><data key="la">49.5</data><data key="lo">16.0</data></node>
            <edge id="ab" source="a" target="b"/></graph></graphml>
            """
        try await withAPI { call in
            let short = try await call(.post, "/api/v1/topology/import", graphml)
            #expect((short.json["warnings"] as? [[String: Any]])?.first?["subject"] as? String == "link 'ab'")
            #expect(try await call(.get, "/api/v1/links/ab", nil).json["status"] as? String == "down")
            _ = try await call(.post, "/api/v1/topology/import?max_loss_db=40&fiber_loss_db_per_km=0.16", graphml)
            let link = try await call(.get, "/api/v1/links/ab", nil)
            #expect(link.json["status"] as? String == "up" && (link.json["key_rate_bps"] as? Double ?? 0) > 0)
        }
    }
}
