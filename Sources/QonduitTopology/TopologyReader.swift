public import QonduitCore
public import QonduitXML

/// The entry point for reading topology files: parse safely, detect or check the format, draft, assemble.
public enum TopologyReader {
    /// Reads `bytes` into a draft. `format` nil means detect from the root element.
    public static func draft(
        _ bytes: some Collection<UInt8>, file: String, format: TopologyFormat? = nil, limits: XMLParseLimits = .default
    ) throws(TopologyFileError) -> TopologyDraft {
        let root: XMLElement
        do {
            root = try XMLDocumentParser.parse(bytes, limits: limits)
        } catch {
            throw TopologyFileError(file: file, issues: [TopologyIssue(line: error.line, subject: "document", message: error.message)])
        }
        let detected = TopologyFormat.detect(root: root)
        guard let chosen = format ?? detected else {
            let expected = TopologyFormat.allCases.map(\.expectedRoot).joined(separator: ", ")
            throw TopologyFileError(
                file: file,
                issues: [
                    TopologyIssue(
                        line: root.line, subject: "<\(root.localName)>",
                        message: "root element in namespace '\(root.namespaceURI ?? "")' is not a known topology format; expected one of \(expected)"
                    )
                ])
        }
        if let format, detected != format {
            throw TopologyFileError(
                file: file,
                issues: [
                    TopologyIssue(
                        line: root.line, subject: "<\(root.localName)>",
                        message: "the \(format.rawValue) format needs the root element \(format.expectedRoot)"
                    )
                ])
        }
        switch chosen {
        case .qonduit: return NativeTopologyReader.read(root)
        case .graphml: return GraphMLReader.read(root)
        case .sndlib: return SNDlibReader.read(root)
        }
    }

    /// Reads and assembles a file on its own (no inventory around it), as `topology validate` does.
    public static func read(
        _ bytes: some Collection<UInt8>, file: String, format: TopologyFormat? = nil,
        limits: XMLParseLimits = .default, fiberModel: FiberLinkModel = .standard
    ) throws(TopologyFileError) -> AssembledTopology {
        let draft = try draft(bytes, file: file, format: format, limits: limits)
        return try TopologyAssembler(fiberModel: fiberModel).assemble(draft, file: file)
    }
}

/// Writes topologies in the formats Qonduit exports.
public enum TopologyWriter {
    /// `deviceURLs`, the addresses of nodes' standard devices, go in the native format only.
    public static func write(
        _ topology: Topology, as format: TopologyExportFormat, networkID: String = "qonduit", comment: String? = nil,
        deviceURLs: [NodeID: String] = [:]
    ) -> String {
        switch format {
        case .qonduit: NativeTopologyWriter.write(topology, networkID: networkID, comment: comment, deviceURLs: deviceURLs)
        case .graphml: GraphMLWriter.write(topology, comment: comment)
        }
    }
}
