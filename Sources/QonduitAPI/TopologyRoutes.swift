import Foundation
import Hummingbird
import QonduitCore
import QonduitStorage
import QonduitTopology
import QonduitXML

/// `/api/v1/topology`: the whole network at once, and import and export as XML files.
struct TopologyRoutes {
    let inventory: any Inventory
    let configuration: APIConfiguration
    let onboarding: (any DeviceOnboarding)?

    /// `format=auto` or one of the import formats.
    enum ImportFormatChoice: String, CaseIterable {
        case auto, qonduit, graphml, sndlib

        var format: TopologyFormat? { TopologyFormat(rawValue: rawValue) }
    }

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get { request, _ in
            _ = try QueryParameters(request, allowed: [])
            let (nodes, links) = try await inventory.topology()
            let state = try await inventory.linkOperationalState()
            return JSONCoding.response(
                writing: TopologyRepresentation(
                    nodes: nodes.map(NodeRepresentation.init), links: links.map { LinkRepresentation(stored: $0, state: state) }
                ))
        }
        group.post("import") { request, _ in
            let query = try QueryParameters(
                request,
                allowed: [
                    "format", "mode", "filename", "fiber_loss_db_per_km", "reference_rate_bps", "max_loss_db",
                ])
            let format = try query.choice("format", default: ImportFormatChoice.auto).format
            let mode = try query.choice("mode", default: ImportMode.merge)
            let file = query.string("filename").flatMap { $0.isEmpty ? nil : $0 } ?? "request body"
            let defaults = configuration.fiberModel
            let fiberModel = FiberLinkModel(
                lossDbPerKm: try query.double("fiber_loss_db_per_km", default: defaults.lossDbPerKm),
                referenceRateBps: try query.double("reference_rate_bps", default: defaults.referenceRateBps),
                maxLossDb: try query.double("max_loss_db", default: defaults.maxLossDb)
            )
            var request = request
            let body = try await request.collectBody(upTo: configuration.maxImportBytes)
            let limits = XMLParseLimits(maxBytes: configuration.maxImportBytes)
            let draft = try TopologyReader.draft(body.readableBytesView, file: file, format: format, limits: limits)
            var summary = try await inventory.importTopology(draft, file: file, mode: mode, fiberModel: fiberModel)
            var answer = ImportSummaryRepresentation(summary)
            if let onboarding {
                let (onboarded, warnings) = try await Self.onboardDevices(of: draft, inventory: inventory, onboarding: onboarding)
                summary.warnings += warnings
                answer = ImportSummaryRepresentation(summary)
                answer.devicesOnboarded = onboarded
            }
            return try JSONCoding.response(answer)
        }
        group.get("export") { request, _ in
            let query = try QueryParameters(request, allowed: ["format"])
            let format = try query.choice("format", default: TopologyExportFormat.qonduit)
            let (nodes, links) = try await inventory.topology()
            // Onboarded devices' addresses go with their nodes, so that importing the export onboards them again.
            let devices = try await inventory.onboardedAgents()
            let xml = TopologyWriter.write(
                Topology(nodes: nodes.map(\.value), links: links.map(\.value)), as: format,
                comment: " Exported by Qonduit: \(nodes.count) nodes, \(links.count) links. ",
                deviceURLs: Dictionary(devices.map { ($0.nodeID, $0.restconfURL) }, uniquingKeysWith: { a, _ in a })
            )
            return Response(
                status: .ok, headers: [.contentType: format.mediaType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: xml))
            )
        }
    }
}

extension TopologyRoutes {
    /// Onboards the devices an imported file gives addresses for (`device-url`), each node that has
    /// no agent yet, with the controller's default device credential. Returns how many were onboarded,
    /// and a warning for each that was not: the topology stands either way.
    static func onboardDevices(
        of draft: TopologyDraft, inventory: any Inventory, onboarding: any DeviceOnboarding
    ) async throws -> (onboarded: Int, warnings: [TopologyIssue]) {
        let addresses = draft.deviceURLs
        guard !addresses.isEmpty else { return (0, []) }
        let managed = Set(try await inventory.agents().map(\.nodeID.rawValue))
        let requests = addresses.filter { !managed.contains($0.node) }.compactMap { address in
            (try? NodeID(address.node)).map { DeviceOnboardingRequest(node: $0, url: address.url, usesDefaultCredential: true) }
        }
        let failures = await onboarding.onboardAll(requests)
        let lines = Dictionary(draft.nodes.map { ($0.id, $0.line) }, uniquingKeysWith: { a, _ in a })
        let warnings = failures.map { failure in
            TopologyIssue(
                line: lines[failure.node.rawValue], subject: "node '\(failure.node)'", message: "device not onboarded: \(failure.reason)")
        }
        return (requests.count - failures.count, warnings)
    }
}

struct TopologyRepresentation: JSONWritable {
    var nodes: [NodeRepresentation]
    var links: [LinkRepresentation]

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("nodes")
        writer.array(nodes) { writer, node in node.write(to: &writer) }
        writer.comma()
        writer.key("links")
        writer.array(links) { writer, link in link.write(to: &writer) }
        writer.raw("}")
    }
}

/// The answer to an import; public so that API clients (the CLI) decode the very same shape.
public struct ImportSummaryRepresentation: Codable, Sendable {
    public struct Counts: Codable, Sendable {
        public var created, updated, unchanged, removed: Int
        init(_ counts: ImportSummary.Counts) {
            (created, updated, unchanged, removed) = (counts.created, counts.updated, counts.unchanged, counts.removed)
        }
    }

    public struct Warning: Codable, Sendable {
        public var line: Int?
        public var subject: String
        public var message: String
    }

    public var format: String
    public var mode: String
    public var nodes: Counts
    public var links: Counts
    public var warnings: [Warning]
    /// Devices the file gave addresses for (`device-url`) that the import onboarded.
    public var devicesOnboarded = 0

    enum CodingKeys: String, CodingKey {
        case format, mode, nodes, links, warnings
        case devicesOnboarded = "devices_onboarded"
    }

    init(_ summary: ImportSummary) {
        format = summary.format.rawValue
        mode = summary.mode.rawValue
        nodes = Counts(summary.nodes)
        links = Counts(summary.links)
        warnings = summary.warnings.map { Warning(line: $0.line, subject: $0.subject, message: $0.message) }
    }
}
