/// Which links and nodes can carry key now: the one rule the planner, repair and re-routing apply to
/// a topology in memory. The inventory states the same rule in SQL for its queries
/// (`SQLiteInventory.unusableLink`, `SQLiteInventory.unusableNode`); a test checks that the two agree.
extension LinkCondition {
    /// Up, and with QBER not above `qberThreshold` (nil: no limit; an unreported QBER counts as 0).
    public func carriesKey(qberThreshold: Double?) -> Bool {
        status == .up && !(qberThreshold.map { (qber ?? 0) > $0 } ?? false)
    }
}

extension NodeStatus {
    /// Neither down nor unreachable: a node whose state is unknown is given the benefit of the doubt.
    public var carriesKey: Bool { self != .down && self != .unreachable }
}
