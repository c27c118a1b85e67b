public import CoreMetrics

/// What the southbound counts for `/metrics`: notifications taken in, and the reconciler's passes,
/// the drift they corrected and the agents they failed on.
public struct SouthboundMetrics: Sendable {
    let notificationsFromAgents: Counter
    let notificationsFromStreams: Counter
    let reconcilePasses: Counter
    let reconcileDrift: Counter
    let reconcileErrors: Counter

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        let ingested = "qonduit_notifications_ingested_total"
        notificationsFromAgents = Counter(label: ingested, dimensions: [("source", "registered")], factory: factory)
        notificationsFromStreams = Counter(label: ingested, dimensions: [("source", "stream")], factory: factory)
        reconcilePasses = Counter(label: "qonduit_reconcile_passes_total", factory: factory)
        reconcileDrift = Counter(label: "qonduit_reconcile_drift_total", factory: factory)
        reconcileErrors = Counter(label: "qonduit_reconcile_errors_total", factory: factory)
    }
}
