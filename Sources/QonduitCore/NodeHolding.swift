/// What a node should hold for the key paths through it, and what provisioning is still changing
/// there: the rule the reconciler applies, stated once.
public struct NodeHolding: Sendable {
    /// Active and degraded paths with a route through the node, by id: their entries there are desired.
    public var desired: [QKDKeyPath]
    /// Entries (virtual links and applications, by id) provisioning is still putting on the node or
    /// taking off it: those of pending paths, and the virtual links of retiring routes. The
    /// reconciler neither puts nor removes them.
    public var inProgress: Set<QKDUUID>

    /// From the paths through the node (any state) and its retiring routes' virtual links. A failed
    /// path holds nothing.
    public init(paths: [QKDKeyPath], retiring: Set<QKDUUID>) {
        desired = []
        inProgress = retiring
        for path in paths {
            switch path.state {
            case .pending:
                inProgress.formUnion(KeyPathPlacement(of: path).entryIDs)
            case .active, .degraded:
                desired.append(path)
            case .failed:
                break
            }
        }
        desired.sort { $0.id < $1.id }  // QKDUUID orders as its text does, without making it
    }
}
