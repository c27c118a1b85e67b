import QonduitControllerTestSupport
import QonduitCore
import QonduitProvisioning
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport

/// A small network in an in-memory inventory, and a provisioner over it whose nodes are a recording
/// configurator:
///
///     a ── b ── c        every link 10 kbit/s, 10 km
///     └─── d ───┘        (the detour a–d–c, two hops like a–b–c but 30 km each)
struct ProvisioningTestNetwork {
    let inventory: any Inventory
    let nodes: ScriptedConfigurator
    let provisioner: KeyPathProvisioner

    init(inventory given: (any Inventory)? = nil, refusing: Set<NodeID> = [], qberThreshold: Double? = 0.11) async throws {
        inventory = try given ?? SQLiteInventory(path: ":memory:")
        for name in ["a", "b", "c", "d"] { _ = try await inventory.createNode(QKDNode(id: try NodeID(name), qkdnID: .random())) }
        for (id, from, to, km) in [("ab", "a", "b", 10.0), ("bc", "b", "c", 10), ("ad", "a", "d", 30), ("dc", "d", "c", 30)] {
            _ = try await inventory.createLink(
                QKDLink(
                    id: try LinkID(id), nodeA: try NodeID(from), nodeB: try NodeID(to), lengthKm: km, keyRateBps: 10_000, qkdlID: .random()
                ))
        }
        nodes = ScriptedConfigurator(refusing: refusing)
        provisioner = QonduitControllerTestSupport.provisioner(inventory, nodes, qberThreshold: qberThreshold)
    }

    /// Another provisioner over the same inventory, with other nodes.
    func provisioner(configurator: any NodeConfigurator) -> KeyPathProvisioner {
        QonduitControllerTestSupport.provisioner(inventory, configurator)
    }

    func request(_ from: String, _ to: String, _ rateBps: Double, metric: PathMetric = .length, protection: KeyPathProtection = .none)
        throws -> KeyPathRequest
    {
        KeyPathRequest(source: try NodeID(from), destination: try NodeID(to), rateBps: rateBps, metric: metric, protection: protection)
    }

    /// The nodes of each route of a stored path, as "a>b>c".
    func routes(of id: QKDUUID) async throws -> [String] {
        try await inventory.keyPath(id.text).value.routes.map { $0.nodes.map(\.rawValue).joined(separator: ">") }
    }

    func setLink(_ id: String, _ status: LinkStatus) async throws {
        _ = try await inventory.updateLink(id) { $0.status = status }
    }

    func reservedBps(_ link: String) async throws -> Double {
        try await inventory.reservedBps()[try LinkID(link)] ?? 0
    }
}
