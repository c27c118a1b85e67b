public import Foundation

/// Paths inside the checkout, found from this file's own location so tests run from any directory.
public enum RepositoryPaths {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var topologies: URL { root.appendingPathComponent("Topologies") }
    public static var models: URL { root.appendingPathComponent("Models") }

    /// Every example topology shipped in `Topologies/`.
    public static func exampleTopologies() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: topologies, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
