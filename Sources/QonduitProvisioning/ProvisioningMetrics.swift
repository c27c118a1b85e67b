public import CoreMetrics

/// What provisioning counts for `/metrics`: the size of each provisioning batch, and the key-path
/// repair passes with their duration.
public struct ProvisioningMetrics: Sendable {
    let batchSize: Recorder
    let repairPasses: Counter
    let repairDuration: CoreMetrics.Timer

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        batchSize = Recorder(label: "qonduit_provisioning_batch_size", factory: factory)
        repairPasses = Counter(label: "qonduit_repair_passes_total", factory: factory)
        repairDuration = CoreMetrics.Timer(label: "qonduit_repair_pass_duration_seconds", factory: factory)
    }
}
