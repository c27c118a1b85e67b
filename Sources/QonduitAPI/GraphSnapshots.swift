import QonduitCore
import QonduitInventory
import QonduitPathEngine
import Synchronization

/// The path engine's view of the inventory: an immutable graph snapshot, rebuilt when the inventory
/// has changed and swapped in atomically. Queries use whichever snapshot is current and never wait
/// for a write.
final class GraphSnapshots: Sendable {
    private let inventory: Inventory
    private let current = Mutex<(revision: Int, engine: PathEngine)?>(nil)

    init(inventory: Inventory) {
        self.inventory = inventory
    }

    func engine() async throws -> PathEngine {
        // Read the revision first: a write that lands meanwhile makes the next query rebuild, never a stale hit.
        let revision = inventory.revision
        if let cached = current.withLock({ $0 }), cached.revision == revision { return cached.engine }
        let (nodes, links) = try await inventory.topology()
        let engine = PathEngine(graph: RelayGraph(topology: Topology(nodes: nodes.map(\.value), links: links.map(\.value))))
        current.withLock { snapshot in
            if (snapshot?.revision ?? -1) < revision { snapshot = (revision, engine) }
        }
        return engine
    }
}
