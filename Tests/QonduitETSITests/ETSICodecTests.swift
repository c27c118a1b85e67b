import Foundation
import QonduitCore
import QonduitETSI
import QonduitTestSupport
import Testing

/// A node with every part of the model filled in.
func richNode() -> ETSINode {
    let node = ETSIUUID("6f1c2a1e-0000-4000-8000-000000000001")!
    let peer = ETSIUUID("6f1c2a1e-0000-4000-8000-000000000002")!
    let far = ETSIUUID("6f1c2a1e-0000-4000-8000-000000000003")!
    let app = ETSIUUID("a0000000-0000-4000-8000-00000000000a")!
    return ETSINode(
        id: node, status: .operating, version: "qonduit-agent 1.0", locationID: "madrid-norte",
        capabilities: .init(linkStatsSupport: true, applicationStatsSupport: false, keyRelayModeEnable: true),
        applications: [
            ETSIApplication(
                id: app, status: .on, type: .client, serverAppID: "urn:app:server", clientAppIDs: ["urn:app:client-1", "urn:app:client-2"],
                priority: 3, creationTime: "2026-11-25T10:00:00Z", expirationTime: "2026-12-25T10:00:00.5+01:00",
                statistics: [.init(endTime: "2026-11-25T11:00:00Z", startTime: "2026-11-25T10:00:00Z", consumedBits: 4096)],
                qos: .init(
                    maxBandwidthBps: 2000, minBandwidthBps: 1000, jitter: 5, ttl: 60, clientsSharedPathEnable: false, clientsSharedKeysRequired: true),
                backingLinkIDs: [ETSIUUID("b0000000-0000-4000-8000-0000000000b1")!], localNodeID: node, remoteNodeID: far
            )
        ],
        interfaces: [
            ETSIInterface(
                id: 1, model: "IDQ Cerberis3", type: .discreteVariable, attachmentDevice: "roadm-1", attachmentPort: 7,
                roleSupport: .transceiver, wavelengthRange: "1,12-20,40", maxAbsorption: ETSIDecimal(thousandths: 18_500), status: .enabled
            )
        ],
        links: [
            ETSILink(
                id: ETSIUUID("b0000000-0000-4000-8000-0000000000a1")!, status: .active, enabled: true,
                local: .init(nodeID: node, interfaceID: 1), remote: .init(nodeID: peer, interfaceID: 2), type: .physical,
                physicalChannelAttenuationDB: ETSIDecimal(thousandths: 12_250), physicalWavelength: "31", physicalRole: .transmitter,
                performance: .init(
                    expectedConsumptionBps: 500, secretKeyRateBps: 12_000, effectiveSecretKeyRateBps: 11_500,
                    physical: [.init(type: .qber, value: ETSIDecimal(thousandths: 21)), .init(type: .snr, value: ETSIDecimal(thousandths: -1_500))])
            ),
            ETSILink(
                id: ETSIUUID("b0000000-0000-4000-8000-0000000000b1")!, status: .pending, local: .init(nodeID: node),
                remote: .init(nodeID: far), type: .virtual, applications: [app], virtualPreviousHop: peer,
                virtualNextHops: [far], virtualBandwidthBps: 500, performance: .init(secretKeyRateBps: 500)
            ),
        ]
    )
}

@Suite struct ETSICodecTests {
    @Test func aRichNodeRoundTripsAndValidatesAgainstModelsAndSpecification() async throws {
        let node = richNode()
        let xml = node.encoded()
        #expect(try ETSINode.decode(Array(xml.utf8)) == node)
        #expect(try await YANGValidator.etsiProblems(xml).isEmpty)
    }

    @Test(.enabled(if: ETSIReference.isAvailable, Comment(rawValue: ETSIReference.skipReason)))
    func aRichNodeIsValidAgainstTheSpecificationsOwnModules() async throws {
        let node = richNode()
        #expect(try await YANGValidator.etsiProblems(node.encoded(), modules: ETSIReference.patchedModules).isEmpty)
        let json = node.encodedJSON()
        #expect(try await YANGValidator.etsiProblems(json, modules: ETSIReference.patchedModules).isEmpty, "\(json)")
    }

    /// RFC 7951: module-qualified top-level member and identities, lists and leaf-lists as arrays,
    /// numbers and booleans bare, decimal64 as strings; valid against the same modules as the XML.
    @Test func aRichNodeIsWrittenInRFC7951JSONThatValidates() async throws {
        let json = richNode().encodedJSON()
        let problems = try await YANGValidator.etsiProblems(json)
        #expect(problems.isEmpty, "\(problems)\n\(json)")
        let configuration = richNode().encodedJSON(.configuration)
        #expect(try await YANGValidator.etsiProblems(configuration, kind: .config).isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let node = try #require(object["etsi-qkd-sdn-node:qkd_node"] as? [String: Any])
        #expect((node["qkdn_status"] as? String)?.hasPrefix("etsi-qkd-node-types:") == true, "identities are qualified by their module")
        let links = try #require((node["qkd_links"] as? [String: Any])?["qkd_link"] as? [[String: Any]])
        #expect(links.count == 2)
        #expect(links[0]["phys_channel_att"] as? String == "12.250", "decimal64 is a string")
        #expect(links[1]["virt_bandwidth"] as? Int == 500 && links[1]["virt_next_hop"] as? [String] == ["6f1c2a1e-0000-4000-8000-000000000003"])
        #expect(links[0]["qkdl_enable"] as? Bool == true)
        let escaped = ETSINode(id: ETSIUUID("6f1c2a1e-0000-4000-8000-000000000001")!, locationID: "a \"quoted\" \\ line\nbreak")
        let text = escaped.encodedJSON()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]])
        #expect(parsed["etsi-qkd-sdn-node:qkd_node"]?["qkdn_location_id"] as? String == "a \"quoted\" \\ line\nbreak")
    }

    @Test func configurationLeavesOutStateData() async throws {
        let xml = richNode().encoded(.configuration)
        #expect(try await YANGValidator.etsiProblems(xml, kind: .config).isEmpty, "valid as configuration only")
        for state in ["qkdn_status", "app_status", "creation_time", "app_statistics", "qkdi_status", "qkdl_performance"] {
            #expect(!xml.contains("<\(state)>"), "\(state) is state data")
        }
        let stateProblems = try await YANGValidator.etsiProblems(richNode().encoded(), kind: .config)
        #expect(!stateProblems.isEmpty, "the full tree is not configuration")
    }

    /// What the controller PUTs to an agent (`…/qkd_links/qkd_link=ID`, `…/qkd_applications/qkd_app=ID`):
    /// each entry document, placed in its list as RESTCONF places it, is valid configuration; and it decodes back.
    @Test func entryDocumentsTheControllerSendsAreValidConfiguration() async throws {
        let node = richNode()
        func inList(_ entry: String, _ container: String) -> String {
            let body = entry.replacingOccurrences(of: #"<?xml version="1.0" encoding="UTF-8"?>"#, with: "")
            return """
                <qkd_node xmlns="urn:etsi:qkd:yang:etsi-qkd-node"><qkdn_id>\(node.id.text)</qkdn_id>\
                <\(container)>\(body)</\(container)></qkd_node>
                """
        }
        for link in node.links {
            let entry = link.encodedEntry()
            let problems = try await YANGValidator.etsiProblems(inList(entry, "qkd_links"), kind: .config)
            #expect(problems.isEmpty, "\(problems)\n\(entry)")
            #expect(try ETSILink.decodeEntry(Array(entry.utf8)).id == link.id)
        }
        let entry = node.applications[0].encodedEntry()
        let problems = try await YANGValidator.etsiProblems(inList(entry, "qkd_applications"), kind: .config)
        #expect(problems.isEmpty, "\(problems)\n\(entry)")
        #expect(try ETSIApplication.decodeEntry(Array(entry.utf8)).serverAppID == "urn:app:server")
    }

    /// What the controller PATCHes to configure many entries at once (`…/qkd_node/qkd_links`): the
    /// container document is valid configuration, decodes back whole, and a repeated key is refused.
    @Test func containerDocumentsCarryManyEntriesAtOnce() async throws {
        let node = richNode()
        let links = ETSIEntryList.links.document(of: node.links.map { $0.encodedEntry() })
        let placed = links.replacingOccurrences(of: #"<?xml version="1.0" encoding="UTF-8"?>"#, with: "")
        let problems = try await YANGValidator.etsiProblems(
            #"<qkd_node xmlns="urn:etsi:qkd:yang:etsi-qkd-node"><qkdn_id>\#(node.id.text)</qkdn_id>\#(placed)</qkd_node>"#, kind: .config
        )
        #expect(problems.isEmpty, "\(problems)\n\(links)")
        #expect(try ETSIEntryList.decodeLinks(Array(links.utf8)).map(\.id) == node.links.map(\.id))
        let applications = ETSIEntryList.applications.document(of: node.applications.map { $0.encodedEntry() })
        #expect(try ETSIEntryList.decodeApplications(Array(applications.utf8)).map(\.id) == node.applications.map(\.id))

        let repeated = ETSIEntryList.links.document(of: [node.links[0].encodedEntry(), node.links[0].encodedEntry()])
        #expect { try ETSIEntryList.decodeLinks(Array(repeated.utf8)) } throws: { error in
            "\(error)".contains("repeats the key qkdl_id")
        }
        #expect { try ETSIEntryList.decodeLinks(Array(applications.utf8)) } throws: { error in
            "\(error)".contains("not qkd_links")
        }
    }

    @Test(.enabled(if: ETSIReference.isAvailable, Comment(rawValue: ETSIReference.skipReason)))
    func decodesTheReferenceExample() throws {
        let node = try ETSINode.decode([UInt8](try Data(contentsOf: ETSIReference.exampleNode)))
        #expect(node.id.text == "00000000-0000-0000-0000-000000000001" && node.status == .operating)
        #expect(node.interfaces.map(\.type) == [.discreteVariable])
        #expect(node.links.map(\.type) == [.physical, .virtual])
        #expect(node.links[0].performance.physical == [.init(type: .qber, value: ETSIDecimal(thousandths: 21))])
        #expect(node.links[1].virtualNextHops.map(\.text) == ["00000000-0000-0000-0000-000000000002"])
    }

    @Test func identitiesResolveThroughAnyPrefixAndForeignElementsAreSkipped() throws {
        let xml = """
            <n:qkd_node xmlns:n="urn:etsi:qkd:yang:etsi-qkd-node" xmlns:types="urn:etsi:qkd:yang:etsi-qkd-node-types" xmlns:x="urn:vendor">
              <n:qkdn_id>6f1c2a1e-0000-4000-8000-000000000001</n:qkdn_id>
              <n:qkdn_status>types:DOWN</n:qkdn_status>
              <x:vendor_extension><x:anything/></x:vendor_extension>
              <n:qkd_links><n:qkd_link xmlns="urn:etsi:qkd:yang:etsi-qkd-node-types">
                <n:qkdl_id>6f1c2a1e-0000-4000-8000-0000000000a1</n:qkdl_id>
                <n:qkdl_type>PHYS</n:qkdl_type>
              </n:qkd_link></n:qkd_links>
            </n:qkd_node>
            """
        let node = try ETSINode.decode(Array(xml.utf8))
        #expect(node.status == .down && node.links.first?.type == .physical)
    }

    /// Each bad document, and a piece of the complaint: the path and line must name where.
    @Test(arguments: [
        ("<qkd_node xmlns='urn:etsi:qkd:yang:etsi-qkd-node'/>", "/etsi-qkd-sdn-node:qkd_node/qkdn_id: is mandatory"),
        ("<qkd_node xmlns='urn:other'><qkdn_id>x</qkdn_id></qkd_node>", "not qkd_node in urn:etsi:qkd:yang:etsi-qkd-node"),
        (doc("<qkdn_id>not-a-uuid</qkdn_id>"), "line 2: /etsi-qkd-sdn-node:qkd_node/qkdn_id: 'not-a-uuid' is not a UUID"),
        (doc(uuidLeaf + "<qkdn_status>t:ACTIVE</qkdn_status>"), "qkdn_status: 't:ACTIVE' is not an identity derived from QKDN-STATUS-TYPES"),
        (doc(uuidLeaf + "<qkdn_status>x:OPERATING</qkdn_status>"), "is not an identity derived from QKDN-STATUS-TYPES"),
        (doc(uuidLeaf + "<qkdn_colour>blue</qkdn_colour>"), "qkdn_colour: is not a node of etsi-qkd-sdn-node here"),
        (doc(uuidLeaf + "<qkdn_version>1</qkdn_version><qkdn_version>2</qkdn_version>"), "qkdn_version: appears more than once"),
        (
            doc(uuidLeaf + "<qkdn_capabilities><key_relay_mode_enable>yes</key_relay_mode_enable></qkdn_capabilities>"),
            "qkdn_capabilities/key_relay_mode_enable: 'yes' is not a boolean"
        ),
        (
            doc(uuidLeaf + "<qkd_interfaces><qkd_interface><qkdi_id>-1</qkdi_id></qkd_interface></qkd_interfaces>"),
            "qkd_interface[qkdi_id='-1']/qkdi_id: '-1' is not a uint32"
        ),
        (
            doc(
                uuidLeaf
                    + "<qkd_interfaces><qkd_interface><qkdi_id>1</qkdi_id></qkd_interface><qkd_interface><qkdi_id>1</qkdi_id></qkd_interface></qkd_interfaces>"
            ),
            "repeats the key qkdi_id '1'"
        ),
        (doc(uuidLeaf + "<qkd_links><qkd_link><qkdl_type>t:PHYS</qkdl_type></qkd_link></qkd_links>"), "qkd_link: has no qkdl_id, the list's key"),
        (
            doc(uuidLeaf + link("<qkdl_type>t:PHYS</qkdl_type><virt_bandwidth>5</virt_bandwidth>")),
            "virt_bandwidth: is allowed only when qkdl_type is etsi-qkdn-types:VIRT"
        ),
        (
            doc(
                uuidLeaf
                    + link("<qkdl_type>t:VIRT</qkdl_type><qkdl_performance><phys_perf><perf_type>t:QBER</perf_type></phys_perf></qkdl_performance>")),
            "phys_perf: is allowed only when qkdl_type is etsi-qkdn-types:PHYS"
        ),
        (
            doc(uuidLeaf + link("<qkdl_type>t:PHYS</qkdl_type><phys_channel_att>1.2345</phys_channel_att>")),
            "'1.2345' is not a decimal64 with at most 3 fraction digits"
        ),
        (doc(uuidLeaf + link("<qkdl_type>t:PHYS</qkdl_type><phys_wavelength>0</phys_wavelength>")), "'0' is not a channel number"),
        (
            doc(
                uuidLeaf
                    + "<qkd_applications><qkd_app><app_id>6f1c2a1e-0000-4000-8000-00000000000a</app_id><expiration_time>tomorrow</expiration_time></qkd_app></qkd_applications>"
            ),
            "expiration_time: 'tomorrow' is not a date-and-time"
        ),
        (doc(uuidLeaf + "<qkdn_version><b>1</b></qkdn_version>"), "qkdn_version: is a leaf and cannot hold elements"),
        ("<!DOCTYPE qkd_node [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><qkd_node xmlns='urn:etsi:qkd:yang:etsi-qkd-node'/>", "DOCTYPE"),
        ("<qkd_node xmlns='urn:etsi:qkd:yang:etsi-qkd-node'><qkdn_id>", "not well-formed"),
    ])
    func badDocumentsNameThePathAndLine(_ xml: String, _ expected: String) throws {
        do {
            let node = try ETSINode.decode(Array(xml.utf8))
            Issue.record("decoded \(node)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(!error.issues.isEmpty)
        }
    }

    /// Whole paths, spelled from the tree once a problem is found: through list entries (named by
    /// their keys), containers and entry documents, as libyang spells them.
    @Test func pathsNameEveryListEntryOnTheWay() throws {
        func issues(_ decode: () throws -> Void) -> [String] {
            do {
                try decode()
                return []
            } catch { return (error as? ETSIDecodingError)?.issues.map(\.path) ?? ["\(error)"] }
        }
        let linkID = "6f1c2a1e-0000-4000-8000-0000000000b1"
        let node = doc(
            uuidLeaf + """
                <qkd_links><qkd_link><qkdl_id>\(linkID)</qkdl_id><qkdl_type>t:PHYS</qkdl_type>
                <qkdl_local><qkdn_id>nope</qkdn_id></qkdl_local>
                <qkdl_performance><phys_perf><perf_type>t:QBER</perf_type><value>x</value></phys_perf></qkdl_performance></qkd_link></qkd_links>
                <qkd_interfaces><qkd_interface><qkdi_id>3</qkdi_id><qkdi_att_point><port>p</port></qkdi_att_point></qkd_interface></qkd_interfaces>
                """)
        #expect(
            issues { _ = try ETSINode.decode(Array(node.utf8)) } == [
                "/etsi-qkd-sdn-node:qkd_node/qkd_interfaces/qkd_interface[qkdi_id='3']/qkdi_att_point/port",
                "/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link[qkdl_id='\(linkID)']/qkdl_local/qkdn_id",
                "/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link[qkdl_id='\(linkID)']/qkdl_performance/phys_perf[perf_type='t:QBER']/value",
            ])
        let entry =
            "<qkd_link xmlns='urn:etsi:qkd:yang:etsi-qkd-node' xmlns:t='urn:etsi:qkd:yang:etsi-qkd-node-types'><qkdl_id>\(linkID)</qkdl_id><qkdl_type>t:NONE</qkdl_type><odd/></qkd_link>"
        #expect(
            issues { _ = try ETSILink.decodeEntry(Array(entry.utf8)) } == [
                "/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link[qkdl_id='\(linkID)']/qkdl_type",
                "/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link[qkdl_id='\(linkID)']/odd",
            ])
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let xml = doc("<qkdn_id>bad</qkdn_id><qkdn_status>t:NOPE</qkdn_status><unknown/>")
        #expect(throws: ETSIDecodingError.self) { try ETSINode.decode(Array(xml.utf8)) }
        do { _ = try ETSINode.decode(Array(xml.utf8)) } catch { #expect(error.issues.count == 3, "\(error)") }
    }

    /// Thousands of mutated documents: each either decodes (and then re-encodes to one that decodes
    /// the same) or is refused with issues; none crashes.
    @Test func mutatedDocumentsAreDecodedOrRefusedNeverCrash() throws {
        let seed = Array(richNode().encoded().utf8)
        var random = SeededRandom(seed: 2026)
        var decoded = 0
        var refused = 0
        let pieces: [[UInt8]] = [
            "<", ">", "/", "t:", "&amp;", "&#0;", "\u{FF}", "qkd_link", "<qkd_link>", "</qkdl_id>", "-1", "99999999999",
            "<!DOCTYPE x>", "xmlns:t='urn:x'", "\"", "PHYS", "VIRT", "\n",
        ].map { Array($0.utf8) }
        for _ in 0..<3_000 {
            var bytes = seed
            for _ in 0..<Int(random.next() % 4 + 1) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))], at: position)
                default: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            do {
                let node = try ETSINode.decode(bytes)
                #expect(try ETSINode.decode(Array(node.encoded().utf8)) == node)
                decoded += 1
            } catch {
                #expect(!error.issues.isEmpty)
                refused += 1
            }
        }
        #expect(decoded + refused == 3_000 && decoded > 0 && refused > 0)
    }
}

let uuidLeaf = "<qkdn_id>6f1c2a1e-0000-4000-8000-000000000001</qkdn_id>"

/// A `qkd_node` document whose body starts on line 2.
func doc(_ body: String) -> String {
    "<qkd_node xmlns='urn:etsi:qkd:yang:etsi-qkd-node' xmlns:t='urn:etsi:qkd:yang:etsi-qkd-node-types'>\n\(body)</qkd_node>"
}

func link(_ body: String) -> String {
    "<qkd_links><qkd_link><qkdl_id>6f1c2a1e-0000-4000-8000-0000000000a1</qkdl_id>\(body)</qkd_link></qkd_links>"
}
