public import Foundation

/// Validates XML instance data with `yanglint` (Debian `libyang2-tools`) against Qonduit's models.
public enum YANGValidator {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The RFC 8345 modules, as shipped by the PyPI package `pyang` (or `QONDUIT_IETF_YANG_DIR`).
    public static func ietfModuleDirectory() async throws -> String {
        if let configured = ProcessInfo.processInfo.environment["QONDUIT_IETF_YANG_DIR"] { return configured }
        guard let python = ProcessRunner.which("python3") else { throw Unavailable(description: "python3 not found") }
        let result = try await ProcessRunner.run(python, ["-c", "import sys; print(sys.prefix)"])
        let directory = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/share/yang/modules/ietf"
        guard FileManager.default.fileExists(atPath: directory + "/ietf-network.yang") else {
            throw Unavailable(description: "RFC 8345 modules not found in \(directory): run `pip install pyang` (scripts/test does)")
        }
        return directory
    }

    /// Validates a topology document against RFC 8345 plus `Models/qonduit-qkd-topology.yang`.
    /// Returns yanglint's complaints, empty when the document is valid.
    public static func topologyProblems(_ xml: String) async throws -> String {
        guard let yanglint = ProcessRunner.which("yanglint") else {
            throw Unavailable(description: "yanglint not found: install libyang2-tools (scripts/test does)")
        }
        let ietf = try await ietfModuleDirectory()
        let file = URL(fileURLWithPath: TestFiles.path("document", suffix: ".xml"))
        try xml.write(to: file, atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(
            yanglint,
            [
                "-p", ietf, "-p", RepositoryPaths.models.path, "-t", "data",
                "\(ietf)/ietf-network.yang", "\(ietf)/ietf-network-topology.yang",
                RepositoryPaths.models.appendingPathComponent("qonduit-qkd-topology.yang").path, file.path,
            ])
        return result.status == 0 ? "" : (result.stderr + result.stdout)
    }

    /// What yanglint's `-t` option calls the kinds of instance data.
    public enum DataKind: String, Sendable {
        case data, config, notif, edit
        /// A notification inside RFC 5277's `<notification>` envelope.
        case netconfNotification = "nc-notif"
    }

    /// Validates GS QKD 015 `etsi-qkd-sdn-node` data against the modules in `directory` (`Models/`,
    /// or the reference copy). Returns yanglint's complaints, empty when the document is valid.
    public static func etsiProblems(
        _ xml: String, kind: DataKind = .data, modules directory: URL = RepositoryPaths.models,
        only names: [String] = ["etsi-qkd-node-types.yang", "etsi-qkd-sdn-node.yang", "qonduit-qkd-agent.yang"]
    ) async throws -> String {
        guard let yanglint = ProcessRunner.which("yanglint") else {
            throw Unavailable(description: "yanglint not found: install libyang2-tools (scripts/test does)")
        }
        // yanglint reads the document's format (XML, or RFC 7951 JSON) from its file's extension.
        let file = URL(fileURLWithPath: TestFiles.path("document", suffix: xml.hasPrefix("{") ? ".json" : ".xml"))
        try xml.write(to: file, atomically: true, encoding: .utf8)
        // Qonduit's own agent module sits beside the GS QKD 015 ones in `Models/` only.
        let modules =
            names
            .map { directory.appendingPathComponent($0).path }
            .filter { FileManager.default.fileExists(atPath: $0) }
        let result = try await ProcessRunner.run(yanglint, ["-p", directory.path, "-t", kind.rawValue] + modules + [file.path])
        return result.status == 0 ? "" : (result.stderr + result.stdout)
    }
}
