import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitTestSupport
import Testing

/// The built `qonduit` executable, next to the test bundle.
enum QonduitBinary {
    static let path: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("qonduit").path,
            RepositoryPaths.root.appendingPathComponent(".build/debug/qonduit").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    static func run(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(path, arguments)
    }
}

/// A `qonduit serve` process on an ephemeral loopback port.
final class ControllerProcess: Sendable {
    let process: Process
    let baseURL: String
    let databasePath: String
    private let output: Pipe

    init(database: String? = nil, listen: String = "127.0.0.1:0", extraArguments: [String] = []) throws {
        databasePath = database ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("qonduit-e2e-\(UUID().uuidString).sqlite").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: QonduitBinary.path)
        process.arguments = ["serve", "--db", databasePath, "--listen", listen, "--log-level", "warning"] + extraArguments
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        baseURL = try Self.awaitListeningLine(output.fileHandleForReading, process: process)
    }

    /// Reads stdout until the server says where it listens.
    private static func awaitListeningLine(_ handle: FileHandle, process: Process) throws -> String {
        var buffer = Data()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty {
                if !process.isRunning { throw ControllerFailed(message: "qonduit serve exited with \(process.terminationStatus)") }
                continue
            }
            buffer += chunk
            let text = String(decoding: buffer, as: UTF8.self)
            if let range = text.range(of: "listening on "), let end = text[range.upperBound...].firstIndex(of: "\n") {
                return String(text[range.upperBound..<end])
            }
        }
        throw ControllerFailed(message: "qonduit serve did not report its address within 60 s")
    }

    /// Stops the server as an operator would (SIGTERM) and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Kills the server at once (SIGKILL), as a crash or power loss would.
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The port the server listens on.
    var port: Int { Int(baseURL.split(separator: ":").last ?? "") ?? 0 }

    deinit { if process.isRunning { process.terminate() } }
}

struct ControllerFailed: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

func fixturePath(_ name: String) -> String {
    RepositoryPaths.root.appendingPathComponent("Tests/QonduitTopologyTests/Fixtures/\(name)").path
}

/// Sends a JSON body (or none) and returns the status code.
func httpStatus(_ method: HTTPMethod, _ url: String, json body: String?) async throws -> Int {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status.code)
}

func jsonArray(_ text: String) -> [[String: Any]] {
    ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]]) ?? []
}
