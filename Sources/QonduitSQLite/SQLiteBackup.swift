import Foundation
import GRDB

/// A consistent copy of an inventory file while a controller serves it: SQLite's online backup,
/// which reads one snapshot (WAL readers never wait for the writer, nor it for them) and writes it to
/// a new file.
public enum SQLiteBackup {
    /// What is wrong with a backup's source or destination.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Copies the database at `source` to `destination`, which must not exist (a backup never
    /// overwrites one). Returns the pages copied.
    @discardableResult
    public static func copy(_ source: String, to destination: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: source) else { throw Failure(description: "no database at '\(source)'") }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw Failure(description: "'\(destination)' already exists: a backup never overwrites a file; name a new one")
        }
        var readOnly = Configuration()
        readOnly.readonly = true
        readOnly.busyMode = .timeout(10)
        let from: DatabasePool
        do {
            from = try DatabasePool(path: source, configuration: readOnly)
            // Not an inventory (another SQLite file, or none at all) is refused before anything is written.
            let tables = try from.read { db in try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
            guard tables.isSuperset(of: ["node", "link", "key_path", "api_token"]) else {
                throw Failure(description: "'\(source)' is not a Qonduit inventory")
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot read '\(source)': \(error)")
        }
        var pages = 0
        do {
            let to = try DatabaseQueue(path: destination)
            try from.backup(to: to) { progress in pages = progress.totalPageCount }
            try to.close()
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw Failure(description: "cannot back '\(source)' up to '\(destination)': \(error)")
        }
        return pages
    }
}
