import QonduitControllerTestSupport
import QonduitCore
import QonduitProvisioning
import QonduitStorage
import QonduitTestSupport
import Synchronization
import Testing

@Suite struct ProvisioningBatchTests {
    @Test func aPathIsReservedConfiguredOnEveryNodeAndActive() async throws {
        let network = try await ProvisioningTestNetwork()
        let path = try await network.provisioner.provision(try network.request("a", "c", 4_000)).value
        #expect(path.state == .active)
        #expect(try await network.routes(of: path.id) == ["a>b>c"])
        #expect(try await network.reservedBps("ab") == 4_000)
        #expect(try await network.reservedBps("bc") == 4_000)
        // The virtual link is on every node of the route, the application at both ends only when asked for.
        for node in ["a", "b", "c"] { #expect(network.nodes.configured[try NodeID(node)]?.contains(path.routes[0].qkdlID) == true) }
        #expect(network.nodes.configured[try NodeID("d")] == nil)
    }

    @Test func requestsArrivingTogetherAreAdmittedExactly() async throws {
        let network = try await ProvisioningTestNetwork()
        // 20 kbit/s of capacity from a to c (two routes of 10): 7 requests of 3 kbit/s, 6 fit.
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<7 {
                group.addTask { (try? await network.provisioner.provision(try network.request("a", "c", 3_000)))?.value.state == .active }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 6)
        for link in ["ab", "bc", "ad", "dc"] { #expect(try await network.reservedBps(link) <= 10_000) }
    }

    @Test func aPathANodeRefusesIsFailedAndHoldsNothing() async throws {
        let network = try await ProvisioningTestNetwork(refusing: [try NodeID("b")])
        let path = try await network.provisioner.provision(try network.request("a", "c", 4_000)).value
        #expect(path.state == .failed)
        #expect(path.reason?.contains("node 'b' was not configured") == true)
        #expect(try await network.reservedBps("ab") == 0)
        // What a and c took is taken back.
        #expect(network.nodes.configured.isEmpty)
    }

    @Test func aRequestThatBreaksARuleIsRefusedBeforeAnythingIsReserved() async throws {
        let network = try await ProvisioningTestNetwork()
        await #expect(throws: ProvisioningError.invalidRequest(field: "destination", message: "must differ from the source")) {
            try await network.provisioner.provision(try network.request("a", "a", 1_000))
        }
        await #expect(throws: ProvisioningError.invalidRequest(field: "rate_bps", message: "must be more than 0 and at most 4294967295 bit/s")) {
            try await network.provisioner.provision(try network.request("a", "c", 0))
        }
        #expect(try await network.inventory.keyPaths().total == 0)
    }
}

@Suite struct KeyPathRequestRuleTests {
    @Test func everyBrokenRuleIsNamedByItsField() throws {
        let request = KeyPathRequest(
            source: try NodeID("a"), destination: try NodeID("a"), rateBps: .infinity, maxHops: 0, protection: .disjointBackup,
            clientAppID: ""
        )
        #expect(request.violations.map(\.field) == ["rate_bps", "destination", "max_hops", "max_hops", "application/client_app_id"])
    }

    @Test func multipathTakesTwoToSixteenRoutesAndOnlyItTakesANumber() throws {
        let (a, c) = (try NodeID("a"), try NodeID("c"))
        #expect(KeyPathRequest(source: a, destination: c, rateBps: 1, protection: .multipath, paths: 17).violations.map(\.field) == ["paths"])
        #expect(KeyPathRequest(source: a, destination: c, rateBps: 1, protection: .none, paths: 2).violations.map(\.field) == ["paths"])
        #expect(KeyPathRequest(source: a, destination: c, rateBps: 1, protection: .multipath, paths: 16).violations.isEmpty)
    }
}
