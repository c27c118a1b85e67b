import Foundation
import Hummingbird
import QonduitCore
import QonduitSQLite
import QonduitStorage
import Testing

/// The event log behind `GET /api/v1/events`: what is logged, in which order, and how long it is kept.
@Suite struct EventLogTests {
    func events(_ inventory: any Inventory, after id: Int64 = 0) async throws -> [(kind: String, subject: String, data: [String: Any])] {
        try await inventory.events(after: id, limit: 1_000).map { event in
            let data = try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any] ?? [:]
            return (event.kind.rawValue, event.subject, data)
        }
    }

    @Test func statusChangesAndKeyPathsAreLoggedInTheOrderTheyHappened() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        try await withAPI(inventory: inventory) { call in
            for node in ["a", "b", "c", "d"] {
                #expect(try await call(.post, "/api/v1/nodes", #"{"id":"\#(node)"}"#).status == .created)
            }
            for (id, a, b) in [("ab", "a", "b"), ("bc", "b", "c"), ("cd", "c", "d"), ("da", "d", "a")] {
                let link = #"{"id":"\#(id)","node_a":"\#(a)","node_b":"\#(b)","length_km":10,"key_rate_bps":10000}"#
                #expect(try await call(.post, "/api/v1/links", link).status == .created)
            }
            let creations = try await events(inventory)
            #expect(creations.map(\.kind) == Array(repeating: "node.created", count: 4) + Array(repeating: "link.created", count: 4))
            #expect(
                creations.last?.subject == "da" && creations.last?.data["node_a"] as? String == "d"
                    && creations.last?.data["node_b"] as? String == "a")
            let start = try await inventory.eventLogBounds().latest

            let created = try await call(.post, "/api/v1/key-paths", #"{"source":"a","destination":"c","rate_bps":1000}"#)
            let id = try #require(created.json["id"] as? String)
            let firstLink = try #require(((created.json["routes"] as? [[String: Any]])?.first?["links"] as? [String])?.first)
            #expect(try await call(.patch, "/api/v1/links/\(firstLink)", #"{"status":"down"}"#).status == .ok)
            #expect(try await call(.patch, "/api/v1/links/\(firstLink)", #"{"status":"down"}"#).status == .ok)
            #expect(try await call(.patch, "/api/v1/nodes/b", #"{"status":"down"}"#).status == .ok)
            #expect(try await call(.delete, "/api/v1/key-paths/\(id)", nil).status == .noContent)

            let log = try await events(inventory, after: start)
            // A re-routed path whose nodes all answered while the pass wrote is active throughout;
            // otherwise it is committed pending and made active once they have (see `reroute`).
            let activeThroughout = log.filter { $0.kind == "key_path.state" }.count == 1
            let reroute = ["key_path.rerouted"] + (activeThroughout ? [] : ["key_path.state", "key_path.state"])
            #expect(
                log.map(\.kind) == ["key_path.created", "key_path.state"] + ["link.status"] + reroute + ["node.status", "key_path.deleted"],
                "\(log.map(\.kind))")
            #expect(log.first?.subject == id && log.first?.data["source"] as? String == "a" && log.first?.data["rate_bps"] as? Double == 1000)
            #expect(log.filter { $0.kind == "link.status" }.count == 1, "setting the status a link already has logs nothing")
            let down = try #require(log.first { $0.kind == "link.status" })
            #expect(down.subject == firstLink && down.data["from"] as? String == "up" && down.data["to"] as? String == "down")
            let rerouted = try #require(log.first { $0.kind == "key_path.rerouted" })
            #expect(firstLink == "ab", "both routes have two hops; the first found goes through b")
            #expect((rerouted.data["from"] as? [[String]]) == [["a", "b", "c"]] && (rerouted.data["to"] as? [[String]]) == [["a", "d", "c"]])
            #expect((rerouted.data["reason"] as? String ?? "").contains("ab"), "\(rerouted.data)")
            #expect(log.contains { $0.kind == "node.status" && $0.subject == "b" && $0.data["to"] as? String == "down" })
            #expect(log.last?.kind == "key_path.deleted" && log.last?.subject == id)
            let states = log.filter { $0.kind == "key_path.state" }.map { "\($0.data["from"] ?? "")>\($0.data["to"] ?? "")" }
            #expect(states == ["pending>active"] + (activeThroughout ? [] : ["active>pending", "pending>active"]), "\(states)")
        }
    }

    @Test func deletionsAndImportsAreLoggedOnceEach() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        try await withAPI(inventory: inventory) { call in
            #expect(try await call(.post, "/api/v1/topology/import", try exampleTopology(2)).status == .ok)
            #expect(try await call(.post, "/api/v1/topology/import", try exampleTopology(2)).status == .ok, "the same file again changes nothing")
            let link = try #require((try await call(.get, "/api/v1/links?limit=1", nil).json["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await call(.delete, "/api/v1/links/\(link)", nil).status == .noContent)
            let node = try #require((try await call(.get, "/api/v1/nodes?limit=1", nil).json["items"] as? [[String: Any]])?.first?["id"] as? String)
            let remaining = try #require(try await call(.get, "/api/v1/links", nil).json["items"] as? [[String: Any]]).filter {
                $0["node_a"] as? String == node || $0["node_b"] as? String == node
            }.compactMap { $0["id"] as? String }.sorted()
            #expect(try await call(.delete, "/api/v1/nodes/\(node)?cascade=true", nil).status == .noContent)
            let log = try await events(inventory)
            #expect(log.map(\.kind) == ["topology.imported", "link.deleted", "node.deleted"], "one event per import, not per row")
            let imported = try #require(log.first)
            #expect(
                imported.data["mode"] as? String == "merge" && imported.data["nodes_created"] as? Int == 6
                    && imported.data["links_removed"] as? Int == 0)
            #expect(log[1].subject == link && log[2].subject == node && (log[2].data["links"] as? [String]) == remaining)
        }
    }

    @Test func theLogKeepsOnlyTheNewestEventsAndKnowsWhatItDropped() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        _ = try await inventory.createNode(QKDNode(id: try NodeID("n"), name: "n"))
        var bounds = try await inventory.eventLogBounds()
        #expect(bounds.oldest == 1 && bounds.latest == 1, "its creation")
        try await inventory.setEventRetention(3)
        for status in [NodeStatus.down, .up, .down, .up, .down] {
            _ = try await inventory.updateNode("n") { $0.status = status }
        }
        bounds = try await inventory.eventLogBounds()
        #expect(bounds.oldest == 4 && bounds.latest == 6)
        #expect(try await inventory.events(after: 0, limit: 10).map(\.id) == [4, 5, 6])
        #expect(try await inventory.events(after: 5, limit: 10).map(\.id) == [6])
        try await inventory.setEventRetention(1)
        #expect(try await inventory.events(after: 0, limit: 10).map(\.id) == [6], "a smaller retention applies at once")
    }

    @Test func anAgentsAlarmsAreLogged() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let uuid = try #require(QKDUUID("5a1d7c1e-0000-4000-8000-000000000001"))
        _ = try await inventory.registerAgent(
            AgentRegistration(qkdnID: uuid, restconfURL: "http://127.0.0.1:1", tree: "<qkd_node/>", nodeStatus: .up, links: []),
            autoOnboard: true, heartbeatIntervalMs: 1_000
        )
        let alarm = AgentAlarm(
            kind: .alarm, about: "link", id: "5a1d7c1e-0000-4000-8000-0000000000aa", status: "off",
            message: "fibre cut", severity: "critical")
        _ = try await inventory.applyAgentReports(from: uuid, [.alarm(alarm)])
        let log = try await events(inventory)
        let logged = try #require(log.last)
        #expect(logged.kind == "agent.alarm" && logged.data["message"] as? String == "fibre cut" && logged.data["severity"] as? String == "critical")
        #expect(logged.data["about"] as? String == "link" && logged.data["status"] as? String == "off")
    }

    @Test(arguments: [
        ("?after=-1", "?after"), ("?after=soon", "?after"), ("?kind=key_paths", "?kind"), ("?kind=", "?kind"), ("?follow=1", "?follow"),
    ])
    func badEventRequestsAreRefusedBeforeStreaming(query: String, pointer: String) async throws {
        try await withAPI { call in
            let response = try await call(.get, "/api/v1/events\(query)", nil)
            #expect(response.status == .badRequest && response.isProblem, "\(response.text)")
            #expect(response.errors.first?["pointer"] as? String == pointer, "\(response.text)")
        }
    }
}
