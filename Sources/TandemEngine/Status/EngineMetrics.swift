import CoreMetrics
import Foundation

/// The engine's metrics (``EngineMetric``), per map and direction, through the swift-metrics API.
///
/// Each series is created once, when the engine starts, so that the hot path
/// only increments objects it already holds: counters move once per committed
/// batch, the latency histogram once per applied change, and the gauges at the
/// engine's statistics cadence (once a second). Without a bootstrapped backend
/// (`tandem run` without `--metrics`) the engine keeps no `EngineMetrics` at all
/// (see ``SyncEngine``), so it costs nothing.
///
/// The engine's thread moves the counters and the histogram, ``MetricsSampler``'s
/// thread sets the gauges: the series are fixed at init and swift-metrics
/// handlers are thread-safe, hence `@unchecked Sendable`.
final class EngineMetrics: @unchecked Sendable {
    /// The series of one map in one direction.
    final class Series {
        let applied: Counter
        let skipped: Counter
        let conflicts: Counter
        let errors: [ErrorClass: Counter]
        let queueDepth: Gauge
        let parked: Gauge
        let lagChanges: Gauge
        let lagSeconds: Gauge
        let applyLatency: CoreMetrics.Timer

        init(map: String, direction: SyncDirection, factory: any MetricsFactory) {
            let dimensions = [("direction", direction.rawValue), ("map", map)]
            applied = Counter(label: EngineMetric.applied.name, dimensions: dimensions, factory: factory)
            skipped = Counter(label: EngineMetric.skipped.name, dimensions: dimensions, factory: factory)
            conflicts = Counter(label: EngineMetric.conflicts.name, dimensions: dimensions, factory: factory)
            var errors: [ErrorClass: Counter] = [:]
            for errorClass in ErrorClass.allCases {
                errors[errorClass] = Counter(
                    label: EngineMetric.errors.name, dimensions: [("class", errorClass.rawValue)] + dimensions,
                    factory: factory)
            }
            self.errors = errors
            queueDepth = Gauge(label: EngineMetric.queueDepth.name, dimensions: dimensions, factory: factory)
            parked = Gauge(label: EngineMetric.parked.name, dimensions: dimensions, factory: factory)
            lagChanges = Gauge(label: EngineMetric.lagChanges.name, dimensions: dimensions, factory: factory)
            lagSeconds = Gauge(label: EngineMetric.lagSeconds.name, dimensions: dimensions, factory: factory)
            applyLatency = CoreMetrics.Timer(
                label: EngineMetric.applyLatency.name, dimensions: dimensions, factory: factory)
        }
    }

    /// By ``SyncEngine/statsKey(_:_:)``.
    private let series: [String: Series]

    /// Series for every (map, direction) pair; nil when no metrics backend is
    /// bootstrapped, so that the engine skips even the bookkeeping.
    init?(_ pairs: [(map: String, direction: SyncDirection)], factory: any MetricsFactory = MetricsSystem.factory) {
        guard !(factory is NOOPMetricsHandler) else { return nil }
        var series: [String: Series] = [:]
        for (map, direction) in pairs {
            series[SyncEngine.statsKey(map, direction)] = Series(map: map, direction: direction, factory: factory)
        }
        self.series = series
    }

    /// Records what one committed transaction did in `direction`.
    func record(_ outcome: ApplyOutcome, direction: SyncDirection) {
        for (map, count) in outcome.counters {
            guard let series = series[SyncEngine.statsKey(map, direction)] else { continue }
            if count.applied > 0 { series.applied.increment(by: count.applied) }
            if count.skipped > 0 { series.skipped.increment(by: count.skipped) }
            if count.conflicts > 0 { series.conflicts.increment(by: count.conflicts) }
        }
        for (map, errorClass) in outcome.failures {
            series[SyncEngine.statsKey(map, direction)]?.errors[errorClass]?.increment()
        }
        guard !outcome.appliedAt.isEmpty else { return }
        // Capture time (the source's trigger) to now, just after the target's commit.
        let now = Date().timeIntervalSince1970 * 1000
        var current: (map: String, series: Series?)?
        for (index, at) in outcome.appliedAt.enumerated() where index < outcome.appliedMaps.count {
            let map = outcome.appliedMaps[index]
            if current?.map != map { current = (map, series[SyncEngine.statsKey(map, direction)]) }
            current?.series?.applyLatency.recordNanoseconds(Int64(max(0, now - at) * 1_000_000))
        }
    }

    /// Counts changes skipped in a batch that wrote nothing (echoes, filtered-out rows).
    func recordSkipped(map: String, direction: SyncDirection, count: Int) {
        series[SyncEngine.statsKey(map, direction)]?.skipped.increment(by: count)
    }

    /// Counts a failed engine pass (a side busy or failing) as a transient error of the map.
    func recordTransientError(map: String, direction: SyncDirection) {
        series[SyncEngine.statsKey(map, direction)]?.errors[.transient]?.increment()
    }

    /// Sets the gauges of one map and direction.
    func updateGauges(map: String, direction: SyncDirection, queued: Int, parked: Int, lagSeconds: Double) {
        guard let series = series[SyncEngine.statsKey(map, direction)] else { return }
        series.queueDepth.record(queued)
        series.parked.record(parked)
        series.lagChanges.record(queued + parked)
        series.lagSeconds.record(lagSeconds)
    }
}
