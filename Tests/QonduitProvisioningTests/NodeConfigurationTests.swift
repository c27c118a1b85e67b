import QonduitControllerTestSupport
import QonduitCore
import QonduitProvisioning
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport
import Synchronization
import Testing

@Suite struct NodeConfigurationTests {
    /// Configuration sent before its transaction commits is in flight (the reconciler leaves it) while
    /// the inventory does not know it yet, and no longer once it does.
    @Test func entriesSentBeforeCommitAreInFlightUntilTheInventoryKnowsThem() async throws {
        let inventory = try SQLiteInventory(path: TestFiles.path("in-flight", suffix: ".sqlite"))
        let network = try await ProvisioningTestNetwork(inventory: inventory)
        let recording = CommitCheckingConfigurator(inventory: inventory)
        let provisioner = network.provisioner(configurator: recording)
        recording.inFlight.withLock { $0 = provisioner.inFlight }
        let path = try await provisioner.provision(try network.request("a", "c", 4_000)).value
        #expect(path.state == .active)
        let pushes = recording.sent.withLock { $0 }
        #expect(!pushes.isEmpty)
        for push in pushes {
            for entry in push.links + push.applications { #expect(push.committed.contains(entry) || push.inFlight.contains(entry)) }
        }
        #expect(provisioner.inFlight.ids.isEmpty)
    }

    @Test func deletingAPathTakesItsConfigurationOffEveryNode() async throws {
        let network = try await ProvisioningTestNetwork()
        let path = try await network.provisioner.provision(try network.request("a", "c", 4_000)).value
        #expect(!network.nodes.configured.isEmpty)
        try await network.provisioner.delete(path.id.text)
        #expect(network.nodes.configured.isEmpty)
        #expect(try await network.reservedBps("ab") == 0)
    }
}
