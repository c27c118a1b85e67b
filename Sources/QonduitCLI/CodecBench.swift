import ArgumentParser
import Foundation
import QonduitCore
import QonduitETSI
import QonduitXML

// `timespec` reaches this module through CoreFoundation's headers (libcrypto's include <time.h> too,
// and which module owns it then depends on the build): named, so that its members are visible.
#if canImport(CoreFoundation)
    import CoreFoundation
#endif

/// `qonduit bench codec`: how fast the southbound codec decodes and encodes GS QKD 015 documents.
struct CodecBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract: "Time decoding and encoding a qkd_node document and a notification (one core).",
        discussion: """
            Builds a qkd_node document of about 3 KB (interfaces, physical and virtual links with performance \
            data, an application), in XML and in RFC 7951 JSON, and a link performance notification, then \
            decodes and encodes each for \
            --seconds of CPU time, printing docs per CPU second (this thread's CPU time, so that other load on \
            the machine does not count). --save-node FILE writes the node document, so that other parsers \
            (scripts/bench-lxml.py) can be timed on the same bytes.
            """
    )

    @Option(help: "Seconds to run each measurement (2 unless --count is given).") var seconds: Double?
    @Option(help: "Run each measurement this many times instead of for --seconds (a fixed amount of work, e.g. to count allocations).")
    var count: Int?
    @Option(help: "Physical links in the node document (a virtual link is added per two).") var links = 4
    @Option(help: "Also write the node document here.") var saveNode: String?
    @Option(
        help:
            "Run only these measurements (xml_parse, node_decode, tree_decode, node_encode, node_decode_json, node_encode_json, notification_decode, notification_encode)."
    )
    var only: [Measurement] = []

    enum Measurement: String, CaseIterable, ExpressibleByArgument {
        case xmlParse = "xml_parse"
        case nodeDecode = "node_decode"
        case treeDecode = "tree_decode"
        case nodeEncode = "node_encode"
        case nodeDecodeJSON = "node_decode_json"
        case nodeEncodeJSON = "node_encode_json"
        case notificationDecode = "notification_decode"
        case notificationEncode = "notification_encode"
    }

    func validate() throws {
        if seconds != nil && count != nil { throw ValidationError("--seconds and --count exclude each other: give one") }
        if let seconds, !(seconds > 0 && seconds <= 600) { throw ValidationError("--seconds must be more than 0 and at most 600") }
        guard (1...10_000).contains(links) else { throw ValidationError("--links must be from 1 to 10000") }
        if let count, !(1...100_000_000).contains(count) { throw ValidationError("--count must be from 1 to 100000000") }
    }

    func run() async throws {
        let node = Self.sampleNode(physicalLinks: links)
        let document = Array(node.encoded().utf8)
        if let saveNode {
            do { try Data(document).write(to: URL(fileURLWithPath: saveNode)) } catch {
                throw CLIError("\(saveNode): cannot write: \(error.localizedDescription)")
            }
        }
        let notification = AgentNotification(
            eventTime: "2026-11-25T12:00:00Z",
            event: .linkPerformance(
                link: node.links[0].id, .init(secretKeyRateBps: 11_500, physical: [.init(type: .qber, value: ETSIDecimal(thousandths: 23))])
            ))
        let notificationBytes = Array(notification.encoded().utf8)
        print("node_document_bytes=\(document.count) node_json_bytes=\(node.encodedJSON().utf8.count) notification_bytes=\(notificationBytes.count)")
        try measure(.xmlParse) { _ = try XMLDocumentParser.parseTree(document) }
        try measure(.nodeDecode) { _ = try ETSINode.decode(document) }
        let tree = try XMLDocumentParser.parseTree(document)
        try measure(.treeDecode) { _ = try ETSINode.decode(tree.root) }
        try measure(.nodeEncode) { _ = node.encoded() }
        let json = Array(node.encodedJSON().utf8)
        try measure(.nodeDecodeJSON) { _ = try ETSINode.decode(json, encoding: .json) }
        try measure(.nodeEncodeJSON) { _ = node.encodedJSON() }
        try measure(.notificationDecode) { _ = try AgentNotification.decode(notificationBytes) }
        try measure(.notificationEncode) { _ = notification.encoded() }
    }

    private func measure(_ measurement: Measurement, _ body: () throws -> Void) throws {
        guard only.isEmpty || only.contains(measurement) else { return }
        print("\(measurement.rawValue) docs_per_s=\(Int(try rate(body).rounded()))")
    }

    /// Documents per CPU second of `body` (this thread's CPU time, so that other load on a shared
    /// machine does not count against it), run repeatedly for `seconds` of that time.
    private func rate(_ body: () throws -> Void) rethrows -> Double {
        let start = Self.threadCPUSeconds()
        var done = 0
        if let count {
            for _ in 0..<count { try body() }
            done = count
        } else {
            while Self.threadCPUSeconds() - start < (seconds ?? 2) {
                for _ in 0..<100 { try body() }
                done += 100
            }
        }
        return Double(done) / (Self.threadCPUSeconds() - start)
    }

    private static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// A node as an agent might report it: two interfaces, `physicalLinks` physical links with
    /// QBER, virtual links over them, and one application.
    static func sampleNode(physicalLinks: Int) -> ETSINode {
        func uuid(_ group: Int, _ index: Int) -> ETSIUUID {
            let hex = String(index, radix: 16)
            return ETSIUUID("\(String(repeating: "0", count: 7))\(group)-0000-4000-8000-\(String(repeating: "0", count: 12 - hex.count))\(hex)")!
        }
        let me = uuid(1, 1)
        var links: [ETSILink] = []
        for index in 0..<physicalLinks {
            links.append(
                ETSILink(
                    id: uuid(2, index), status: .active, enabled: true, local: .init(nodeID: me, interfaceID: UInt32(index % 2 + 1)),
                    remote: .init(nodeID: uuid(1, index + 2), interfaceID: 1), type: .physical,
                    physicalChannelAttenuationDB: ETSIDecimal(thousandths: 10_000 + Int64(index) * 250), physicalWavelength: "3\(index % 10)",
                    physicalRole: .transceiver,
                    performance: .init(
                        expectedConsumptionBps: 1_000, secretKeyRateBps: 12_000, effectiveSecretKeyRateBps: 11_000,
                        physical: [.init(type: .qber, value: ETSIDecimal(thousandths: 20 + Int64(index)))])
                ))
            if index % 2 == 1 {
                links.append(
                    ETSILink(
                        id: uuid(3, index), status: .active, local: .init(nodeID: me), remote: .init(nodeID: uuid(1, 100 + index)),
                        type: .virtual, virtualPreviousHop: uuid(1, index + 1), virtualNextHops: [uuid(1, index + 2)], virtualBandwidthBps: 500
                    ))
            }
        }
        return ETSINode(
            id: me, status: .operating, version: "qonduit-agent 1", locationID: "site-1",
            capabilities: .init(linkStatsSupport: true, applicationStatsSupport: true, keyRelayModeEnable: true),
            applications: [
                ETSIApplication(
                    id: uuid(4, 1), status: .on, type: .client, serverAppID: "urn:app:a", clientAppIDs: ["urn:app:b"],
                    qos: .init(maxBandwidthBps: 1_000, minBandwidthBps: 500), localNodeID: me, remoteNodeID: uuid(1, 9))
            ],
            interfaces: [
                ETSIInterface(id: 1, model: "QKD-M1", type: .discreteVariable, roleSupport: .transceiver, status: .enabled),
                ETSIInterface(id: 2, model: "QKD-M1", type: .discreteVariable, roleSupport: .transceiver, status: .enabled),
            ],
            links: links
        )
    }
}
