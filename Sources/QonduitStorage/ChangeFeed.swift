/// Committed changes, counted: what derived state (the path engine's graph, caches) and the event
/// stream follow to know when to read again.
public protocol ChangeFeed: Sendable {
    /// Grows with every committed write that changed what watchers follow.
    var revision: Int { get }
    /// Returns once the revision is other than `seen` (at once if it already is), or the task is cancelled.
    func waitForChange(from seen: Int) async
}
