import ArgumentParser
import Foundation
import QonduitPostgres
import QonduitSQLite

/// `qonduit backup --db FILE --to COPY`: a consistent copy of an SQLite inventory, while it is served.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy an SQLite inventory to a new file, consistently, while a controller serves it.",
        discussion: """
            Uses SQLite's online backup: the copy is one snapshot of the database, and the controller keeps \
            serving meanwhile. To restore, stop the controller and serve the copy (or move it into place), with \
            the same device key file (DB-device.key, or --device-key-file) so that onboarded devices' credentials \
            open; the admin token file of the original database goes with it. A PostgreSQL inventory is backed up \
            with PostgreSQL's own tools (pg_dump, or a replica).
            """)

    @Option(help: ArgumentHelp("The SQLite database the controller serves.", valueName: "db"))
    var db = "qonduit.sqlite"

    @Option(help: ArgumentHelp("The new file to write the copy to (it must not exist).", valueName: "file"))
    var to: String

    func validate() throws {
        if PostgresLocation.isURL(db) {
            throw ValidationError("--db names a PostgreSQL database: back it up with PostgreSQL's tools (pg_dump, a replica)")
        }
        guard db != ":memory:" else { throw ValidationError("--db :memory: lives in its controller's memory: there is no file to copy") }
    }

    func run() throws {
        let started = ContinuousClock.now
        do {
            let pages = try SQLiteBackup.copy(db, to: to)
            let size = (try? FileManager.default.attributesOfItem(atPath: to)[.size] as? Int) ?? 0
            print("backed up \(db) to \(to): \(pages) pages, \(size) bytes in \(ContinuousClock.now - started)")
        } catch let failure as SQLiteBackup.Failure {
            throw CLIError(failure.description)
        }
    }
}
