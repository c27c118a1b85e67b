import QonduitCore
import QonduitInventory
import Testing

/// The repair service waits for the inventory to change instead of polling it.
@Suite struct RevisionWaitTests {
    @Test(.timeLimit(.minutes(1))) func aWaiterWakesAtTheNextWriteAndNotBefore() async throws {
        let inventory = try Inventory(path: ":memory:")
        let seen = inventory.revision
        // Changed already: no wait.
        _ = try await inventory.createNode(QKDNode(id: try NodeID("a")))
        await inventory.waitForChange(from: seen)

        let now = inventory.revision
        let woken = Task { await inventory.waitForChange(from: now); return inventory.revision }
        try await Task.sleep(for: .milliseconds(50))
        _ = try await inventory.createNode(QKDNode(id: try NodeID("b")))
        #expect(await woken.value > now)
    }

    @Test(.timeLimit(.minutes(1))) func cancellingAWaiterEndsItsWait() async throws {
        let inventory = try Inventory(path: ":memory:")
        let waiting = Task { await inventory.waitForChange(from: inventory.revision) }
        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        await waiting.value  // returns, though nothing was written (a wait that ignored cancellation would hang until the time limit)
    }
}
