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
            _ = try await call(.patch, "/api/v1/links/bjs-L05", #"{"status":"up","key_rate_bps":0}"#)
            for objective in ["shortest", "widest", "max_flow"] {
                let noKey = try await call(
                    .post, "/api/v1/paths/compute", #"{"source":"bjs-beijing","destination":"bjs-shanghai","objective":"\#(objective)"}"#)
                #expect(noKey.status == .notFound && noKey.detail.contains("no spare key rate"), "\(objective): \(noKey.text)")
            }
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
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","disjoint":"both"}"#, "/disjoint"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","disjoint":"node","max_hops":4}"#, "/max_hops"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","objective":"max_flow","k":2}"#, "/k"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","objective":"widest","disjoint":"link"}"#, "/disjoint"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","objective":"max_flow","include_nodes":["bjs-jinan"]}"#, "/include_nodes"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","include_nodes":["bjs-jinan","no way"]}"#, "/include_nodes/1"),
        (#"{"source":"bjs-beijing","destination":"bjs-hefei","include_nodes":"bjs-jinan"}"#, "/include_nodes"),
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

    @Test func disjointPairMaxFlowAndWaypointsOnAMesh() async throws {
        try await withAPI { call in
            _ = try await call(.post, "/api/v1/topology/import", try exampleTopology(1))
            let pair = try await call(
                .post, "/api/v1/paths/compute", #"{"source":"ams-bank","destination":"bru-nato","disjoint":"node","metric":"length"}"#)
            let paths = try #require(pair.json["paths"] as? [[String: Any]], "\(pair.text)")
            #expect(paths.count == 2)
            let relays = paths.map { Set(($0["nodes"] as? [String] ?? []).dropFirst().dropLast()) }
            #expect(relays[0].isDisjoint(with: relays[1]) && !relays[0].isEmpty)
            let bottlenecks = paths.compactMap { $0["bottleneck_bps"] as? Double }
            #expect(pair.json["total_rate_bps"] as? Double == bottlenecks.reduce(0, +))

            // The bank is dual-homed: a third disjoint path cannot exist, and the answer says so.
            let three = try await call(.post, "/api/v1/paths/compute", #"{"source":"ams-bank","destination":"bru-nato","disjoint":"node","k":3}"#)
            #expect(three.status == .notFound && three.detail.contains("only 2 node-disjoint"), "\(three.text)")

            let flow = try await call(.post, "/api/v1/paths/compute", #"{"source":"ams-bank","destination":"bru-nato","objective":"max_flow"}"#)
            let shares = try #require(flow.json["paths"] as? [[String: Any]], "\(flow.text)")
            let rates = shares.compactMap { $0["rate_bps"] as? Double }
            let total = try #require(flow.json["total_rate_bps"] as? Double)
            #expect(abs(rates.reduce(0, +) - total) < 1e-6 && total > 0)
            #expect(zip(rates, shares.compactMap { $0["bottleneck_bps"] as? Double }).allSatisfy { $0 <= $1 })
            let links = try await call(.get, "/api/v1/links?limit=1000", nil)
            let bankRates = (links.json["items"] as? [[String: Any]] ?? [])
                .filter { $0["node_a"] as? String == "ams-bank" || $0["node_b"] as? String == "ams-bank" }
                .compactMap { $0["key_rate_bps"] as? Double }
            #expect(bankRates.count == 2 && total <= bankRates.reduce(0, +) + 1e-6, "the bank's two links cut it off")

            let via = try await call(
                .post, "/api/v1/paths/compute", #"{"source":"ams-bank","destination":"bru-nato","include_nodes":["ams-science"],"k":2}"#)
            let routes = try #require(via.json["paths"] as? [[String: Any]], "\(via.text)")
            #expect(routes.count == 2 && routes.allSatisfy { ($0["nodes"] as? [String] ?? []).contains("ams-science") })
            let untrusted = try await call(
                .post, "/api/v1/paths/compute", #"{"source":"ams-bank","destination":"bru-nato","include_nodes":["rotterdam-port"]}"#)
            #expect(untrusted.status == .unprocessableContent && untrusted.detail.contains("not a trusted node"), "\(untrusted.text)")
        }
    }
}
