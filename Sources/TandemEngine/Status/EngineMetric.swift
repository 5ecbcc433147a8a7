/// One metric the engine records (per map and direction) when a metrics
/// backend is bootstrapped: its Prometheus name, type and a one-line
/// description, shared by `tandem run --help`, the scrape's `# HELP` lines
/// and docs/OPERATIONS.md.
package struct EngineMetric: Sendable {
    /// The name as a scrape shows it.
    package let name: String
    /// `counter`, `gauge` or `histogram`.
    package let type: String
    /// What it counts or measures, in one line.
    package let help: String

    static let applied = EngineMetric(
        name: "tandem_changes_applied_total", type: "counter", help: "Changes written to the target side.")
    static let skipped = EngineMetric(
        name: "tandem_changes_skipped_total", type: "counter",
        help: "Changes consumed without a write: echoes, filtered out, conflicts lost.")
    static let errors = EngineMetric(
        name: "tandem_errors_total", type: "counter",
        help: "Changes parked by an error (class application, plugin, conflict); transient: failed engine passes.")
    static let conflicts = EngineMetric(
        name: "tandem_conflicts_total", type: "counter", help: "Conflicts detected, whatever the policy did.")
    static let queueDepth = EngineMetric(
        name: "tandem_queue_depth", type: "gauge", help: "Captured changes not consumed yet (grows while paused).")
    static let parked = EngineMetric(
        name: "tandem_parked_changes", type: "gauge", help: "Changes waiting in the parking table.")
    static let lagChanges = EngineMetric(
        name: "tandem_lag_changes", type: "gauge", help: "Changes not on the other side yet: queue depth plus parked.")
    static let lagSeconds = EngineMetric(
        name: "tandem_lag_seconds", type: "gauge", help: "Age of the oldest queued change, in seconds.")
    static let applyLatency = EngineMetric(
        name: "tandem_apply_latency_seconds", type: "histogram",
        help: "Per applied change: capture on the source to commit on the target.")

    /// Every metric, in the order the help lists them.
    package static let all = [
        applied, skipped, errors, conflicts, queueDepth, parked, lagChanges, lagSeconds, applyLatency,
    ]
}
