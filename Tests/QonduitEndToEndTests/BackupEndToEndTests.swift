import AsyncHTTPClient
import Foundation
import NIOHTTP1
import QonduitTestSupport
import Testing

/// `qonduit backup` copies a served SQLite inventory; serving the copy restores it.
@Suite struct BackupEndToEndTests {
    @Test func aBackupTakenWhileServingServesTheSameInventory() async throws {
        let controller = try await ControllerProcess.start()
        defer { controller.terminate() }
        let created = try await HTTPClientRequest.exchange(
            .POST, "\(controller.baseURL)/api/v1/nodes", json: #"{"id":"saved","name":"Saved before the backup"}"#)
        #expect(created.status == 201, "\(created.text)")

        let directory = try TestFiles.newDirectory("backup")
        let copy = directory.appendingPathComponent("copy.sqlite").path
        let backup = try await QonduitBinary.run(["backup", "--db", controller.databasePath, "--to", copy])
        #expect(backup.status == 0 && backup.stdout.contains("backed up") && backup.stdout.contains("pages"), "\(backup.stdout)\(backup.stderr)")
        let again = try await QonduitBinary.run(["backup", "--db", controller.databasePath, "--to", copy])
        #expect(again.status != 0 && again.stderr.contains("already exists"), "never overwritten: \(again.stderr)")
        let missing = try await QonduitBinary.run(["backup", "--db", directory.appendingPathComponent("none.sqlite").path, "--to", copy + "2"])
        #expect(missing.status != 0 && missing.stderr.contains("no database at"), "\(missing.stderr)")
        let shared = try await QonduitBinary.run(["backup", "--db", "postgres://u@h/d", "--to", copy + "3"])
        #expect(shared.status != 0 && shared.stderr.contains("pg_dump"), "\(shared.stderr)")
        try await controller.stop()

        // Restored: the copy served with the original's token and device key, and what was written is there.
        let original = URL(fileURLWithPath: controller.databasePath).deletingPathExtension().path
        let restored = try await ControllerProcess.start(
            database: copy, extraArguments: ["--admin-token-file", original + "-admin.token", "--device-key-file", original + "-device.key"])
        defer { restored.terminate() }
        #expect(restored.token == controller.token)
        let node = try await HTTPClientRequest.exchange(.GET, "\(restored.baseURL)/api/v1/nodes/saved")
        #expect(node.status == 200 && node.text.contains("Saved before the backup"), "\(node.text)")
    }
}
