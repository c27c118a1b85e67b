import Foundation
import Hummingbird
import QonduitAPI
import QonduitCore
import QonduitETSI
import QonduitProvisioning
import QonduitStorage
import Synchronization
import Testing

/// A node agent that holds every configuration until released: a request stays in flight for as long as a test needs.
final class GatedConfigurator: NodeConfigurator {
    private let state = Mutex<(entered: Int, released: Bool, waiting: [CheckedContinuation<Void, Never>])>((0, false, []))

    func configure(_ node: NodeID, links: [ETSILink], applications: [ETSIApplication]) async throws {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { state in
                state.entered += 1
                if state.released { return true }
                state.waiting.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
    }

    func unconfigure(_ node: NodeID, links: [QKDUUID], applications: [QKDUUID]) async throws {}

    var entered: Int { state.withLock { $0.entered } }

    func release() {
        let waiting = state.withLock { state in
            state.released = true
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}

@Suite struct RequestLimitTests {
    @Test func requestsBeyondTheBoundAreAnswered503UntilOneFinishes() async throws {
        let agents = GatedConfigurator()
        try await withAPI(configuration: APIConfiguration(maxConcurrentRequests: 1), configurator: agents) { call in
            #expect(try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#).status == .created)
            #expect(try await call(.post, "/api/v1/nodes", #"{"id":"b"}"#).status == .created)
            #expect(
                try await call(.post, "/api/v1/links", #"{"id":"ab","node_a":"a","node_b":"b","length_km":1,"key_rate_bps":1000}"#).status == .created
            )

            // A provisioning request waits on its nodes and holds the one slot.
            let provisioning = Task { try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"b","rate_bps":10}"#) }
            let deadline = ContinuousClock.now + .seconds(30)
            while agents.entered == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(agents.entered > 0)

            let busy = try await call(.get, "/api/v1/nodes", nil)
            #expect(busy.status == .serviceUnavailable && busy.isProblem && busy.detail.contains("max-concurrent-requests"), "\(busy.text)")
            #expect(try await call(.get, "/healthz", nil).status == .ok, "health is never refused")

            agents.release()
            #expect(try await provisioning.value.status == .created)
            #expect(try await call(.get, "/api/v1/nodes", nil).status == .ok, "the slot is free again")
        }
    }
}
