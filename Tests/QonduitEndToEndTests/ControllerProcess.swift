import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitControllerTestSupport
import QonduitStorage
import QonduitTestSupport
import Synchronization
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

    /// Runs the CLI as an operator whose token is in QONDUIT_TOKEN: the admin token of the
    /// controller that `--server` or `--controller` names, unless `token` says otherwise ("" for none).
    static func run(_ arguments: [String], token: String? = nil) async throws -> ProcessResult {
        let server = zip(arguments, arguments.dropFirst()).first { $0.0 == "--server" || $0.0 == "--controller" }?.1
        let chosen = token ?? server.flatMap(ControllerTokens.token(for:)) ?? ""
        return try await ProcessRunner.run(path, arguments, environment: ["QONDUIT_TOKEN": chosen])
    }
}

extension HTTPClientRequest {
    /// A request carrying the admin token of the controller at `url`, if the tests started one there.
    static func authorized(url: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        if let token = ControllerTokens.token(for: url) { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    /// One request as the tests make it (authenticated as above, a JSON body if any), and the answer.
    static func exchange(_ method: HTTPMethod, _ url: String, json body: String? = nil, accept: String? = nil) async throws -> (
        status: Int, text: String
    ) {
        var request = await authenticated(url: url)
        request.method = method
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 16 << 20)))
    }

    /// `authorized(url:)` for the controller's API; for a simulated agent's RESTCONF interface, a
    /// request made as its controller would, with its proof.
    static func authenticated(url: String) async -> HTTPClientRequest {
        guard url.contains("/restconf") else { return authorized(url: url) }
        var request = HTTPClientRequest(url: url)
        if let proof = await ControllerTokens.controllerProof(forAgentAt: url) {
            request.headers.add(name: "Authorization", value: "Bearer \(proof)")
        }
        return request
    }
}

/// A `qonduit serve` process on an ephemeral loopback port.
final class ControllerProcess: Sendable {
    let process: Process
    let baseURL: String
    let databasePath: String
    /// The first admin token, which the controller wrote beside its database.
    let token: String
    private let output: Pipe

    /// Each test's database sits in a directory of its own, with its own admin token file beside it.
    init(database: String? = nil, listen: String = "127.0.0.1:0", extraArguments: [String] = []) throws {
        if let database {
            databasePath = database
        } else {
            databasePath = try TestFiles.newDirectory("controller").appendingPathComponent("inventory.sqlite").path
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: QonduitBinary.path)
        process.arguments = ["serve", "--db", databasePath, "--listen", listen, "--log-level", "warning"] + extraArguments
        process.currentDirectoryURL = TestFiles.workingDirectory
        output = Pipe()
        process.standardOutput = output
        // What it says on stderr goes to a file, for the failure a start that did not listen reports.
        let errors = TestFiles.path("serve", suffix: ".stderr")
        FileManager.default.createFile(atPath: errors, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errors) ?? FileHandle.nullDevice
        try process.run()
        do {
            baseURL = try Self.awaitListeningLine(output.fileHandleForReading, process: process)
        } catch let failure as ControllerFailed {
            let said = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw ControllerFailed(message: failure.message + (said.isEmpty ? "" : ": " + String(said.suffix(1_500))))
        }
        // `--admin-token-file` says where the token went (a PostgreSQL database has no file to put it beside).
        tokenFile = zip(extraArguments, extraArguments.dropFirst()).first { $0.0 == "--admin-token-file" }?.1 ?? Self.tokenFile(beside: databasePath)
        token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        ControllerTokens.register(token, for: baseURL, database: databasePath)
    }

    /// Starts the controller on a thread of its own and waits for it without holding one of the
    /// concurrency pool's (two here): a test blocked in a start stalled the in-process servers of others.
    static func start(database: String? = nil, listen: String = "127.0.0.1:0", extraArguments: [String] = []) async throws -> ControllerProcess {
        try await offThePool { try ControllerProcess(database: database, listen: listen, extraArguments: extraArguments) }
    }

    /// Where the controller wrote its first admin token.
    let tokenFile: String

    /// Named after the database: `inventory.sqlite` → `inventory-admin.token`.
    static func tokenFile(beside database: String) -> String {
        let url = URL(fileURLWithPath: database)
        return url.deletingLastPathComponent().appendingPathComponent(url.deletingPathExtension().lastPathComponent + "-admin.token").path
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

    /// Stops the server as an operator would (SIGTERM) and returns its exit status, waiting on a
    /// thread of its own.
    @discardableResult
    func stop() async throws -> Int32 {
        ControllerTokens.unregister(baseURL)
        if process.isRunning { process.terminate() }
        return try await offThePool { [process] in
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// Asks the server to stop (SIGTERM) without waiting for it: what a test's `defer` calls, so that
    /// a graceful shutdown does not hold one of the concurrency pool's two threads meanwhile.
    func terminate() {
        ControllerTokens.unregister(baseURL)
        if process.isRunning { process.terminate() }
    }

    /// Kills the server at once (SIGKILL), as a crash or power loss would.
    func kill() async throws {
        ControllerTokens.unregister(baseURL)
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        _ = try await offThePool { [process] in process.waitUntilExit() }
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
    var request = HTTPClientRequest.authorized(url: url)
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
