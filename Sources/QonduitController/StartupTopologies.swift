import Foundation
public import Logging
public import QonduitCore
import QonduitSouthbound
public import QonduitStorage
import QonduitTopology
public import QonduitXML

/// The topology files a controller starts with (`serve --topology`), merged into the inventory
/// before it listens; a bad file stops the start, naming its line.
public enum StartupTopologies {
    /// Imports every file in order; returns the devices they give addresses for (`device-url`), to
    /// onboard once the controller runs.
    public static func importAll(_ files: [String], into inventory: any Inventory, fiberModel: FiberLinkModel, logger: Logger) async throws
        -> [DeviceOnboardingRequest]
    {
        var devices: [DeviceOnboardingRequest] = []
        for file in files {
            let summary: ImportSummary
            let draft: TopologyDraft
            do {
                draft = try TopologyReader.draft(try bytes(of: file), file: file)
                summary = try await inventory.importTopology(draft, file: file, mode: .merge, fiberModel: fiberModel)
            } catch let error as TopologyFileError {
                throw ControllerStartupError(error.description)
            } catch NetworkError.topology(let error) {
                throw ControllerStartupError(error.description)
            }
            devices += draft.deviceURLs.compactMap { device in
                (try? NodeID(device.node)).map { DeviceOnboardingRequest(node: $0, url: device.url, usesDefaultCredential: true) }
            }
            logger.info(
                "imported topology",
                metadata: [
                    "file": "\(file)", "nodes.created": "\(summary.nodes.created)", "links.created": "\(summary.links.created)",
                    "nodes.updated": "\(summary.nodes.updated)", "links.updated": "\(summary.links.updated)",
                ])
            for warning in summary.warnings { logger.warning("\(warning.formatted(file: file))") }
        }
        return devices
    }

    /// A topology file's bytes, refused past `maxBytes` before it is read.
    public static func bytes(of path: String, maxBytes: Int = XMLParseLimits.default.maxBytes) throws -> [UInt8] {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { throw ControllerStartupError("\(path): cannot read the file (does it exist?)") }
        if size > maxBytes { throw ControllerStartupError("\(path): the file is \(size) bytes, over the limit of \(maxBytes) bytes") }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ControllerStartupError("\(path): cannot read the file: \(error.localizedDescription)")
        }
    }
}
