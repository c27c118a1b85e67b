import Foundation

/// Polls `condition` every 100 ms until it holds (true) or `seconds` pass (false). The bound is
/// generous: it costs time only when something is wrong, and the suite runs controllers, agent
/// fleets and the API fuzzer at once on two cores.
public func eventually(_ seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return false
}
