import Foundation
import Hummingbird
import QonduitControllerTestSupport
import QonduitCore
import QonduitProvisioning
import QonduitSQLite
import QonduitStorageTestSupport
import QonduitTestSupport
import Synchronization
import Testing

@testable import QonduitStorage

@Suite struct KeyPathAPITests {
    /// A ring a–b–c–d–a with a chord a–c, every link with `rate` bit/s of key.
    func withRing(
        rate: Double = 10_000, inventory: (any Inventory)? = nil, configurator: any NodeConfigurator = ScriptedConfigurator(),
        provisioner: KeyPathProvisioner? = nil, _ body: @Sendable @escaping (@escaping APICall) async throws -> Void
    ) async throws {
        try await withAPI(inventory: inventory, configurator: configurator, provisioner: provisioner) { call in
            for node in ["a", "b", "c", "d"] {
                #expect(try await call(.post, "/api/v1/nodes", #"{"id":"\#(node)"}"#).status == .created)
            }
            for (id, a, b) in [("ab", "a", "b"), ("bc", "b", "c"), ("cd", "c", "d"), ("da", "d", "a"), ("ac", "a", "c")] {
                let link = #"{"id":"\#(id)","node_a":"\#(a)","node_b":"\#(b)","length_km":10,"key_rate_bps":\#(rate)}"#
                #expect(try await call(.post, "/api/v1/links", link).status == .created)
            }
            try await body(call)
        }
    }

    func reserved(_ call: APICall, _ link: String) async throws -> Double {
        try await call(.get, "/api/v1/links/\(link)", nil).json["reserved_bps"] as? Double ?? -1
    }

    /// The dry run answers on spare rate, as admission does: what it offers, provisioning reserves,
    /// and what it refuses, provisioning refuses.
    @Test func computeAndProvisionAgreeOnceRateIsReserved() async throws {
        try await withRing { call in
            let first = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":8000,"metric":"hops"}"#)
            #expect(first.status == .created, "\(first.text)")
            #expect(try await reserved(call, "ac") == 8000)
            let compute = #"{"source":"a","destination":"c","rate_bps":4000,"metric":"hops"}"#
            let computed = try await call(.post, "/api/v1/paths/compute", compute)
            let path = try #require((computed.json["paths"] as? [[String: Any]])?.first, "\(computed.text)")
            #expect(path["links"] as? [String] != ["ac"], "the chord has 2,000 bit/s spare: \(computed.text)")
            #expect((path["bottleneck_bps"] as? Double ?? 0) == 10_000, "spare, not raw, rate: \(computed.text)")
            let provisioned = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":4000,"metric":"hops"}"#)
            let route = (provisioned.json["routes"] as? [[String: Any]])?.first?["links"] as? [String]
            #expect(route == path["links"] as? [String], "provisioning takes the route the dry run showed")
            // Spare: 2,000 on the chord, 6,000 on the route just reserved, 10,000 on the other.
            let flow = try await call(.post, "/api/v1/paths/compute", #"{"source":"a","destination":"c","objective":"max_flow"}"#)
            #expect(flow.json["total_rate_bps"] as? Double == 18_000, "\(flow.text)")
            // Neither offers what no route has spare.
            let tooMuch = #"{"source":"a","destination":"c","rate_bps":12000,"metric":"hops"}"#
            #expect(try await call(.post, "/api/v1/paths/compute", tooMuch).status == .notFound)
            #expect(try await call(.post, "/api/v1/key-paths", tooMuch).status == .conflict)
        }
    }

    /// A dry run is the provisioner's own plan: node-disjoint for a backup, what is then reserved,
    /// nothing reserved or configured by the dry run itself, and the same refusal.
    @Test func aDryRunShowsWhatProvisioningThenReserves() async throws {
        let agents = ScriptedConfigurator()
        try await withRing(configurator: agents) { call in
            let request = #"{"source":"a","destination":"c","rate_bps":3000,"protection":"disjoint_backup""#
            let plan = try await call(.post, "/api/v1/key-paths", request + #","dry_run":true}"#)
            #expect(plan.status == .ok && plan.json["dry_run"] as? Bool == true, "\(plan.text)")
            let planned = (plan.json["routes"] as? [[String: Any]] ?? []).map { $0["nodes"] as? [String] ?? [] }
            #expect(planned.count == 2 && Set(planned[0].dropFirst().dropLast()).isDisjoint(with: planned[1].dropFirst().dropLast()))
            let held = [try await reserved(call, "ac"), try await reserved(call, "ab"), try await reserved(call, "da")]
            #expect(held == [0, 0, 0], "nothing reserved")
            #expect(agents.configured.isEmpty, "nothing sent to a node")
            #expect(try await call(.get, "/api/v1/key-paths", nil).json["total"] as? Int == 0)
            let made = try await call(.post, "/api/v1/key-paths", request + "}")
            let reserved = (made.json["routes"] as? [[String: Any]] ?? []).map { $0["nodes"] as? [String] ?? [] }
            #expect(made.status == .created && reserved == planned, "\(made.text)")
            let tooMuch = #"{"source":"a","destination":"c","rate_bps":9000,"protection":"disjoint_backup","dry_run":true}"#
            let refused = try await call(.post, "/api/v1/key-paths", tooMuch)
            #expect(refused.status == .conflict, "\(refused.text)")
            let bad = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":1,"dry_run":"yes"}"#)
            #expect(bad.status == .badRequest, "\(bad.text)")
        }
    }

    @Test func aKeyPathIsReservedConfiguredOnEveryNodeAndActivated() async throws {
        let agents = ScriptedConfigurator()
        try await withRing(configurator: agents) { call in
            let created = try await call(
                .post, "/api/v1/key-paths",
                #"""
                {"source":"b","destination":"d","rate_bps":4000,"metric":"hops","application":{"client_app_id":"urn:app:b","server_app_id":"urn:app:d"}}
                """#)
            #expect(created.status == .created, "\(created.text)")
            let path = created.json
            #expect(path["state"] as? String == "active" && path["rate_bps"] as? Double == 4000)
            let route = try #require((path["routes"] as? [[String: Any]])?.first)
            let nodes = route["nodes"] as? [String] ?? []
            let links = route["links"] as? [String] ?? []
            #expect(nodes.first == "b" && nodes.last == "d" && nodes.count == 3 && links.count == 2)
            for link in links { #expect(try await reserved(call, link) == 4000) }
            #expect(try await reserved(call, "ac") == 0 || links.contains("ac"))

            // Each node of the route holds the route's virtual link; the ends hold the application too.
            let qkdl = try #require(route["qkdl_id"] as? String)
            let appID = try #require((path["application"] as? [String: Any])?["app_id"] as? String)
            let configured = agents.configured
            #expect(Set(configured.keys.map(\.rawValue)) == Set(nodes))
            for node in nodes {
                let entries = Set((configured[try NodeID(node)] ?? []).map(\.text))
                #expect(entries.contains(qkdl))
                #expect(entries.contains(appID) == (node == "b" || node == "d"))
            }

            let id = try #require(path["id"] as? String)
            #expect(try await call(.get, "/api/v1/key-paths/\(id)", nil).json["state"] as? String == "active")
            #expect(try await call(.get, "/api/v1/key-paths?state=active", nil).json["total"] as? Int == 1)
            #expect(try await call(.get, "/api/v1/key-paths?node=\(nodes[1])", nil).json["total"] as? Int == 1, "relays count")
            #expect(try await call(.get, "/api/v1/key-paths?link=\(links[0])", nil).json["total"] as? Int == 1)
            #expect(try await call(.get, "/api/v1/key-paths?state=failed", nil).json["total"] as? Int == 0)

            // A link that carries the path cannot be deleted from under it.
            let refused = try await call(.delete, "/api/v1/links/\(links[0])", nil)
            #expect(refused.status == .conflict && refused.detail.contains(id), "\(refused.text)")

            #expect(try await call(.delete, "/api/v1/key-paths/\(id)", nil).status == .noContent)
            for link in links { #expect(try await reserved(call, link) == 0) }
            #expect(agents.configured.isEmpty, "the configuration is removed from every node")
            #expect(try await call(.get, "/api/v1/key-paths/\(id)", nil).status == .notFound)
            #expect(try await call(.delete, "/api/v1/key-paths/\(id)", nil).status == .notFound)
        }
    }

    /// Many requests at once for more than the network holds: exactly what fits is admitted, and
    /// no link ever has more reserved than its key rate.
    @Test func admissionIsExactUnderConcurrentRequests() async throws {
        try await withRing(rate: 10_000) { call in
            // From a to c: over the chord, or around either side of the ring; 30,000 bit/s in all.
            let answers = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":1000}"#).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(answers.filter { $0 == .created }.count == 30)
            #expect(answers.filter { $0 == .conflict }.count == 10)
            for link in ["ab", "bc", "cd", "da", "ac"] { #expect(try await reserved(call, link) == 10_000) }
            let refused = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":1}"#)
            #expect(refused.status == .conflict && refused.isProblem && refused.detail.contains("spare"), "\(refused.text)")
        }
    }

    /// Requests that arrive together are reserved and configured together: each still gets its own
    /// answer, whether it is admitted and activated, failed by a node that refuses it, or refused.
    @Test func requestsProvisionedTogetherEachGetTheirOwnAnswer() async throws {
        let agents = ScriptedConfigurator(refusing: [try NodeID("d")])
        try await withRing(rate: 10_000, configurator: agents) { call in
            let bodies =
                Array(repeating: #"{"source":"a","destination":"b","rate_bps":1000}"#, count: 12)
                + Array(repeating: #"{"source":"c","destination":"d","rate_bps":1000}"#, count: 6)
                + Array(repeating: #"{"source":"a","destination":"b","rate_bps":50000}"#, count: 4)
            let answers = try await withThrowingTaskGroup(of: (Int, HTTPResponse.Status, String?).self) { group in
                for (index, body) in bodies.enumerated() {
                    group.addTask {
                        let answer = try await call(.post, "/api/v1/key-paths", body)
                        return (index, answer.status, answer.json["state"] as? String)
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = ($1.1, $1.2) }
            }
            for index in 0..<12 {
                #expect(answers[index]?.0 == .created && answers[index]?.1 == "active", "\(index): \(String(describing: answers[index]))")
            }
            for index in 12..<18 {
                #expect(answers[index]?.0 == .created && answers[index]?.1 == "failed", "\(index): \(String(describing: answers[index]))")
            }
            for index in 18..<22 { #expect(answers[index]?.0 == .conflict, "\(index): \(String(describing: answers[index]))") }
            #expect(try await reserved(call, "cd") == 0 && agents.configured[try NodeID("d")] == nil)
            #expect(try await call(.get, "/api/v1/key-paths?state=active", nil).json["total"] as? Int == 12)
            // The first 10 fill a–b; the other 2 take the next shortest route, over the chord.
            let onAB = try await reserved(call, "ab")
            let onAC = try await reserved(call, "ac")
            let onDA = try await reserved(call, "da")
            #expect(onAB == 10_000 && onAC == 2_000 && onDA == 0)
        }
    }

    @Test func aNodeThatRefusesItsConfigurationFailsThePathAndRollsBack() async throws {
        let agents = ScriptedConfigurator(refusing: [try NodeID("b")])
        try await withRing(configurator: agents) { call in
            // The chord is excluded, so the path must relay through b or d; d is excluded too.
            let created = try await call(
                .post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":500,"exclude_links":["ac"],"exclude_nodes":["d"]}"#)
            #expect(created.status == .created)
            #expect(created.json["state"] as? String == "failed")
            #expect((created.json["reason"] as? String ?? "").contains("node 'b'"), "\(created.text)")
            #expect((created.json["routes"] as? [Any])?.isEmpty == true)
            for link in ["ab", "bc"] { #expect(try await reserved(call, link) == 0, "the reservation is released") }
            #expect(agents.configured.isEmpty, "nodes that took their part give it back")
            #expect(try await call(.get, "/api/v1/key-paths?state=failed", nil).json["total"] as? Int == 1)
        }
    }

    /// A protected path whose primary breaks switches over to its backup at once (it never stops
    /// being active), runs unprotected while no other disjoint route exists, and gets a new backup
    /// when the network heals.
    @Test func aBrokenPrimarySwitchesOverToItsBackupFirst() async throws {
        let agents = ScriptedConfigurator()
        let inventory = try SQLiteInventory(path: ":memory:")
        try await withAPI(inventory: inventory, configurator: agents) { call in
            for node in ["a", "b", "c", "d"] { _ = try await call(.post, "/api/v1/nodes", #"{"id":"\#(node)"}"#) }
            for (id, a, b) in [("ab", "a", "b"), ("bc", "b", "c"), ("cd", "c", "d"), ("da", "d", "a")] {
                _ = try await call(.post, "/api/v1/links", #"{"id":"\#(id)","node_a":"\#(a)","node_b":"\#(b)","length_km":10,"key_rate_bps":10000}"#)
            }
            let created = try await call(
                .post, "/api/v1/key-paths", #"{"source":"b","destination":"d","rate_bps":1000,"protection":"disjoint_backup"}"#)
            let id = try #require(created.json["id"] as? String)
            let routes = try #require(created.json["routes"] as? [[String: Any]])
            let primary = try #require(routes.first { $0["role"] as? String == "primary" })
            let backup = try #require(routes.first { $0["role"] as? String == "backup" })
            let brokenLink = try #require((primary["links"] as? [String])?.first)
            let primaryQkdl = try #require(primary["qkdl_id"] as? String)
            let backupQkdl = try #require(backup["qkdl_id"] as? String)
            let before = try await inventory.eventLogBounds().latest

            #expect(try await call(.patch, "/api/v1/links/\(brokenLink)", #"{"status":"down"}"#).status == .ok)
            let switched = try await call(.get, "/api/v1/key-paths/\(id)", nil).json
            #expect(switched["state"] as? String == "active", "\(switched)")
            let now = switched["routes"] as? [[String: Any]] ?? []
            #expect(now.count == 1 && now[0]["qkdl_id"] as? String == backupQkdl && now[0]["role"] as? String == "primary", "\(now)")
            #expect(try await reserved(call, brokenLink) == 0)
            let configured = agents.configured
            #expect(configured.values.allSatisfy { !$0.contains { $0.text == primaryQkdl } }, "the broken route is gone from every node")
            for node in backup["nodes"] as? [String] ?? [] {
                #expect(configured[try NodeID(node)]?.contains { $0.text == backupQkdl } == true, "the backup stays configured on \(node)")
            }
            let states = try await inventory.events(after: before, limit: 100).filter { $0.kind == .keyPathState }
            #expect(states.isEmpty, "the key never stopped flowing: \(states.map(\.data))")

            // The link returns: a node-disjoint backup is found and configured again.
            #expect(try await call(.patch, "/api/v1/links/\(brokenLink)", #"{"status":"up"}"#).status == .ok)
            let healed = try await call(.get, "/api/v1/key-paths/\(id)", nil).json
            let restored = healed["routes"] as? [[String: Any]] ?? []
            #expect(healed["state"] as? String == "active" && restored.map { $0["role"] as? String } == ["primary", "backup"], "\(healed)")
            #expect(restored.first?["qkdl_id"] as? String == backupQkdl, "the route that carried the key through stays primary")
            #expect(healed["reason"] is NSNull, "recovered: no reason is left from the re-route (\(healed["reason"] ?? "-"))")
            let newBackup = try #require(restored.last?["qkdl_id"] as? String)
            for node in restored.last?["nodes"] as? [String] ?? [] {
                #expect(agents.configured[try NodeID(node)]?.contains { $0.text == newBackup } == true)
            }
        }
    }

    /// A path re-routed around a failure stays on its detour when the link returns, until an
    /// operator asks for re-optimisation, which moves it back (make before break) and only then.
    @Test func reoptimisationRanksRoutesByEachPathsOwnMetric() async throws {
        try await withRing { call in
            func route(_ id: String) async throws -> [String] {
                (try await call(.get, "/api/v1/key-paths/\(id)", nil).json["routes"] as? [[String: Any]])?.first?["nodes"] as? [String] ?? []
            }
            let byCost = try #require(
                try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"b","rate_bps":100,"metric":"cost"}"#).json["id"] as? String)
            let byHops = try #require(
                try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"b","rate_bps":100,"metric":"hops"}"#).json["id"] as? String)
            let byRate = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"b","rate_bps":100,"metric":"rate"}"#)
            #expect(byRate.status == .created && byRate.json["metric"] as? String == "rate", "rate is a provisioning metric too: \(byRate.text)")
            #expect(try await route(byCost) == ["a", "b"])
            #expect(try await route(byHops) == ["a", "b"])
            #expect(try await call(.patch, "/api/v1/links/ab", #"{"cost":10}"#).status == .ok)
            let result = try await call(.post, "/api/v1/key-paths/reoptimize", #"{"key_paths":["\#(byCost)","\#(byHops)"]}"#)
            #expect(result.status == .ok, "\(result.text)")
            #expect((result.json["moved"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [byCost], "\(result.text)")
            #expect(try await route(byCost) == ["a", "c", "b"], "more hops, less cost")
            #expect(try await route(byHops) == ["a", "b"], "by hops the direct link is still best")
        }
    }

    @Test func reoptimisationMovesPathsBackToBetterRoutes() async throws {
        let agents = ScriptedConfigurator()
        try await withRing(configurator: agents) { call in
            let created = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"b","rate_bps":1000}"#)
            let id = try #require(created.json["id"] as? String)
            func route() async throws -> [String] {
                (try await call(.get, "/api/v1/key-paths/\(id)", nil).json["routes"] as? [[String: Any]])?.first?["nodes"] as? [String] ?? []
            }
            #expect(try await route() == ["a", "b"])
            #expect(try await call(.patch, "/api/v1/links/ab", #"{"status":"down"}"#).status == .ok)
            let detour = try await route()
            #expect(detour.count == 3, "\(detour)")
            #expect(try await call(.patch, "/api/v1/links/ab", #"{"status":"up"}"#).status == .ok)
            #expect(try await route() == detour, "a healed network moves nothing by itself")

            let result = try await call(.post, "/api/v1/key-paths/reoptimize", nil)
            #expect(result.status == .ok, "\(result.text)")
            #expect(
                result.json["examined"] as? Int == 1 && (result.json["moved"] as? [[String: Any]])?.first?["id"] as? String == id, "\(result.text)")
            #expect(try await route() == ["a", "b"])
            #expect(try await call(.get, "/api/v1/key-paths/\(id)", nil).json["state"] as? String == "active")
            #expect(try await reserved(call, "ab") == 1000)
            for link in ["bc", "cd", "da", "ac"] { #expect(try await reserved(call, link) == 0, "the detour's rate is given back: \(link)") }
            let newQkdl = try #require(
                ((try await call(.get, "/api/v1/key-paths/\(id)", nil).json["routes"] as? [[String: Any]])?.first?["qkdl_id"]) as? String)
            #expect(Set(agents.configured.filter { $0.value.contains { $0.text == newQkdl } }.keys.map(\.rawValue)) == ["a", "b"])
            #expect(agents.configured[try NodeID(detour[1])]?.isEmpty ?? true, "the detour's relay holds nothing any more")

            // A node refuses the better route: the path stays active on its detour, which still works.
            #expect(try await call(.patch, "/api/v1/links/ab", #"{"status":"down"}"#).status == .ok)
            let second = try await route()
            #expect(try await call(.patch, "/api/v1/links/ab", #"{"status":"up"}"#).status == .ok)
            agents.state.withLock { $0.refusing = [try! NodeID("b")] }
            let refused = try await call(.post, "/api/v1/key-paths/reoptimize", nil)
            #expect((refused.json["moved"] as? [Any])?.isEmpty == true, "\(refused.text)")
            #expect((refused.json["failed"] as? [[String: Any]])?.first?["state"] as? String == "active", "\(refused.text)")
            #expect(try await route() == second, "still on the route that works")
            #expect(try await call(.get, "/api/v1/key-paths/\(id)", nil).json["state"] as? String == "active")
            #expect(try await reserved(call, "ab") == 0, "the refused route's rate is given back")
            agents.state.withLock { $0.refusing = [] }
            let retried = try await call(.post, "/api/v1/key-paths/reoptimize", nil)
            #expect((retried.json["moved"] as? [Any])?.count == 1, "\(retried.text)")
            #expect(try await route() == ["a", "b"])

            let again = try await call(.post, "/api/v1/key-paths/reoptimize", #"{"key_paths":["\#(id)"]}"#)
            #expect(again.json["examined"] as? Int == 1 && (again.json["moved"] as? [Any])?.isEmpty == true, "\(again.text)")
            let bad = try await call(.post, "/api/v1/key-paths/reoptimize", #"{"key_paths":["nope"]}"#)
            #expect(bad.status == .badRequest && bad.errors.first?["pointer"] as? String == "/key_paths/0", "\(bad.text)")
            let unknown = try await call(.post, "/api/v1/key-paths/reoptimize", #"{"key_paths":["00000000-0000-4000-8000-000000000000"]}"#)
            #expect(unknown.status == .notFound, "\(unknown.text)")
            #expect(try await call(.post, "/api/v1/key-paths/reoptimize", #"{"paths":[]}"#).status == .badRequest)
        }
    }

    /// Make before break, as the reconciler sees it: while a re-optimised path's better route is
    /// configured, the route it leaves still carries key and is provisioning's, so the reconciler
    /// leaves its virtual links alone until the path is active; a route a failed link broke carries
    /// nothing and is not kept from it.
    @Test func onlyOldRoutesThatStillCarryKeyAreKeptFromTheReconciler() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let seen = Mutex<[Set<QKDUUID>]>([])
        let a = try NodeID("a")
        let agents = ScriptedConfigurator(probe: { node in
            guard node == a, let through = try? await inventory.holding(at: a) else { return }
            seen.withLock { $0.append(through.inProgress) }
        })
        try await withRing(inventory: inventory, configurator: agents) { call in
            let created = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"b","rate_bps":1000}"#)
            let id = try #require(created.json["id"] as? String)
            func qkdl() async throws -> QKDUUID {
                let routes = try await call(.get, "/api/v1/key-paths/\(id)", nil).json["routes"] as? [[String: Any]]
                return try #require(QKDUUID(routes?.first?["qkdl_id"] as? String ?? ""))
            }
            let direct = try await qkdl()
            seen.withLock { $0 = [] }
            #expect(try await call(.patch, "/api/v1/links/ab", #"{"status":"down"}"#).status == .ok)
            let detour = try await qkdl()
            #expect(seen.withLock { $0 } == [[detour]], "the broken route is not kept; the new one is provisioning's")
            #expect(try await call(.patch, "/api/v1/links/ab", #"{"status":"up"}"#).status == .ok)
            seen.withLock { $0 = [] }
            #expect(try await call(.post, "/api/v1/key-paths/reoptimize", nil).status == .ok)
            let better = try await qkdl()
            #expect(better != direct && better != detour)
            #expect(seen.withLock { $0 } == [[better, detour]], "the detour carries key until the better route is active")
            #expect(try await inventory.holding(at: a).inProgress.isEmpty, "active: nothing is provisioning's any more")
            #expect(try await inventory.holding(at: a).desired.map(\.routes.first?.qkdlID) == [better])
        }
    }

    /// A re-route pass sends its nodes' configuration while its transaction writes: what it sends is
    /// its new routes' virtual links, each either committed or in flight when it arrives (so that the
    /// reconciler leaves it alone), and nothing is in flight once the pass has ended. The pass never
    /// waits for the nodes: a path they have all confirmed by the time it writes states is active at
    /// once, the others pending until they have. A pass that fails takes back what it sent. Sent in slices as the pass decides (here,
    /// a path each). A database file and an in-memory one take the same path.
    @Test(arguments: [true, false]) func aReRouteSendsAheadOnlyWhatItsPassCommitsOrTakesBack(onFile: Bool) async throws {
        let inventory = FaultyInventory(try SQLiteInventory(path: onFile ? TestFiles.path("reroute-ahead", suffix: ".sqlite") : ":memory:"))
        let agents = CommitCheckingConfigurator(inventory: inventory)
        let provisioning = provisioner(inventory, agents, rerouteSlice: 1)
        agents.inFlight.withLock { $0 = provisioning.inFlight }
        try await withRing(inventory: inventory, configurator: agents, provisioner: provisioning) { call in
            for _ in 0..<3 {
                #expect(try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"b","rate_bps":1000}"#).status == .created)
            }
            agents.sent.withLock { $0 = [] }
            let before = try await inventory.eventLogBounds().latest
            #expect(try await call(.patch, "/api/v1/links/ab", #"{"status":"down"}"#).status == .ok)
            let logged = try await inventory.events(after: before, limit: 100).map(\.kind.rawValue)
            #expect(Array(logged.prefix(4)) == ["link.status"] + Array(repeating: "key_path.rerouted", count: 3), "\(logged)")
            // Each path either had every node's answer by the time the pass wrote states (no state change:
            // active throughout), or was committed pending and made active once its nodes answered.
            let events = try await inventory.events(after: before, limit: 100)
            for subject in Set(events.filter { $0.kind == .keyPathRerouted }.map(\.subject)) {
                let states = events.filter { $0.kind == .keyPathState && $0.subject == subject }.map(\.data)
                #expect(
                    states.isEmpty || (states.count == 2 && states[0].contains(#""to":"pending""#) && states[1].contains(#""to":"active""#)),
                    "\(subject): \(states)")
            }
            func routes() async throws -> Set<QKDUUID> {
                let paths = try await call(.get, "/api/v1/key-paths?state=active", nil).json["items"] as? [[String: Any]] ?? []
                #expect(paths.count == 3, "\(paths)")
                return Set(paths.flatMap { ($0["routes"] as? [[String: Any]] ?? []).compactMap { ($0["qkdl_id"] as? String).flatMap(QKDUUID.init) } })
            }
            let detours = try await routes()
            #expect(detours.count == 3, "all three re-routed")
            let sent = agents.sent.withLock { $0 }
            #expect(Set(sent.flatMap(\.links)) == detours, "the new routes' virtual links, and nothing else, were sent")
            for push in sent { #expect(push.committed.union(push.inFlight).isSuperset(of: push.links), "sent neither committed nor in flight") }
            #expect(sent.contains { !$0.inFlight.isEmpty }, "sent while the pass wrote")
            #expect(sent.count == 3 * 3, "a request per slice and node: \(sent.map(\.links))")
            #expect(provisioning.inFlight.ids.isEmpty)

            // The link is back, and re-optimising would move the paths onto it, but its pass fails as it writes.
            #expect(try await call(.patch, "/api/v1/links/ab", #"{"status":"up"}"#).status == .ok)
            agents.sent.withLock { $0 = [] }
            inventory.faults.withLock { $0.refuseRoutes = true }
            #expect(try await call(.post, "/api/v1/key-paths/reoptimize", "{}").status == .internalServerError)
            let withdrawn = Set(agents.sent.withLock { $0 }.flatMap(\.links))
            #expect(withdrawn.count == 3 && withdrawn.isDisjoint(with: detours), "the moves were sent ahead")
            #expect(try await routes() == detours, "the paths stay on their routes")
            let held = agents.agents.state.withLock { $0.configured.values.reduce(into: Set<QKDUUID>()) { $0.formUnion($1) } }
            #expect(held.isDisjoint(with: withdrawn) && held.isSuperset(of: detours), "what was sent ahead is taken back")
            #expect(provisioning.inFlight.ids.isEmpty)
        }
    }

    /// A provisioning batch sends its nodes' configuration once it is planned, while its transaction
    /// writes: each entry is either committed or in flight when it arrives, and nothing is in flight
    /// once the batch has ended. What a batch sent for a path it could not write, or for every path
    /// of a transaction that failed, is taken back from the nodes.
    @Test func provisioningSendsAheadOnlyWhatItsBatchReservesOrTakesBack() async throws {
        let inventory = FaultyInventory(try SQLiteInventory(path: TestFiles.path("provision-ahead", suffix: ".sqlite")))
        let agents = CommitCheckingConfigurator(inventory: inventory)
        let provisioning = provisioner(inventory, agents)
        agents.inFlight.withLock { $0 = provisioning.inFlight }
        let request = #"{"source":"a","destination":"c","rate_bps":1000,"application":{"client_app_id":"urn:app:a","server_app_id":"urn:app:c"}}"#
        try await withRing(inventory: inventory, configurator: agents, provisioner: provisioning) { call in
            let created = try await call(.post, "/api/v1/key-paths", request)
            #expect(created.status == .created && created.json["state"] as? String == "active", "\(created.text)")
            let sent = agents.sent.withLock { $0 }
            #expect(sent.contains { !$0.applications.isEmpty }, "the ends' applications were sent")
            for push in sent {
                #expect(push.committed.union(push.inFlight).isSuperset(of: push.links + push.applications), "sent neither committed nor in flight")
            }
            #expect(provisioning.inFlight.ids.isEmpty)
            let held = agents.agents.configured

            // The path's routes cannot be written: what was sent for it is taken back.
            agents.sent.withLock { $0 = [] }
            inventory.faults.withLock { $0.refuseRoutes = true }
            #expect(try await call(.post, "/api/v1/key-paths", request).status == .internalServerError)
            #expect(!agents.sent.withLock { $0 }.isEmpty, "sent ahead")
            #expect(agents.agents.configured == held, "what was sent ahead is taken back")
            #expect(provisioning.inFlight.ids.isEmpty)

            // The whole transaction fails after the paths were written: taken back too.
            agents.sent.withLock { $0 = [] }
            inventory.faults.withLock {
                $0 = FaultyInventory.Faults()
                $0.refuseCommit = true
            }
            #expect(try await call(.post, "/api/v1/key-paths", request).status == .internalServerError)
            #expect(!agents.sent.withLock { $0 }.isEmpty, "sent ahead")
            #expect(agents.agents.configured == held, "what was sent ahead is taken back")
            #expect(provisioning.inFlight.ids.isEmpty)
            let paths = try await call(.get, "/api/v1/key-paths", nil).json["items"] as? [[String: Any]] ?? []
            #expect(paths.count == 1, "only the first path was reserved: \(paths)")
        }
    }

    /// A provisioning request's audit entry is appended in the transaction that activates or fails
    /// its path, once, and is there when the answer is; a request refused before any path exists is
    /// audited by access control as any change is.
    @Test func aProvisioningRequestIsAuditedOnceWithItsPath() async throws {
        let agents = ScriptedConfigurator()
        try await withRing(configurator: agents) { call in
            #expect(
                try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":1000}"#).json["state"] as? String == "active")
            let refusing: Set<NodeID> = [try NodeID("c")]
            agents.state.withLock { $0.refusing = refusing }
            #expect(
                try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":1000}"#).json["state"] as? String == "failed")
            #expect(try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":20000}"#).status == .conflict)
            let log = try await call(.get, "/api/v1/audit?action=POST%20/api/v1/key-paths", nil)
            let items = try #require(log.json["items"] as? [[String: Any]], "\(log.text)")
            #expect(items.map { $0["status"] as? Int } == [409, 201, 201], "one entry a request: \(log.text)")
            #expect(items.map { $0["outcome"] as? String } == ["failed", "success", "success"])
            #expect(items.allSatisfy { $0["target"] as? String == "/api/v1/key-paths" && ($0["actor"] as? String)?.hasPrefix("token:") == true })
        }
    }

    @Test func protectionReservesDisjointRoutes() async throws {
        try await withRing { call in
            let backup = try await call(
                .post, "/api/v1/key-paths", #"{"source":"b","destination":"d","rate_bps":3000,"protection":"disjoint_backup"}"#)
            #expect(backup.status == .created && backup.json["state"] as? String == "active", "\(backup.text)")
            let routes = backup.json["routes"] as? [[String: Any]] ?? []
            #expect(routes.map { $0["role"] as? String } == ["primary", "backup"])
            let relays = routes.map { Set(($0["nodes"] as? [String] ?? []).dropFirst().dropLast()) }
            #expect(relays.count == 2 && relays[0].isDisjoint(with: relays[1]), "node-disjoint")
            #expect(routes.allSatisfy { $0["rate_bps"] as? Double == 3000 }, "the backup holds the full rate too")

            let split = try await call(
                .post, "/api/v1/key-paths", #"{"source":"b","destination":"d","rate_bps":3000,"protection":"multipath","paths":2}"#)
            #expect(split.status == .created && split.json["state"] as? String == "active", "\(split.text)")
            let shares = split.json["routes"] as? [[String: Any]] ?? []
            #expect(shares.count == 2 && shares.allSatisfy { $0["rate_bps"] as? Double == 1500 && $0["role"] as? String == "primary" })
            // b and d are joined only around the ring (and over the chord through a or c): three are too many.
            let three = try await call(
                .post, "/api/v1/key-paths", #"{"source":"b","destination":"d","rate_bps":300,"protection":"multipath","paths":3}"#)
            #expect(three.status == .conflict && three.detail.contains("only 2"), "\(three.text)")
        }
    }

    /// A link set down under a key path re-routes it (make before break); with no alternative it is
    /// degraded, and it recovers when the network heals.
    @Test func aLinkGoingDownReroutesItsKeyPaths() async throws {
        let agents = ScriptedConfigurator()
        try await withRing(configurator: agents) { call in
            let created = try await call(.post, "/api/v1/key-paths", #"{"source":"b","destination":"d","rate_bps":2000}"#)
            let id = try #require(created.json["id"] as? String)
            let before = try #require((created.json["routes"] as? [[String: Any]])?.first)
            let oldQkdl = try #require(before["qkdl_id"] as? String)
            let oldLink = try #require((before["links"] as? [String])?.first)

            #expect(try await call(.patch, "/api/v1/links/\(oldLink)", #"{"status":"down"}"#).status == .ok)
            let moved = try await call(.get, "/api/v1/key-paths/\(id)", nil).json
            #expect(moved["state"] as? String == "active", "\(moved)")
            let route = try #require((moved["routes"] as? [[String: Any]])?.first)
            let links = route["links"] as? [String] ?? []
            let nodes = route["nodes"] as? [String] ?? []
            #expect(!links.contains(oldLink) && nodes.first == "b" && nodes.last == "d")
            #expect(try await reserved(call, oldLink) == 0 && links.allSatisfy { _ in true })
            for link in links { #expect(try await reserved(call, link) == 2000) }
            let newQkdl = try #require(route["qkdl_id"] as? String)
            let configured = agents.configured
            #expect(configured.values.allSatisfy { !$0.contains { $0.text == oldQkdl } }, "the old route's virtual link is gone from every node")
            for node in nodes { #expect(configured[try NodeID(node)]?.contains { $0.text == newQkdl } == true) }

            // b's other link down too: no route is left, the path is degraded and says why.
            let otherLink = links[0]
            #expect(try await call(.patch, "/api/v1/links/\(otherLink)", #"{"status":"down"}"#).status == .ok)
            let degraded = try await call(.get, "/api/v1/key-paths/\(id)", nil).json
            #expect(degraded["state"] as? String == "degraded")
            #expect((degraded["reason"] as? String ?? "").contains(otherLink), "\(degraded)")
            #expect(try await call(.get, "/api/v1/key-paths?state=degraded", nil).json["total"] as? Int == 1)

            // The link comes back: the path recovers by itself.
            #expect(try await call(.patch, "/api/v1/links/\(otherLink)", #"{"status":"up"}"#).status == .ok)
            #expect(try await call(.get, "/api/v1/key-paths/\(id)", nil).json["state"] as? String == "active")
        }
    }

    /// Degraded paths wait for the network to gain something: repair does not plan them again for
    /// writes that give nothing (provisioning elsewhere, a rename), and does once rate is released or a
    /// link comes back.
    @Test func repairPlansDegradedPathsAgainOnlyOnceTheNetworkGains() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let repairer = provisioner(inventory, ScriptedConfigurator())
        try await withRing(inventory: inventory) { call in
            let created = try await call(.post, "/api/v1/key-paths", #"{"source":"b","destination":"d","rate_bps":1000}"#)
            let id = try #require(created.json["id"] as? String)
            // b's two links down: it is cut off, and the path degraded.
            for link in ["ab", "bc"] { #expect(try await call(.patch, "/api/v1/links/\(link)", #"{"status":"down"}"#).status == .ok) }
            #expect(try await call(.get, "/api/v1/key-paths/\(id)", nil).json["state"] as? String == "degraded")
            #expect(await repairer.repair().examined == 1, "planned once")
            #expect(await repairer.repair().examined == 0, "and not again while nothing changed")

            let other = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":100}"#)
            let otherID = try #require(other.json["id"] as? String)
            #expect(try await call(.patch, "/api/v1/nodes/a", #"{"name":"Alpha"}"#).status == .ok)
            #expect(await repairer.repair().examined == 0, "rate taken and a rename give nothing")

            #expect(try await call(.delete, "/api/v1/key-paths/\(otherID)", nil).status == .noContent)
            #expect(await repairer.repair().examined == 1, "rate released")
            #expect(await repairer.repair().examined == 0)

            #expect(try await call(.patch, "/api/v1/links/ab", #"{"status":"up"}"#).status == .ok)
            #expect(try await call(.get, "/api/v1/key-paths/\(id)", nil).json["state"] as? String == "active", "recovered by the API's repair")
        }
    }

    /// A relay going down re-routes around it; an end going down leaves the path degraded until it is back.
    @Test func aNodeGoingDownReroutesOrDegradesItsKeyPaths() async throws {
        try await withRing { call in
            let created = try await call(.post, "/api/v1/key-paths", #"{"source":"b","destination":"d","rate_bps":1000}"#)
            let id = try #require(created.json["id"] as? String)
            let relay = try #require(((created.json["routes"] as? [[String: Any]])?.first?["nodes"] as? [String])?.dropFirst().first)

            #expect(try await call(.patch, "/api/v1/nodes/\(relay)", #"{"status":"down"}"#).status == .ok)
            let moved = try await call(.get, "/api/v1/key-paths/\(id)", nil).json
            let nodes = (moved["routes"] as? [[String: Any]])?.first?["nodes"] as? [String] ?? []
            #expect(moved["state"] as? String == "active" && !nodes.contains(relay) && nodes.count == 3, "\(moved)")
            let refused = try await call(.post, "/api/v1/key-paths", #"{"source":"b","destination":"\#(relay)","rate_bps":1}"#)
            #expect(refused.status == .conflict && refused.detail.contains("is down"), "\(refused.text)")

            #expect(try await call(.patch, "/api/v1/nodes/d", #"{"status":"unreachable"}"#).status == .ok)
            let degraded = try await call(.get, "/api/v1/key-paths/\(id)", nil).json
            #expect(degraded["state"] as? String == "degraded" && (degraded["reason"] as? String ?? "").contains("node 'd'"), "\(degraded)")
            #expect(try await call(.patch, "/api/v1/nodes/d", #"{"status":"up"}"#).status == .ok)
            #expect(try await call(.get, "/api/v1/key-paths/\(id)", nil).json["state"] as? String == "active")
        }
    }

    /// A link whose QBER rises above the threshold (0.11 here) is left by its key paths, and taken by no new one.
    @Test func aLinkWithTooHighAQBERIsRoutedAround() async throws {
        try await withRing { call in
            let created = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":1000}"#)
            let id = try #require(created.json["id"] as? String)
            #expect((created.json["routes"] as? [[String: Any]])?.first?["links"] as? [String] == ["ac"])
            #expect(try await call(.patch, "/api/v1/links/ac", #"{"qber":0.2}"#).status == .ok)
            let moved = try await call(.get, "/api/v1/key-paths/\(id)", nil).json
            let links = (moved["routes"] as? [[String: Any]])?.first?["links"] as? [String] ?? []
            #expect(moved["state"] as? String == "active" && links.count == 2 && !links.contains("ac"), "\(moved)")
            let fresh = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":1000}"#)
            let freshLinks: [String] = (fresh.json["routes"] as? [[String: Any]])?.first?["links"] as? [String] ?? []
            #expect(fresh.status == .created && !freshLinks.isEmpty && !freshLinks.contains("ac"), "\(fresh.text)")
            #expect(try await reserved(call, "ac") == 0)
        }
    }

    @Test(arguments: [
        (#"{"source":"a","destination":"c"}"#, "/rate_bps"),
        (#"{"source":"a","destination":"c","rate_bps":0}"#, "/rate_bps"),
        (#"{"source":"a","destination":"c","rate_bps":1e12}"#, "/rate_bps"),
        (#"{"source":"a","destination":"c","rate_bps":10,"paths":2}"#, "/paths"),
        (#"{"source":"a","destination":"c","rate_bps":10,"protection":"multipath","paths":1}"#, "/paths"),
        (#"{"source":"a","destination":"c","rate_bps":10,"protection":"disjoint_backup","max_hops":3}"#, "/max_hops"),
        (#"{"source":"a","destination":"c","rate_bps":10,"protection":"sometimes"}"#, "/protection"),
        (#"{"source":"a","destination":"c","rate_bps":10,"metric":"vibes"}"#, "/metric"),
        (#"{"source":"a","destination":"c","rate_bps":10,"application":{"client_app_id":""}}"#, "/application/client_app_id"),
        (#"{"source":"a","destination":"c","rate_bps":10,"application":{"owner":"x"}}"#, "/application/owner"),
        (#"{"source":"a b","destination":"c","rate_bps":10}"#, "/source"),
        (#"{"source":"a","destination":"c","rate_bps":"fast"}"#, "/rate_bps"),
        (#"{"source":"a","destination":"c","rate_bps":10,"colour":"red"}"#, "/colour"),
    ])
    func badRequestsNameTheField(body: String, pointer: String) async throws {
        try await withRing { call in
            let response = try await call(.post, "/api/v1/key-paths", body)
            #expect(response.status == .badRequest && response.isProblem, "\(response.text)")
            #expect(response.errors.contains { $0["pointer"] as? String == pointer }, "\(response.text)")
            #expect(try await call(.get, "/api/v1/key-paths", nil).json["total"] as? Int == 0, "nothing was stored")
        }
    }

    @Test func requestsThatNameWhatIsNotThereAreRefused() async throws {
        try await withRing { call in
            let unknown = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"nowhere","rate_bps":10}"#)
            #expect(unknown.status == .unprocessableContent && unknown.detail.contains("nowhere"))
            let same = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"a","rate_bps":10}"#)
            #expect(same.status == .badRequest && same.detail.contains("differ"), "\(same.text)")
            #expect(try await call(.get, "/api/v1/key-paths?state=lost", nil).status == .badRequest)
            #expect(try await call(.get, "/api/v1/key-paths?colour=red", nil).status == .badRequest)
            #expect(try await call(.get, "/api/v1/key-paths/7e1a0000-0000-4000-8000-000000000001", nil).status == .notFound)
            #expect(try await call(.delete, "/api/v1/key-paths/nope", nil).status == .notFound)
        }
    }
}
