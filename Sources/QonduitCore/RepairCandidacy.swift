/// Which key paths repair looks at: the rule stated once, in Swift. A store may answer it with a
/// query for speed (`KeyPathStore.keyPathsToRepair`); the storage conformance suite checks that
/// the store picks exactly the paths this rule picks.
public enum RepairCandidacy {
    /// Whether repair looks at `path`: an active one with a route over a link or through a node that
    /// cannot carry key (to re-route); and, when the network offers more than when they were last
    /// planned (`includingWaiting`), a degraded one (to re-route, or to recover) and an active
    /// protected one running without its backup (to find one).
    public static func isCandidate(
        _ path: QKDKeyPath, includingWaiting: Bool, linkCarriesKey: (LinkID) -> Bool, nodeCarriesKey: (NodeID) -> Bool
    ) -> Bool {
        switch path.state {
        case .degraded:
            return includingWaiting
        case .active:
            if includingWaiting, path.protection == .disjointBackup, path.routes.count < 2 { return true }
            return path.routes.contains { route in
                route.links.contains { !linkCarriesKey($0) } || route.nodes.contains { !nodeCarriesKey($0) }
            }
        case .pending, .failed:
            return false
        }
    }
}
