import Foundation
import Hummingbird
import QonduitAPI
import QonduitCore
import QonduitSQLite
import QonduitStorage
import Testing

@Suite struct NodeAPITests {
    @Test func createReadListPatchAndDeleteANode() async throws {
        try await withAPI { call in
            let created = try await call(
                .post, "/api/v1/nodes", #"{"id":"alice","name":"Alice Lab","latitude":48.2,"longitude":16.37,"trusted":false}"#)
            #expect(created.status == .created)
            #expect(created.json["id"] as? String == "alice" && created.json["trusted"] as? Bool == false)
            #expect(created.json["site"] is NSNull && created.json["status"] as? String == "up")
            let read = try await call(.get, "/api/v1/nodes/alice", nil)
            #expect(read.json["name"] as? String == "Alice Lab")
            let patched = try await call(.patch, "/api/v1/nodes/alice", #"{"site":"Vienna","latitude":null,"status":"down"}"#)
            #expect(patched.status == .ok)
            #expect(patched.json["site"] as? String == "Vienna" && patched.json["latitude"] is NSNull && patched.json["longitude"] is NSNull)
            #expect(patched.json["status"] as? String == "down")
            let list = try await call(.get, "/api/v1/nodes", nil)
            #expect(list.json["total"] as? Int == 1 && (list.json["items"] as? [Any])?.count == 1)
            let half = try await call(.patch, "/api/v1/nodes/alice", #"{"latitude":10}"#)
            #expect(half.status == .badRequest && half.errors.first?["pointer"] as? String == "/longitude")
            #expect(try await call(.delete, "/api/v1/nodes/alice", nil).status == .noContent)
            #expect(try await call(.get, "/api/v1/nodes/alice", nil).status == .notFound)
        }
    }

    @Test func nodesCarryTheirGSQKD015Identity() async throws {
        try await withAPI { call in
            let assigned = try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#)
            let uuid = try #require(assigned.json["qkdn_id"] as? String)
            #expect(uuid.count == 36)
            let given = try await call(.post, "/api/v1/nodes", #"{"id":"b","qkdn_id":"6F1C2A1E-0000-4000-8000-0000000000BB"}"#)
            #expect(given.json["qkdn_id"] as? String == "6f1c2a1e-0000-4000-8000-0000000000bb", "stored in lower case")
            let bad = try await call(.post, "/api/v1/nodes", #"{"id":"c","qkdn_id":"not-a-uuid"}"#)
            #expect(bad.status == .badRequest && bad.errors.first?["pointer"] as? String == "/qkdn_id")
            let taken = try await call(.patch, "/api/v1/nodes/a", #"{"qkdn_id":"6f1c2a1e-0000-4000-8000-0000000000bb"}"#)
            #expect(taken.status == .conflict && taken.detail.contains("already belongs to 'b'"), "\(taken.text)")
            let cleared = try await call(.patch, "/api/v1/nodes/a", #"{"qkdn_id":null}"#)
            #expect(cleared.status == .badRequest && cleared.errors.first?["pointer"] as? String == "/qkdn_id")
            let moved = try await call(.patch, "/api/v1/nodes/a", #"{"qkdn_id":"6f1c2a1e-0000-4000-8000-0000000000aa","status":"unreachable"}"#)
            #expect(moved.json["qkdn_id"] as? String == "6f1c2a1e-0000-4000-8000-0000000000aa" && moved.json["status"] as? String == "unreachable")
            let link = try await call(
                .post, "/api/v1/links", #"{"id":"ab","node_a":"a","node_b":"b","length_km":1,"key_rate_bps":1,"qkdl_id":"nope"}"#)
            #expect(link.status == .badRequest && link.errors.first?["pointer"] as? String == "/qkdl_id")
        }
    }

    @Test func pagingUsesLimitAndOffset() async throws {
        try await withAPI { call in
            for id in ["d", "b", "a", "c"] { _ = try await call(.post, "/api/v1/nodes", #"{"id":"\#(id)"}"#) }
            let page = try await call(.get, "/api/v1/nodes?limit=2&offset=1", nil)
            #expect((page.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["b", "c"])
            #expect(page.json["total"] as? Int == 4)
        }
    }

    @Test(arguments: [
        (#"{"id":"a b"}"#, "/id", "not a valid id"),
        (#"{"id":"x","colour":"red"}"#, "/colour", "unknown field"),
        (#"{"name":"no id"}"#, "/id", "is required"),
        (#"{"id":"x","latitude":"north"}"#, "/latitude", "must be a number"),
        (#"{"id":"x","latitude":10}"#, "/longitude", "together"),
        (#"{"id":"x","status":"sideways"}"#, "/status", "not one of up, down, unknown"),
        (#"{"id":"x","trusted":"yes"}"#, "/trusted", "true or false"),
        (#"{"id":"x'; DROP TABLE node;--"}"#, "/id", "not a valid id"),
        (#"{"id":"x","latitude":91,"longitude":0}"#, "/latitude", "between -90 and 90"),
        (#"{"id":"x","name":""}"#, "/name", "must not be empty"),
    ])
    func badNodeBodiesGetProblemsNamingTheField(_ body: String, _ pointer: String, _ message: String) async throws {
        try await withAPI { call in
            let response = try await call(.post, "/api/v1/nodes", body)
            #expect(response.status == .badRequest || response.status == .unprocessableContent)
            #expect(response.isProblem)
            #expect(
                response.errors.contains { $0["pointer"] as? String == pointer && ($0["message"] as? String ?? "").contains(message) },
                "\(response.text)")
            #expect(try await call(.get, "/api/v1/nodes", nil).json["total"] as? Int == 0)
        }
    }

    @Test func malformedAndMissingBodiesAreBadRequests() async throws {
        try await withAPI { call in
            for body in [nil, "{", "[1,2]", "null", String(repeating: "[", count: 100_000)] as [String?] {
                let response = try await call(.post, "/api/v1/nodes", body)
                #expect(response.status == .badRequest, "\(body?.prefix(20) ?? "nil"): \(response.text)")
                #expect(response.isProblem)
            }
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        try await withAPI(configuration: .init(maxJSONBodyBytes: 100)) { call in
            let response = try await call(.post, "/api/v1/nodes", #"{"id":"x","name":"\#(String(repeating: "n", count: 200))"}"#)
            #expect(response.status == .contentTooLarge && response.isProblem)
        }
    }

    @Test func duplicatesConflict() async throws {
        try await withAPI { call in
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#)
            let response = try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#)
            #expect(response.status == .conflict && response.isProblem && response.detail.contains("already exists"))
        }
    }

    @Test func deletingANodeWithLinksIsRefusedUnlessCascading() async throws {
        try await withAPI { call in
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#)
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"b"}"#)
            _ = try await call(.post, "/api/v1/links", #"{"id":"l","node_a":"a","node_b":"b","length_km":5,"key_rate_bps":100}"#)
            let refused = try await call(.delete, "/api/v1/nodes/a", nil)
            #expect(refused.status == .conflict && refused.detail.contains("cascade=true") && refused.detail.contains("'l'"))
            #expect(try await call(.delete, "/api/v1/nodes/a?cascade=maybe", nil).status == .badRequest)
            #expect(try await call(.delete, "/api/v1/nodes/a?cascade=true", nil).status == .noContent)
            #expect(try await call(.get, "/api/v1/links/l", nil).status == .notFound)
        }
    }

    /// Found by the API fuzzer: a length near the largest double passed as finite, then overflowed to
    /// infinity when rounded to the inventory's precision, and the controller crashed writing it.
    @Test func hugeMeasuresAreRefusedAndNeverStoredAsInfinity() async throws {
        try await withAPI { call in
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#)
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"b"}"#)
            for body in [
                #""length_km":1.3267915549030968e+308,"key_rate_bps":1"#, #""length_km":40076,"key_rate_bps":1"#,
                #""length_km":1,"key_rate_bps":1e13"#,
            ] {
                let response = try await call(.post, "/api/v1/links", #"{"id":"l","node_a":"a","node_b":"b",\#(body)}"#)
                #expect(response.status == .unprocessableContent && response.isProblem, "\(body): \(response.text)")
            }
            #expect(
                try await call(.post, "/api/v1/links", #"{"id":"l","node_a":"a","node_b":"b","length_km":40075,"key_rate_bps":1e12}"#).status
                    == .created)
            let patched = try await call(.patch, "/api/v1/links/l", #"{"length_km":1.3267915549030968e+308}"#)
            #expect(patched.status == .unprocessableContent, "\(patched.text)")
            #expect(try await call(.get, "/api/v1/links/l", nil).json["length_km"] as? Double == 40075)
        }
        #expect(Precision.rounded(1.3267915549030968e+308, fractionDigits: 3) == 1.3267915549030968e+308)
        #expect(Precision.rounded(1e16 + 2, fractionDigits: 3) == 1e16 + 2)
    }

    @Test(arguments: [
        "/api/v1/nodes?limit=0", "/api/v1/nodes?limit=abc", "/api/v1/nodes?offset=-1", "/api/v1/nodes?lmit=5", "/api/v1/nodes?limit=1&limit=2",
    ])
    func badQueryParametersAreNamed(_ uri: String) async throws {
        try await withAPI { call in
            let response = try await call(.get, uri, nil)
            #expect(response.status == .badRequest && response.isProblem)
            #expect(response.errors.first?["pointer"] as? String == "?" + uri.split(separator: "?")[1].split(separator: "=")[0])
        }
    }

    @Test func unknownRoutesAreProblems() async throws {
        try await withAPI { call in
            let response = try await call(.get, "/api/v1/nope", nil)
            #expect(response.status == .notFound && response.isProblem)
            #expect(try await call(.get, "/api/v1/nodes/..%2F..%2Fetc%2Fpasswd", nil).status == .notFound)
        }
    }
}

@Suite struct LinkAPITests {
    @Test func createPatchAndDeleteALink() async throws {
        try await withAPI { call in
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#)
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"b"}"#)
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"c"}"#)
            let created = try await call(
                .post, "/api/v1/links", #"{"id":"l","node_a":"a","node_b":"b","length_km":25.5,"key_rate_bps":12000,"qber":0.02}"#)
            #expect(created.status == .created)
            #expect(created.json["length_km"] as? Double == 25.5 && created.json["qber"] as? Double == 0.02)
            let patched = try await call(.patch, "/api/v1/links/l", #"{"node_b":"c","status":"down","qber":null}"#)
            #expect(patched.json["node_b"] as? String == "c" && patched.json["status"] as? String == "down" && patched.json["qber"] is NSNull)
            let list = try await call(.get, "/api/v1/links", nil)
            #expect(list.json["total"] as? Int == 1)
            #expect(try await call(.delete, "/api/v1/links/l", nil).status == .noContent)
            #expect(try await call(.delete, "/api/v1/links/l", nil).status == .notFound)
        }
    }

    @Test func linksHaveAnOperatorCostAndShowNominalAndMeasuredValuesApart() async throws {
        try await withAPI { call in
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#)
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"b"}"#)
            let plain = try await call(.post, "/api/v1/links", #"{"id":"l","node_a":"a","node_b":"b","length_km":1,"key_rate_bps":500}"#)
            #expect(plain.json["cost"] as? Double == 1, "1 unless set")
            #expect(plain.json["nominal_key_rate_bps"] as? Double == 500 && plain.json["key_rate_bps"] as? Double == 500)
            #expect(
                plain.json["measured_key_rate_bps"] is NSNull && plain.json["measured_status"] is NSNull
                    && plain.json["admin_status"] as? String == "up")
            let costly = try await call(.post, "/api/v1/links", #"{"id":"m","node_a":"a","node_b":"b","length_km":1,"key_rate_bps":500,"cost":12.5}"#)
            #expect(costly.json["cost"] as? Double == 12.5)
            let patched = try await call(.patch, "/api/v1/links/m", #"{"cost":0}"#)
            #expect(patched.status == .ok && patched.json["cost"] as? Double == 0)
            for bad in [#"{"cost":-1}"#, #"{"cost":null}"#, #"{"cost":"cheap"}"#] {
                let refused = try await call(.patch, "/api/v1/links/m", bad)
                #expect(refused.status == .badRequest || refused.status == .unprocessableContent, "\(bad): \(refused.text)")
                #expect(refused.errors.first?["pointer"] as? String == "/cost" || refused.detail.contains("cost"), "\(bad): \(refused.text)")
            }
            let listed = try await call(.get, "/api/v1/links", nil)
            #expect((listed.json["items"] as? [[String: Any]])?.compactMap { $0["cost"] as? Double } == [1, 0])
        }
    }

    @Test func anOperatorMaySetALinkUpOrDownAndNothingElse() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        try await withAPI(inventory: inventory, role: .admin) { admin in
            _ = try await admin(.post, "/api/v1/nodes", #"{"id":"a"}"#)
            _ = try await admin(.post, "/api/v1/nodes", #"{"id":"b"}"#)
            _ = try await admin(.post, "/api/v1/links", #"{"id":"l","node_a":"a","node_b":"b","length_km":1,"key_rate_bps":500}"#)
        }
        try await withAPI(inventory: inventory, role: .operator) { call in
            #expect(try await call(.patch, "/api/v1/links/l", #"{"status":"down"}"#).status == .ok)
            for (body, field) in [
                (#"{"node_a":"b"}"#, "node_a"), (#"{"key_rate_bps":9}"#, "key_rate_bps"), (#"{"status":"up","qber":0.5}"#, "qber"),
                (#"{"length_km":2}"#, "length_km"), (#"{"cost":3}"#, "cost"),
            ] {
                let refused = try await call(.patch, "/api/v1/links/l", body)
                #expect(refused.status == .forbidden && refused.detail.contains("setting \(field) needs the admin role"), "\(refused.text)")
            }
        }
        let link = try await inventory.link("l").value
        #expect(link.status == .down && link.keyRateBps == 500 && link.qber == nil && link.cost == 1, "nothing refused was applied")
    }

    @Test func linksToUnknownNodesAreUnprocessable() async throws {
        try await withAPI { call in
            _ = try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#)
            let response = try await call(.post, "/api/v1/links", #"{"id":"l","node_a":"a","node_b":"ghost","length_km":1,"key_rate_bps":1}"#)
            #expect(response.status == .unprocessableContent && response.errors.first?["pointer"] as? String == "/node_b")
            let selfLoop = try await call(.post, "/api/v1/links", #"{"id":"l","node_a":"a","node_b":"a","length_km":1,"key_rate_bps":1}"#)
            #expect(selfLoop.status == .unprocessableContent && selfLoop.errors.first?["pointer"] as? String == "/node_b")
            let nulls = try await call(.patch, "/api/v1/links/none", #"{"length_km":null}"#)
            #expect(nulls.status == .badRequest && nulls.errors.first?["pointer"] as? String == "/length_km")
        }
    }
}
