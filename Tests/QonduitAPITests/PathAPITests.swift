import Foundation
import Hummingbird
import Testing

@Suite struct PathAPITests {
    /// The Beijing–Shanghai backbone: a chain, so the path between its ends is known.
    func withBackbone(_ body: @Sendable @escaping (APICall) async throws -> Void) async throws {
        try await withAPI { call in
            let imported = try await call(.post, "/api/v1/topology/import", try exampleTopology(0))
            #expect(imported.status == .ok)
            try await body(call)
        }
    }

    @Test func computesTheRelayChainAcrossTheBackbone() async throws {
        try await withBackbone { call in
            let response = try await call(.post, "/api/v1/paths/compute", #"{"source":"bjs-beijing","destination":"bjs-shanghai","metric":"length"}"#)
            #expect(response.status == .ok, "\(response.text)")
            let path = try #require((response.json["paths"] as? [[String: Any]])?.first)
            let nodes = path["nodes"] as? [String] ?? []
            #expect(nodes.first == "bjs-beijing" && nodes.last == "bjs-shanghai" && nodes.count == 21)
            #expect(path["hops"] as? Int == 20 && (path["length_km"] as? Double ?? 0) > 1_000)
            #expect((response.json["total_rate_bps"] as? Double) == path["bottleneck_bps"] as? Double)
        }
    }

    @Test func noPathNamesTheConstraint() async throws {
        try await withBackbone { call in
            let rate = try await call(.post, "/api/v1/paths/compute", #"{"source":"bjs-beijing","destination":"bjs-shanghai","rate_bps":1e9}"#)
            #expect(rate.status == .notFound && rate.isProblem && rate.detail.contains("1000000000 bit/s spare"))
            let hops = try await call(.post, "/api/v1/paths/compute", #"{"source":"bjs-beijing","destination":"bjs-shanghai","max_hops":3}"#)
            #expect(hops.status == .notFound && hops.detail.contains("more than 3 hop"))
            _ = try await call(.patch, "/api/v1/links/bjs-L05", #"{"status":"down"}"#)
            let down = try await call(.post, "/api/v1/paths/compute", #"{"source":"bjs-beijing","destination":"bjs-shanghai"}"#)
            #expect(down.status == .notFound && down.detail.contains("not up"), "the graph follows inventory changes: \(down.text)")
        }
    }

    @Test(arguments: [
        (#"{"source":"bjs-beijing"}"#, "/destination"),
        (#"{"source":"bjs-beijing","destination":"x y"}"#, "/destination"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","metric":"speed"}"#, "/metric"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","k":17}"#, "/k"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","rate_bps":-1}"#, "/rate_bps"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","max_hops":0}"#, "/max_hops"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","exclude_nodes":["ok","bad id"]}"#, "/exclude_nodes/1"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","disjoint":"node"}"#, "/disjoint"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","colour":"red"}"#, "/colour"),
    ])
    func badRequestsNameTheField(_ body: String, _ pointer: String) async throws {
        try await withBackbone { call in
            let response = try await call(.post, "/api/v1/paths/compute", body)
            #expect(response.status == .badRequest && response.isProblem, "\(response.text)")
            #expect(response.errors.contains { $0["pointer"] as? String == pointer }, "\(response.text)")
        }
    }

    @Test func unknownOrIdenticalEndsAreUnprocessable() async throws {
        try await withBackbone { call in
            let unknown = try await call(.post, "/api/v1/paths/compute", #"{"source":"bjs-beijing","destination":"nowhere"}"#)
            #expect(unknown.status == .unprocessableContent && unknown.detail.contains("nowhere"))
            let same = try await call(.post, "/api/v1/paths/compute", #"{"source":"bjs-beijing","destination":"bjs-beijing"}"#)
            #expect(same.status == .unprocessableContent)
        }
    }

    @Test func alternativesAndTheWidestPathOnAMesh() async throws {
        try await withAPI { call in
            _ = try await call(.post, "/api/v1/topology/import", try exampleTopology(1))
            let k = try await call(.post, "/api/v1/paths/compute", #"{"source":"ams-bank","destination":"bru-nato","k":4,"metric":"length"}"#)
            let paths = try #require(k.json["paths"] as? [[String: Any]], "\(k.text)")
            #expect(paths.count == 4)
            let lengths = paths.compactMap { $0["length_km"] as? Double }
            #expect(lengths == lengths.sorted())
            let widest = try await call(.post, "/api/v1/paths/compute", #"{"source":"ams-bank","destination":"bru-nato","objective":"widest"}"#)
            let best = try #require((widest.json["paths"] as? [[String: Any]])?.first?["bottleneck_bps"] as? Double)
            #expect(paths.allSatisfy { ($0["bottleneck_bps"] as? Double ?? 0) <= best })
        }
    }
}
