public import Foundation

/// Runs a program to completion and captures its output.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum ProcessRunner {
    /// Runs the program on a thread of its own and waits without holding a thread: async tests share
    /// a pool of as many threads as there are cores (two here), and a test blocked on a child
    /// process stalled every test alongside, for long enough to fail timing-sensitive ones.
    /// `environment` entries are added to (or replace) this process's own.
    /// Children run in `workingDirectory`, by default an empty one of the test process's own.
    public static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
        workingDirectory: URL = TestFiles.workingDirectory
    ) async throws -> ProcessResult {
        try await offThePool {
            try runBlocking(executable, arguments, input: input, environment: environment, workingDirectory: workingDirectory)
        }
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], input: Data?, environment: [String: String], workingDirectory: URL
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = workingDirectory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        }
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(input) }
        try inPipe.fileHandleForWriting.close()
        // Read both pipes while the process runs, so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        // Written by the reader below and read only after `group.wait()`, which orders the two.
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }

    /// The absolute path of `name` on PATH, or nil.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Runs blocking work (waiting on a child process, a blocking socket) on a thread of its own, not on
/// the concurrency pool: two threads here, which a blocked test would take from in-process servers.
public func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
