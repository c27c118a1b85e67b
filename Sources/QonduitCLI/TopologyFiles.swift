import Foundation
import QonduitController
import QonduitCore
import QonduitStorage
import QonduitTopology
import QonduitXML

/// Reading topology files from disk for the CLI, with errors in `file:line: message` form.
enum TopologyFiles {
    static func bytes(of path: String, maxBytes: Int = XMLParseLimits.default.maxBytes) throws -> [UInt8] {
        try StartupTopologies.bytes(of: path, maxBytes: maxBytes)
    }

    static func read(_ path: String, format: TopologyFormat?, fiberModel: FiberLinkModel) throws -> AssembledTopology {
        do {
            return try TopologyReader.read(try bytes(of: path), file: path, format: format, fiberModel: fiberModel)
        } catch let error as TopologyFileError {
            throw CLIError(error.description)
        }
    }

    /// Imports the file; returns the summary and the addresses of the devices it names (`device-url`).
    static func importFile(
        _ path: String, into inventory: any Inventory, mode: ImportMode, fiberModel: FiberLinkModel
    ) async throws -> (summary: ImportSummary, devices: [(node: String, url: String)]) {
        do {
            let draft = try TopologyReader.draft(try bytes(of: path), file: path)
            return (try await inventory.importTopology(draft, file: path, mode: mode, fiberModel: fiberModel), draft.deviceURLs)
        } catch let error as TopologyFileError {
            throw CLIError(error.description)
        } catch NetworkError.topology(let error) {
            throw CLIError(error.description)
        }
    }
}
