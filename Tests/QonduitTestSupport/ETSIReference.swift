public import Foundation

/// The official GS QKD 015 reference files: the modules (`yang/`), a copy libyang can evaluate
/// (`yang-patched/`) and a valid example node. They are not part of the checkout: CI lays them in
/// `../shared/reference`; elsewhere `QONDUIT_ETSI_REFERENCE` names where they are. Tests that need
/// them are enabled by `isAvailable`, so a checkout without them reports those tests as skipped.
public enum ETSIReference {
    public static var directory: URL {
        if let configured = ProcessInfo.processInfo.environment["QONDUIT_ETSI_REFERENCE"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        return RepositoryPaths.root.deletingLastPathComponent().appendingPathComponent("shared/reference")
    }

    public static var officialModules: URL { directory.appendingPathComponent("yang") }
    public static var patchedModules: URL { directory.appendingPathComponent("yang-patched") }
    public static var exampleNode: URL { directory.appendingPathComponent("example-qkd-node.xml") }

    /// All three parts are there: a half-copied reference is reported as missing, not failed on.
    public static var isAvailable: Bool {
        [
            officialModules.appendingPathComponent("etsi-qkd-sdn-node.yang"),
            patchedModules.appendingPathComponent("etsi-qkd-sdn-node.yang"), exampleNode,
        ]
        .allSatisfy { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The reason shown beside a skipped test.
    public static let skipReason =
        "needs the GS QKD 015 reference files: set QONDUIT_ETSI_REFERENCE or place them in ../shared/reference (CI has them)"
}
