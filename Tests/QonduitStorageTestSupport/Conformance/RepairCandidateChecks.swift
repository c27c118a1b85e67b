import Foundation
import QonduitCore
import QonduitStorage
import Testing

/// A store's repair candidates are exactly those `RepairCandidacy` picks, in age order, and its
/// headroom is `NetworkHeadroom`'s, on networks with links down or over the QBER threshold, nodes
/// down, and paths in every state and protection.
struct RepairCandidateChecks {
    let storage: StorageUnderTest

    /// A small deterministic generator: each round is the same on every store.
    struct Dice {
        var state: UInt64
        mutating func roll(_ sides: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(sides))
        }
    }

    func theStorePicksWhatTheRulePicks() async throws {
        var (waiting, broken) = (0, 0)
        for seed in UInt64(1)...6 {
            let picked = try await round(seed: seed, breaking: seed != 1)
            waiting += picked.everything - picked.brokenOnly
            broken += picked.brokenOnly
        }
        #expect(waiting > 0 && broken > 0, "the rounds exercise both kinds of candidate: \(waiting) waiting, \(broken) broken")
    }

    /// Eight nodes in a ring with chords, thirty paths along random walks, then (when `breaking`)
    /// some links down or noisy and a node down.
    private func round(seed: UInt64, breaking: Bool) async throws -> (everything: Int, brokenOnly: Int) {
        let inventory = try await storage.store()
        var dice = Dice(state: seed)
        let nodes = try (0..<8).map { try NodeID("n\($0)") }
        for node in nodes { _ = try await inventory.createNode(QKDNode(id: node)) }
        var neighbours: [NodeID: [(NodeID, LinkID)]] = [:]
        let pairs = (0..<8).map { ($0, ($0 + 1) % 8) } + [(0, 4), (2, 6), (1, 5)]
        for (a, b) in pairs {
            let id = try LinkID("l\(a)-\(b)")
            _ = try await inventory.createLink(QKDLink(id: id, nodeA: nodes[a], nodeB: nodes[b], lengthKm: 10, keyRateBps: 1_000_000))
            neighbours[nodes[a], default: []].append((nodes[b], id))
            neighbours[nodes[b], default: []].append((nodes[a], id))
        }
        func walk(from start: NodeID, hops: Int) -> KeyPathRoute {
            var (visited, links) = ([start], [LinkID]())
            for _ in 0..<hops {
                let next = neighbours[visited.last!, default: []].filter { !visited.contains($0.0) }
                guard !next.isEmpty else { break }
                let (node, link) = next[dice.roll(next.count)]
                visited.append(node)
                links.append(link)
            }
            return KeyPathRoute(role: .primary, nodes: visited, links: links, rateBps: 10, qkdlID: .random())
        }
        var paths: [QKDKeyPath] = []
        for _ in 0..<30 {
            var primary = walk(from: nodes[dice.roll(8)], hops: 1 + dice.roll(3))
            if primary.links.isEmpty { primary = walk(from: nodes[0], hops: 1) }
            let protected = dice.roll(2) == 0
            var routes = [primary]
            if protected, dice.roll(2) == 0 {
                var backup = walk(from: primary.nodes.first!, hops: 1 + dice.roll(3))
                backup.role = .backup
                if !backup.links.isEmpty { routes.append(backup) }
            }
            var path = QKDKeyPath(
                id: .random(), source: primary.nodes.first!, destination: primary.nodes.last!, rateBps: 10, metric: .hops,
                protection: protected ? .disjointBackup : .none, appID: .random(), routes: routes)
            path.routes = routes.map { route in
                var route = route
                route.rateBps = 10
                return route
            }
            path.destination = routes[0].nodes.last!
            path.state = KeyPathState.allCases[dice.roll(KeyPathState.allCases.count)]
            paths.append(path)
        }
        let stored = paths
        _ = try await inventory.withKeyPathLedger { ledger in
            for path in stored { _ = try ledger.admit { _ in path } }
            return try await ledger.insert(stored).map { try $0.get() }.count
        }
        if breaking {
            for (a, b) in pairs where dice.roll(4) == 0 {
                _ = try await inventory.updateLink("l\(a)-\(b)") { $0.status = .down }
            }
            for (a, b) in pairs where dice.roll(5) == 0 {
                _ = try await inventory.updateLink("l\(a)-\(b)") { $0.qber = 0.2 }
            }
            _ = try await inventory.updateNode(nodes[dice.roll(8)].rawValue) { $0.status = .down }
            // An agent's report is what is in force: a lower rate, or a QBER over the threshold.
            for (a, b) in pairs where dice.roll(4) == 0 {
                let report = LinkMeasurement(status: .up, keyRateBps: Double(100 + dice.roll(900)), qber: dice.roll(3) == 0 ? 0.15 : 0.01)
                _ = try await inventory.updateLink("l\(a)-\(b)") { $0.measuredAtA = report }
            }
        }

        let (storedNodes, storedLinks) = try await inventory.topology()
        let linkCarries = Dictionary(uniqueKeysWithValues: storedLinks.map { ($0.value.id, $0.value.current.carriesKey(qberThreshold: 0.11)) })
        let nodeCarries = Dictionary(uniqueKeysWithValues: storedNodes.map { ($0.value.id, $0.value.current.carriesKey) })
        let all = try await inventory.keyPaths(limit: 1_000).items.sorted { ($0.createdAt, $0.value.id.text) < ($1.createdAt, $1.value.id.text) }
        func picked(includingWaiting: Bool) -> [QKDUUID] {
            all.map(\.value).filter {
                RepairCandidacy.isCandidate(
                    $0, includingWaiting: includingWaiting, linkCarriesKey: { linkCarries[$0] ?? false }, nodeCarriesKey: { nodeCarries[$0] ?? false }
                )
            }.map(\.id)
        }
        let rule = NetworkHeadroom(
            links: storedLinks.map(\.value), nodes: storedNodes.map(\.value), reservedBps: try await inventory.reservedBps(), qberThreshold: 0.11)
        let (everything, headroom) = try await inventory.keyPathsToRepair(qberThreshold: 0.11) { $0 == rule }
        #expect(headroom == rule, "seed \(seed), the store's headroom is the rule's")
        #expect(everything == picked(includingWaiting: true), "seed \(seed), waiting paths included")
        let (brokenOnly, _) = try await inventory.keyPathsToRepair(qberThreshold: 0.11) { _ in false }
        #expect(brokenOnly == picked(includingWaiting: false), "seed \(seed), the network offers nothing new")
        return (everything.count, brokenOnly.count)
    }

    static let checks: [StorageCheck] = [
        StorageCheck("theStorePicksWhatTheRulePicks") { try await Self(storage: $0).theStorePicksWhatTheRulePicks() }
    ]
}
