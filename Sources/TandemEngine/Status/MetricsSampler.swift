import Foundation
import Logging

/// Sets the queue gauges (queue depth, parked changes, lag) once a second, on
/// a thread of its own with read-only connections (``AlertProbe``): counting a
/// long queue, a map paused over a weekend, takes a noticeable part of a
/// second, and on the applying thread it would hold up every map.
final class MetricsSampler: Sendable {
    private let thread: PeriodicThread

    /// Starts the thread for `engine`'s maps.
    init(engine: SyncEngine, metrics: EngineMetrics) throws {
        let maps = AlertProbe.WatchedMap.all(engine)
        let worker = try Worker(
            probe: AlertProbe(sides: engine.locations, state: engine.state, maps: maps), maps: maps,
            metrics: metrics)
        // A side busy for longer than the probe's timeout: the gauges keep their last values until the next round.
        thread = PeriodicThread(
            name: "tandem-metrics", interval: .seconds(1), logger: engine.logger,
            failure: "reading the queues for the metrics failed"
        ) { _ in try worker.sample() }
    }

    /// Stops the thread after its current round.
    func stop() {
        thread.stop()
    }

    /// The sampler's state: touched only by its thread once started
    /// (hence `@unchecked Sendable`: it crosses into the thread once).
    private final class Worker: @unchecked Sendable {
        let probe: AlertProbe
        let maps: [AlertProbe.WatchedMap]
        let metrics: EngineMetrics

        init(probe: AlertProbe, maps: [AlertProbe.WatchedMap], metrics: EngineMetrics) {
            self.probe = probe
            self.maps = maps
            self.metrics = metrics
        }

        func sample() throws {
            probe.reset()
            let now = Date().timeIntervalSince1970 * 1000
            for map in maps {
                for (direction, entry) in try probe.queue(map.name, count: true) {
                    metrics.updateGauges(
                        map: map.name, direction: direction, queued: entry.queued ?? 0, parked: entry.parked,
                        lagSeconds: entry.oldest.map { max(0, (now - $0) / 1000) } ?? 0)
                }
            }
        }
    }
}
