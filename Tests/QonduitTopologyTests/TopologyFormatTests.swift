import QonduitCore
import QonduitTopology
import QonduitXML
import Testing

@Suite struct GraphMLImportTests {
    @Test func networkxFileGetsGreatCircleLengthsAndModelledRates() throws {
        let assembled = try TopologyReader.read(try fixture("networkx.graphml"), file: "networkx.graphml")
        #expect(assembled.format == .graphml)
        let topology = assembled.topology
        #expect(topology.nodes.map(\.name).sorted() == ["Bratislava", "Brno", "Prague", "Vienna"])
        let links = Dictionary(uniqueKeysWithValues: topology.links.map { ($0.id.rawValue, $0) })
        // Edges without ids get stable ones; the parallel edge is numbered.
        #expect(Set(links.keys) == ["vienna--bratislava", "vienna--brno", "brno--prague", "vienna--bratislava.2"])
        let viennaBratislava = try #require(links["vienna--bratislava"])
        #expect(abs(viennaBratislava.lengthKm - 54.6) < 1)
        let expectedRate = FiberLinkModel.standard.keyRateBps(lengthKm: viennaBratislava.lengthKm)!
        #expect(abs(viennaBratislava.keyRateBps - expectedRate) / expectedRate < 1e-4)
        #expect(links["vienna--brno"]?.lengthKm == 142.5)
        // Unused attributes are reported, not silently dropped.
        #expect(assembled.warnings.contains { $0.message.contains("Country") })
    }

    @Test func linksBeyondTheModelsReachImportDownWithZeroRateAndAWarning() throws {
        let assembled = try TopologyReader.read(try fixture("networkx.graphml"), file: "networkx.graphml")
        let brnoPrague = try #require(assembled.topology.links.first { $0.id.rawValue == "brno--prague" })
        #expect(brnoPrague.lengthKm > 150)
        #expect(brnoPrague.keyRateBps == 0 && brnoPrague.status == .down)
        #expect(assembled.warnings.contains { $0.subject == "link 'brno--prague'" && $0.message.contains("beyond") })
    }

    @Test func fiberModelParametersChangeEstimatedRates() throws {
        let longReach = FiberLinkModel(lossDbPerKm: 0.16, referenceRateBps: 2e6, maxLossDb: 40)
        let assembled = try TopologyReader.read(try fixture("networkx.graphml"), file: "x", fiberModel: longReach)
        let brnoPrague = try #require(assembled.topology.links.first { $0.id.rawValue == "brno--prague" })
        #expect(brnoPrague.status == .up && brnoPrague.keyRateBps > 0)
    }

    @Test func yEdLabelsAttributesAndDefaultsAreRead() throws {
        let topology = try TopologyReader.read(try fixture("yed.graphml"), file: "yed.graphml").topology
        let nodes = Dictionary(uniqueKeysWithValues: topology.nodes.map { ($0.id.rawValue, $0) })
        #expect(nodes["n0"]?.name == "Alice Lab" && nodes["n0"]?.trusted == false)
        #expect(nodes["n1"]?.name == "Relay" && nodes["n1"]?.trusted == true)
        let e1 = try #require(topology.links.first { $0.id.rawValue == "e1" })
        #expect(e1.lengthKm == 20 && e1.keyRateBps == 28000.5)
    }

    @Test func topologyZooFileUsesLabelsAsNames() throws {
        let topology = try TopologyReader.read(try fixture("zoo.graphml"), file: "zoo.graphml").topology
        #expect(topology.nodes.first { $0.id.rawValue == "0" }?.name == "Paris")
        #expect(topology.links.count == 2)
        #expect(topology.links.allSatisfy { $0.lengthKm > 50 })
    }

    @Test func linksWithoutLengthOrCoordinatesAreRefused() throws {
        let document = """
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">
            <node id="a"/><node id="b"/>
            <edge source="a" target="b"/>
            </graph></graphml>
            """
        #expect { try TopologyReader.read(Array(document.utf8), file: "bare.graphml") } throws: { error in
            issues(of: error).contains { $0.line == 3 && $0.message.contains("its nodes 'a' and 'b' have no coordinates") }
        }
    }
}

@Suite struct LinkCostImportTests {
    let graphml = """
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
        <key id="d0" for="edge" attr.name="cost" attr.type="double"/><key id="d1" for="edge" attr.name="length_km" attr.type="double"/>
        <graph edgedefault="undirected"><node id="a"/><node id="b"/>
        <edge id="e1" source="a" target="b"><data key="d0">7.5</data><data key="d1">10</data></edge>
        <edge id="e2" source="a" target="b"><data key="d1">10</data></edge>
        <edge id="e3" source="a" target="b"><data key="d0">-2</data><data key="d1">10</data></edge>
        </graph></graphml>
        """

    @Test func graphMLEdgesCarryACostThatDefaultsToOneAndMustNotBeNegative() throws {
        #expect { try TopologyReader.read(Array(graphml.utf8), file: "c.graphml") } throws: { error in
            issues(of: error).contains { $0.line == 6 && $0.message.contains("cost must be a non-negative number") }
        }
        let valid = graphml.split(separator: "\n").filter { !$0.contains("e3") }.joined(separator: "\n")
        let links = try TopologyReader.read(Array(valid.utf8), file: "c.graphml").topology.links
        #expect(links.map(\.cost) == [7.5, 1])
    }

    @Test func costsRoundTripThroughBothWritableFormats() throws {
        let valid = graphml.split(separator: "\n").filter { !$0.contains("e3") }.joined(separator: "\n")
        let topology = try TopologyReader.read(Array(valid.utf8), file: "c.graphml").topology
        for format in [TopologyExportFormat.qonduit, .graphml] {
            let written = TopologyWriter.write(topology, as: format)
            let back = try TopologyReader.read(Array(written.utf8), file: "back").topology
            #expect(back.links.map(\.cost) == [7.5, 1], "\(format)")
        }
    }

    @Test func theNativeFormatRefusesABadCost() throws {
        let document = """
            <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:nt="urn:ietf:params:xml:ns:yang:ietf-network-topology"
                      xmlns:q="urn:qonduit:params:xml:ns:yang:qonduit-qkd-topology">
            <network><network-id>n</network-id><node><node-id>a</node-id></node><node><node-id>b</node-id></node>
            <nt:link><nt:link-id>L</nt:link-id><nt:source><nt:source-node>a</nt:source-node></nt:source>
            <nt:destination><nt:dest-node>b</nt:dest-node></nt:destination>
            <q:qkd-link><q:length-km>1</q:length-km><q:cost>cheap</q:cost></q:qkd-link></nt:link></network></networks>
            """
        #expect { try TopologyReader.read(Array(document.utf8), file: "n.xml") } throws: { error in
            issues(of: error).contains { $0.line == 6 && $0.message.contains("cost") }
        }
    }
}

@Suite struct SNDlibImportTests {
    @Test func readsNodesCoordinatesAndLinksAndWarnsAboutModules() throws {
        let assembled = try TopologyReader.read(try fixture("sndlib.xml"), file: "sndlib.xml")
        #expect(assembled.format == .sndlib)
        let gdansk = try #require(assembled.topology.nodes.first { $0.id.rawValue == "Gdansk" })
        #expect(gdansk.location == GeoCoordinate(latitude: 54.2, longitude: 18.6))
        #expect(assembled.topology.links.map(\.id.rawValue).sorted() == ["Link_0_10", "Link_0_2", "Link_1_9"])
        #expect(assembled.warnings.contains { $0.message.contains("demands") })
    }
}

@Suite struct TopologyErrorTests {
    @Test func everyProblemIsListedWithItsLine() throws {
        #expect { try TopologyReader.read(try fixture("broken-references.xml"), file: "broken.xml") } throws: { error in
            let found = issues(of: error)
            let text = (error as? TopologyFileError)?.description ?? ""
            return found.contains { $0.line == 13 && $0.message.contains("latitude 'ten'") }
                && found.contains { $0.line == 15 && $0.message.contains("duplicate node id (first defined on line 8)") }
                && found.contains { $0.line == 18 && $0.message.contains("unknown node 'Z'") }
                && found.contains { $0.message.contains("unknown element <qkd-link/colour>") }
                && found.contains { $0.line == 24 && $0.message.contains("key_rate_bps must be a non-negative") }
                && text.contains("broken.xml:18: link 'L1': ")
                && found.map { $0.line ?? 0 } == found.map { $0.line ?? 0 }.sorted()
        }
    }

    /// A link to an unknown node still has its own values checked: fixing one problem never reveals another.
    @Test func aLinkToAnUnknownNodeHasItsOtherProblemsToldToo() throws {
        let file = """
            <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:nt="urn:ietf:params:xml:ns:yang:ietf-network-topology"
              xmlns:q="urn:qonduit:params:xml:ns:yang:qonduit-qkd-topology"><network><network-id>n</network-id>
            <node><node-id>A</node-id></node>
            <nt:link><nt:link-id>L</nt:link-id><nt:source><nt:source-node>A</nt:source-node></nt:source>
            <nt:destination><nt:dest-node>nowhere</nt:dest-node></nt:destination>
            <q:qkd-link><q:length-km>-3</q:length-km><q:qber>2</q:qber><q:status>sideways</q:status></q:qkd-link></nt:link>
            </network></networks>
            """
        #expect { try TopologyReader.read(Array(file.utf8), file: "f.xml") } throws: { error in
            let messages = issues(of: error).map(\.message)
            return messages.contains { $0.contains("unknown node 'nowhere'") } && messages.contains { $0.hasPrefix("length_km must be") }
                && messages.contains { $0.hasPrefix("qber must be") } && messages.contains { $0.contains("status 'sideways'") }
        }
    }

    @Test func unknownRootElementsNameTheFormatsExpected() {
        #expect { try TopologyReader.read(Array("<topology/>".utf8), file: "t.xml") } throws: { error in
            issues(of: error).first?.message.contains("not a known topology format") == true
        }
    }

    @Test func anExplicitFormatMustMatchTheDocument() throws {
        let bytes = try fixture("sndlib.xml")
        #expect { try TopologyReader.read(bytes, file: "s.xml", format: .graphml) } throws: { error in
            issues(of: error).first?.message.contains("graphml format needs the root element") == true
        }
    }

    @Test func hostileDocumentsAreRefusedAsTopologyErrors() {
        let xxe =
            #"<!DOCTYPE networks [<!ENTITY x SYSTEM "file:///etc/passwd">]><networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network">&x;</networks>"#
        #expect { try TopologyReader.read(Array(xxe.utf8), file: "xxe.xml") } throws: { error in
            issues(of: error).first?.message.contains("DOCTYPE") == true
        }
        #expect { try TopologyReader.read(Array("<a>".utf8), file: "x.xml", limits: XMLParseLimits(maxBytes: 2)) } throws: { error in
            issues(of: error).first?.message.contains("over the limit") == true
        }
    }

    @Test func knownNodesLetLinksReferenceTheInventory() throws {
        let document = """
            <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:nt="urn:ietf:params:xml:ns:yang:ietf-network-topology">
            <network><network-id>n</network-id><node><node-id>A</node-id></node>
            <nt:link><nt:link-id>L</nt:link-id><nt:source><nt:source-node>A</nt:source-node></nt:source>
            <nt:destination><nt:dest-node>X</nt:dest-node></nt:destination>
            <qkd-link xmlns="urn:qonduit:params:xml:ns:yang:qonduit-qkd-topology"><length-km>5</length-km></qkd-link>
            </nt:link></network></networks>
            """
        let draft = try TopologyReader.draft(Array(document.utf8), file: "f")
        #expect(throws: TopologyFileError.self) { try TopologyAssembler().assemble(draft, file: "f") }
        let known = try TopologyAssembler(knownNodes: [NodeID("X"): nil]).assemble(draft, file: "f")
        #expect(known.topology.links.map(\.nodeB.rawValue) == ["X"])
    }
}
