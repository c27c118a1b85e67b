public import Foundation

/// Where tests put the files they make (databases, certificates, documents): one directory per test
/// process, removed when the process exits. No test need own what it makes: a controller restarted on
/// another's database, or a database left open by a test that failed, goes with the rest.
public enum TestFiles {
    public static let directory: URL = {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qonduit-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestFiles.directory) }
        return directory
    }()

    /// Where the child processes tests start run: an empty directory, so that nothing a user's own
    /// run left in the checkout (the `qonduit-admin.token` of `qonduit serve`, say) reaches a CLI under test.
    public static let workingDirectory: URL = {
        let made = directory.appendingPathComponent("cwd")
        try? FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
        return made
    }()

    /// A path nothing is at yet, named `prefix` followed by a unique part and `suffix`.
    public static func path(_ prefix: String, suffix: String = "") -> String {
        directory.appendingPathComponent("\(prefix)-\(UUID().uuidString)\(suffix)").path
    }

    /// A new empty directory, named `prefix` followed by a unique part.
    public static func newDirectory(_ prefix: String) throws -> URL {
        let made = URL(fileURLWithPath: path(prefix))
        try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
        return made
    }
}
