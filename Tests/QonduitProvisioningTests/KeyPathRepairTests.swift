import QonduitControllerTestSupport
import QonduitCore
import QonduitProvisioning
import QonduitStorage
import QonduitTestSupport
import Synchronization
import Testing

@Suite struct KeyPathRepairTests {
    @Test func aPathOverALinkThatWentDownMovesToAnotherRouteMadeBeforeBreak() async throws {
        let network = try await ProvisioningTestNetwork()
        let path = try await network.provisioner.provision(try network.request("a", "c", 4_000)).value
        try await network.setLink("bc", .down)
        let pass = await network.provisioner.repair()
        #expect(pass.rerouted == 1 && pass.degraded == 0)
        let repaired = try await network.inventory.keyPath(path.id.text).value
        #expect(repaired.state == .active)
        #expect(try await network.routes(of: path.id) == ["a>d>c"])
        #expect(try await network.reservedBps("bc") == 0)
        #expect(try await network.reservedBps("dc") == 4_000)
        // The old route's virtual link is gone from its relay once the new one is active.
        #expect(network.nodes.configured[try NodeID("b")] == nil)
        #expect(network.nodes.configured[try NodeID("d")]?.contains(repaired.routes[0].qkdlID) == true)
    }

    @Test func aPathWithNoOtherRouteIsDegradedAndRecoversWhenItsLinkIsUp() async throws {
        let network = try await ProvisioningTestNetwork()
        let path = try await network.provisioner.provision(try network.request("a", "c", 4_000)).value
        try await network.setLink("bc", .down)
        try await network.setLink("dc", .down)
        #expect(await network.provisioner.repair().degraded == 1)
        let degraded = try await network.inventory.keyPath(path.id.text).value
        #expect(degraded.state == .degraded && degraded.reason?.contains("link 'bc'") == true)
        #expect(try await network.routes(of: path.id) == ["a>b>c"], "it keeps its routes")
        try await network.setLink("bc", .up)
        #expect(await network.provisioner.repair().recovered == 1)
        #expect(try await network.inventory.keyPath(path.id.text).value.state == .active)
    }

    @Test func aProtectedPathSwitchesToItsBackupAndStaysActive() async throws {
        let network = try await ProvisioningTestNetwork()
        let path = try await network.provisioner.provision(try network.request("a", "c", 2_000, protection: .disjointBackup)).value
        #expect(try await network.routes(of: path.id) == ["a>b>c", "a>d>c"])
        try await network.setLink("ab", .down)
        await network.provisioner.repair()
        let switched = try await network.inventory.keyPath(path.id.text).value
        #expect(switched.state == .active)
        #expect(
            switched.routes.map(\.role) == [.primary] && switched.routes[0].qkdlID == path.routes[1].qkdlID,
            "the backup carries the key, unprotected until another disjoint route exists")
    }

    @Test func aRerouteANodeRefusesPutsThePathBackOnItsRoutes() async throws {
        let network = try await ProvisioningTestNetwork()
        let path = try await network.provisioner.provision(try network.request("a", "c", 4_000)).value
        let d = try NodeID("d")
        network.nodes.state.withLock { _ = $0.refusing.insert(d) }
        try await network.setLink("bc", .down)
        await network.provisioner.repair()
        let kept = try await network.inventory.keyPath(path.id.text).value
        #expect(kept.state == .degraded && kept.reason?.hasPrefix("re-route not configured") == true)
        #expect(try await network.routes(of: path.id) == ["a>b>c"])
        #expect(try await network.reservedBps("ad") == 0)
        #expect(try await network.reservedBps("ab") == 4_000)
    }
}

@Suite struct KeyPathReoptimizationTests {
    @Test func aPathReroutedAroundAFailureComesBackWhenTheLinkRecovers() async throws {
        let network = try await ProvisioningTestNetwork()
        try await network.setLink("bc", .down)
        let path = try await network.provisioner.provision(try network.request("a", "c", 4_000)).value
        #expect(try await network.routes(of: path.id) == ["a>d>c"])
        try await network.setLink("bc", .up)
        let result = try await network.provisioner.reoptimize()
        #expect(result.examined == 1 && result.moved.map(\.value.id) == [path.id] && result.failed.isEmpty)
        #expect(try await network.routes(of: path.id) == ["a>b>c"])
        #expect(try await network.reservedBps("ad") == 0)
        #expect(network.nodes.configured[try NodeID("d")] == nil)
    }

    @Test func aPathOnItsBestRouteStays() async throws {
        let network = try await ProvisioningTestNetwork()
        let path = try await network.provisioner.provision(try network.request("a", "c", 4_000)).value
        let result = try await network.provisioner.reoptimize()
        #expect(result.examined == 1 && result.moved.isEmpty)
        #expect(try await network.inventory.keyPath(path.id.text).value.routes == path.routes)
    }
}
