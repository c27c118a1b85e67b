import QonduitCore
import QonduitPathEngine
import QonduitStorage
import Synchronization

/// The path engine's view of the inventory (key rates less what key paths reserve): an immutable graph snapshot, rebuilt when the inventory
/// has changed and swapped in atomically. Queries use whichever snapshot is current and never wait
/// for a write. One rebuild at a time: queries that find the inventory changed while a rebuild of a
/// recent enough revision is under way wait for it, rather than each reading and building the whole
/// graph (agents' reports change the inventory many times a second).
final class GraphSnapshots: Sendable {
    /// The engine over spare rates, and the nodes that cannot carry key now (as provisioning sees them).
    struct Snapshot: Sendable {
        var engine: PathEngine
        var unavailableNodes: [NodeID: NodeStatus]
    }

    private struct State {
        var snapshot: (revision: Int, engine: Snapshot)?
        var building: (revision: Int, task: Task<Snapshot, any Error>)?
    }

    private let inventory: any Inventory
    private let state = Mutex(State())

    init(inventory: any Inventory) {
        self.inventory = inventory
    }

    func engine() async throws -> Snapshot {
        // Read the revision first: a write that lands meanwhile makes the next query rebuild, never a stale hit.
        let revision = inventory.revision
        enum Next {
            case ready(Snapshot)
            case wait(Task<Snapshot, any Error>)
        }
        let next: Next = state.withLock { state in
            if let snapshot = state.snapshot, snapshot.revision >= revision { return .ready(snapshot.engine) }
            // A rebuild that started at this revision or later reads everything this query must see.
            if let building = state.building, building.revision >= revision { return .wait(building.task) }
            let task = Task { [inventory] in
                // Spare rate, as admission sees it: a route computed here is one provisioning can reserve.
                let (nodes, links, reservedBps) = try await inventory.topologyAndReservations()
                let topology = Topology(nodes: nodes.map(\.value), links: links.map(\.value))
                return Snapshot(
                    engine: PathEngine(graph: RelayGraph(topology: topology, reservedBps: reservedBps)),
                    unavailableNodes: topology.unavailableNodes)
            }
            state.building = (revision, task)
            return .wait(task)
        }
        switch next {
        case .ready(let engine):
            return engine
        case .wait(let task):
            let result = await task.result
            state.withLock { state in
                if let building = state.building, building.task == task {
                    state.building = nil
                    if case .success(let engine) = result, (state.snapshot?.revision ?? -1) < building.revision {
                        state.snapshot = (building.revision, engine)
                    }
                }
            }
            return try result.get()
        }
    }
}
