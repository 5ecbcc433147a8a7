import Foundation
import TandemEngine
import GRDB
package import TandemPluginHost

/// The captured-path benchmark behind `tandem bench sync`: a writer commits
/// to the ERP side's `Notes` table (map `sample.notes`, narrow rows) while
/// the engine runs in the same process, and every change is timed from its
/// commit on one side to the commit of its batch on the other.
///
/// Measured in the same run, as the physical limit: the rate at which the
/// writer alone commits to a database with the same capture triggers and no
/// engine running.
package struct SyncBenchmark {
    /// Results, for the CLI to print.
    package struct Report: Codable, Sendable {
        /// Fixed-rate phase: target rate, changes sent.
        package var fixedRate: Int
        package var fixedRateChanges: Int
        /// Latency percentiles in milliseconds.
        package var latencyP50: Double
        package var latencyP99: Double
        package var latencyMax: Double
        /// Writer alone, one row per commit, changes/s.
        package var writerAloneSingle: Double
        /// Writer alone, `rowsPerCommit` rows per commit, changes/s.
        package var writerAloneBatched: Double
        /// Rows per commit in the batched phases.
        package var rowsPerCommit: Int
        /// Drain phase: a backlog written with the engine stopped, then applied, changes/s.
        package var drainChanges: Int
        package var drainRate: Double
        /// Drain again in a fresh environment where the CRM side refuses 1 % of the rows
        /// (a validation trigger): those are parked, the rest applied, changes/s.
        /// Nil when the CRM side is on PostgreSQL (the refusing trigger is SQLite's).
        package var drainPoisonedRate: Double?
        /// Changes parked as errors in that phase.
        package var drainPoisonedParked: Int?
        /// Paced phase: the writer at `pacedRate` changes/s (`rowsPerCommit` per commit) for `pacedSeconds`.
        package var pacedRate: Int
        package var pacedChanges: Int
        /// The rate the writer reached in the paced phase (below `pacedRate` when it could not keep the pace), changes/s.
        package var pacedWriterRate: Double
        /// Engine rate in the paced phase, from the first commit to the last change applied, changes/s.
        package var pacedApplyRate: Double
        /// Largest number of changes the engine was behind during the paced phase.
        package var pacedMaxLag: Int
        /// Latency percentiles during the paced phase, milliseconds.
        package var pacedLatencyP50: Double
        package var pacedLatencyP99: Double
        package var pacedLatencyMax: Double
        /// Flood phase: changes written as fast as the writer can while the engine runs.
        package var floodChanges: Int
        /// Writer rate during the flood (sharing the machine with the engine), changes/s.
        package var floodWriterRate: Double
        /// Engine rate from the first commit to the last change applied, changes/s.
        package var floodApplyRate: Double
        /// Largest number of changes the engine was behind during the flood.
        package var floodMaxLag: Int
        /// Latency percentiles during the flood, milliseconds.
        package var floodLatencyP50: Double
        package var floodLatencyP99: Double
    }

    /// Target rate of the fixed-rate phase (changes/s).
    package var rate = 1000
    /// Length of the fixed-rate phase.
    package var seconds = 5.0
    /// Changes in the flood phase and in the writer-alone phases.
    package var floodChanges = 200_000
    /// Rows per commit in the batched phases.
    package var rowsPerCommit = 100
    /// Writer rate of the paced phase; 0 picks 80 % of the measured drain rate.
    package var pacedRate = 0
    /// Length of the paced phase.
    package var pacedSeconds = 10.0
    /// The sides: SQLite files unless `--erp`/`--crm` name PostgreSQL databases.
    package var sides = BenchSides()

    /// Creates a benchmark with the default sizes.
    package init() {}

    /// Runs every phase in a fresh environment under `directory`.
    package func run(directory: String, catalog: PluginCatalog, progress: (String) -> Void) throws -> Report {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Writer alone: a copy of the ERP side with capture and no engine.
        progress("writer alone: \(floodChanges) changes into a captured table, no engine")
        let aloneEnvironment = try TandemEnvironment.create(
            at: directory + "/alone", maps: ["sample.notes"], catalog: catalog, sides: try sides.configs(for: "alone"))
        let alone = try BenchWriter(aloneEnvironment, .erp)
        let singleCount = max(floodChanges / 10, 1000)
        let singleStart = ContinuousClock.now
        for id in 0..<singleCount { try alone.insert(ids: id..<(id + 1), seq: false) }
        let writerAloneSingle = Double(singleCount) / seconds(since: singleStart)
        let batchedStart = ContinuousClock.now
        for first in stride(from: 1_000_000, to: 1_000_000 + floodChanges, by: rowsPerCommit) {
            try alone.insert(ids: first..<(first + rowsPerCommit), seq: false)
        }
        let writerAloneBatched = Double(floodChanges) / seconds(since: batchedStart)

        let bench = try BenchEngine(at: directory + "/sync", catalog: catalog, sides: sides)
        let erp = try bench.writer(.erp)
        let applied = bench.applied
        bench.observeApplied(.erpToCrm)
        // Drain: a backlog written while no engine runs, then applied as fast as the engine can.
        progress("drain: \(floodChanges) changes queued with no engine running, then applied")
        var backlog: [Int64: ContinuousClock.Instant] = [:]
        for first in stride(from: 20_000_000, to: 20_000_000 + floodChanges, by: rowsPerCommit) {
            let seq = try erp.insert(ids: first..<(first + rowsPerCommit))
            for offset in 0..<Int64(rowsPerCommit) { backlog[seq - Int64(rowsPerCommit) + 1 + offset] = .now }
        }
        let drainStart = ContinuousClock.now
        bench.start()
        defer { bench.stop() }
        _ = try awaitApplied(backlog, applied)
        let drainEnd = applied.times.withLock { $0.values.max() } ?? .now
        let drainRate = Double(floodChanges) / seconds(from: drainStart, to: drainEnd)
        applied.times.withLock { $0.removeAll() }

        // Fixed rate: one row per commit, paced.
        progress("fixed rate: \(rate) changes/s for \(seconds) s, one row per commit")
        var committed: [Int64: ContinuousClock.Instant] = [:]
        let count = Int(Double(rate) * seconds)
        let start = ContinuousClock.now
        for index in 0..<count {
            let due = start + .nanoseconds(Int64(1e9 / Double(rate) * Double(index)))
            let wait = due - ContinuousClock.now
            if wait > .zero { Thread.sleep(forTimeInterval: wait.timeInterval) }
            let seq = try erp.insert(ids: index..<(index + 1))
            committed[seq] = ContinuousClock.now
        }
        let fixed = try awaitApplied(committed, applied)

        // Paced: batched commits at a rate the engine should sustain, lag sampled every commit.
        let paced = pacedRate > 0 ? pacedRate : max(rowsPerCommit, Int(drainRate * 0.8) / 1000 * 1000)
        progress("paced: \(paced) changes/s for \(pacedSeconds) s, \(rowsPerCommit) rows per commit")
        applied.times.withLock { $0.removeAll() }
        var pacedCommitted: [Int64: ContinuousClock.Instant] = [:]
        var pacedMaxLag = 0
        let pacedCount = max(Int(Double(paced) * pacedSeconds) / rowsPerCommit, 1) * rowsPerCommit
        let pacedStart = ContinuousClock.now
        for (index, first) in stride(from: 30_000_000, to: 30_000_000 + pacedCount, by: rowsPerCommit).enumerated() {
            let due = pacedStart + .nanoseconds(Int64(1e9 * Double(index * rowsPerCommit) / Double(paced)))
            let wait = due - ContinuousClock.now
            if wait > .zero { Thread.sleep(forTimeInterval: wait.timeInterval) }
            let seq = try erp.insert(ids: first..<(first + rowsPerCommit))
            let now = ContinuousClock.now
            for offset in 0..<Int64(rowsPerCommit) { pacedCommitted[seq - Int64(rowsPerCommit) + 1 + offset] = now }
            pacedMaxLag = max(pacedMaxLag, pacedCommitted.count - applied.times.withLock { $0.count })
        }
        let pacedWriterDone = ContinuousClock.now
        let pacedLatency = try awaitApplied(pacedCommitted, applied)
        let pacedLastApplied = applied.times.withLock { $0.values.max() } ?? pacedWriterDone

        // Flood: as fast as the writer can, rowsPerCommit rows per commit.
        progress("flood: \(floodChanges) changes, \(rowsPerCommit) rows per commit, as fast as the writer can")
        applied.times.withLock { $0.removeAll() }
        var floodCommitted: [Int64: ContinuousClock.Instant] = [:]
        var maxLag = 0
        let floodStart = ContinuousClock.now
        for first in stride(from: 10_000_000, to: 10_000_000 + floodChanges, by: rowsPerCommit) {
            let seq = try erp.insert(ids: first..<(first + rowsPerCommit))
            let now = ContinuousClock.now
            for offset in 0..<Int64(rowsPerCommit) { floodCommitted[seq - Int64(rowsPerCommit) + 1 + offset] = now }
            if first % (rowsPerCommit * 50) == 0 {
                let done = applied.times.withLock { $0.count }
                maxLag = max(maxLag, floodCommitted.count - done)
            }
        }
        let writerDone = ContinuousClock.now
        let flood = try awaitApplied(floodCommitted, applied)
        let lastApplied = applied.times.withLock { $0.values.max() } ?? writerDone
        bench.stop()

        var poisoned: (rate: Double, parked: Int)?
        if sides.crm == nil {
            progress("drain with 1 % poison: \(floodChanges) changes, every 100th refused by the CRM side")
            poisoned = try drainPoisoned(directory: directory + "/poison", catalog: catalog)
        }

        return Report(
            fixedRate: rate, fixedRateChanges: count, latencyP50: fixed.p50, latencyP99: fixed.p99, latencyMax: fixed.max,
            writerAloneSingle: writerAloneSingle, writerAloneBatched: writerAloneBatched, rowsPerCommit: rowsPerCommit,
            drainChanges: floodChanges, drainRate: drainRate, drainPoisonedRate: poisoned?.rate, drainPoisonedParked: poisoned?.parked, pacedRate: paced, pacedChanges: pacedCount,
            pacedWriterRate: Double(pacedCount) / seconds(from: pacedStart, to: pacedWriterDone),
            pacedApplyRate: Double(pacedCount) / seconds(from: pacedStart, to: pacedLastApplied), pacedMaxLag: pacedMaxLag,
            pacedLatencyP50: pacedLatency.p50, pacedLatencyP99: pacedLatency.p99, pacedLatencyMax: pacedLatency.max,
            floodChanges: floodChanges, floodWriterRate: Double(floodChanges) / seconds(from: floodStart, to: writerDone),
            floodApplyRate: Double(floodChanges) / seconds(from: floodStart, to: lastApplied), floodMaxLag: maxLag,
            floodLatencyP50: flood.p50, floodLatencyP99: flood.p99)
    }

    /// The drain phase in a fresh environment where the CRM side's
    /// application refuses every 100th row: the rate at which the engine
    /// applies the good rows and parks the bad ones.
    private func drainPoisoned(directory: String, catalog: PluginCatalog) throws -> (rate: Double, parked: Int) {
        let bench = try BenchEngine(at: directory, catalog: catalog, sides: sides)
        let erp = try bench.writer(.erp)
        let crm = try bench.side(.crm)
        try crm.queue.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER bench_validate BEFORE INSERT ON annotation WHEN NEW.notetext LIKE 'poison%'
                    BEGIN SELECT RAISE(ABORT, 'notetext must not start with poison'); END
                    """)
        }
        var expected: Set<Int64> = []
        var poison = 0
        for first in stride(from: 0, to: floodChanges, by: rowsPerCommit) {
            let seq = try erp.insert(ids: first..<(first + rowsPerCommit)) { $0 % 100 == 99 ? "poison \($0)" : "note \($0)" }
            for offset in 0..<rowsPerCommit {
                if (first + offset) % 100 == 99 { poison += 1 } else { expected.insert(seq - Int64(rowsPerCommit) + 1 + Int64(offset)) }
            }
        }
        bench.observeApplied()
        let start = ContinuousClock.now
        bench.start()
        defer { bench.stop() }
        _ = try awaitApplied(Dictionary(uniqueKeysWithValues: expected.map { ($0, start) }), bench.applied)
        let end = bench.applied.times.withLock { $0.values.max() } ?? .now
        bench.stop()
        let parked = try crm.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM _tandem_parked WHERE kind = 'error'") ?? 0 }
        guard parked == poison else {
            throw SyncError(.database, "the poisoned drain parked \(parked) rows, not the \(poison) poison rows")
        }
        return (Double(floodChanges) / seconds(from: start, to: end), parked)
    }

    /// Waits until every committed seq was applied; returns latency percentiles in ms.
    private func awaitApplied(_ committed: [Int64: ContinuousClock.Instant], _ applied: AppliedLog) throws -> (p50: Double, p99: Double, max: Double) {
        let deadline = ContinuousClock.now + .seconds(300)
        while applied.times.withLock({ $0.count }) < committed.count {
            guard ContinuousClock.now < deadline else {
                throw SyncError(.database, "the engine did not apply every change within 300 s")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        let latencies = applied.times.withLock { applied in
            committed.compactMap { seq, start in applied[seq].map { milliseconds(from: start, to: $0) } }
        }.sorted()
        guard !latencies.isEmpty else { return (0, 0, 0) }
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return (percentile(0.5), percentile(0.99), latencies.last!)
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        seconds(from: start, to: ContinuousClock.now)
    }

    private func seconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        (end - start).timeInterval
    }

    private func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        seconds(from: start, to: end) * 1000
    }
}
