#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif
import Foundation
import TandemEngine
import GRDB
package import TandemPluginHost

/// The benchmark behind `tandem bench idle`: what an engine with nothing to
/// do costs, and how soon it wakes when something arrives.
///
/// 1. CPU while idle: an engine on a fresh environment with map
///    `sample.notes` running, nothing written, measured with `getrusage`
///    over the whole process (every thread: engine, housekeeper, log
///    pruner). The physical limit is 0.
/// 2. Wake latency: single changes committed by another connection, spaced
///    far enough apart that the engine is idle (waiting) before each, timed
///    from the commit on the ERP side to the commit of its batch on the CRM
///    side.
/// 3. The floor for that latency, in the same run: a reader that polls
///    `PRAGMA data_version` in a tight loop (a core spent on nothing else)
///    and copies each change into a plain table on the CRM side with a
///    commit of its own. No engine can notice and apply sooner.
package struct IdleBenchmark {
    /// Results, for the CLI to print.
    package struct Report: Codable, Sendable {
        /// Length of the idle measurement, seconds.
        package var idleSeconds: Double
        /// CPU time the process used while idle, seconds (user + system).
        package var idleCPUSeconds: Double
        /// That as a percentage of one core.
        package var idleCPUPercent: Double
        /// Wake latency of the engine: changes timed, spacing in ms, percentiles in ms.
        package var changes: Int
        package var spacingMilliseconds: Int
        package var wakeP50: Double
        package var wakeP99: Double
        package var wakeMax: Double
        /// The tight-poll floor, percentiles in ms; nil with a PostgreSQL side (the loop polls
        /// SQLite's `PRAGMA data_version`).
        package var floorP50: Double?
        package var floorP99: Double?
        package var floorMax: Double?
    }

    /// Seconds of idle CPU measurement.
    package var idleSeconds = 30.0
    /// Changes timed for the wake latency (and again for the floor).
    package var changes = 200
    /// Pause between two changes.
    package var spacing = Duration.milliseconds(20)
    /// The sides: SQLite files unless `--erp`/`--crm` name PostgreSQL databases.
    package var sides = BenchSides()

    /// Creates a benchmark with the default sizes.
    package init() {}

    /// Runs the phases in a fresh environment under `directory`.
    package func run(directory: String, catalog: PluginCatalog, progress: (String) -> Void) throws -> Report {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let bench = try BenchEngine(at: directory + "/idle", catalog: catalog, sides: sides)
        let erp = try bench.writer(.erp)
        bench.observeApplied(.erpToCrm)
        bench.start()
        defer { bench.stop() }
        // The first passes (states, statistics, the housekeeper's first round) are not idling.
        Thread.sleep(forTimeInterval: 2)
        progress("idle: \(idleSeconds) s with nothing written, CPU of the whole process")
        let before = Self.cpuSeconds()
        let idleStart = ContinuousClock.now
        Thread.sleep(forTimeInterval: idleSeconds)
        let idleCPU = Self.cpuSeconds() - before
        let idleElapsed = (ContinuousClock.now - idleStart).timeInterval

        progress("wake latency: \(changes) single changes, \(spacing) apart")
        var committed: [Int64: ContinuousClock.Instant] = [:]
        for id in 0..<changes {
            Thread.sleep(forTimeInterval: spacing.timeInterval)
            let seq = try erp.insert(ids: id..<(id + 1)) { "idle \($0)" }
            committed[seq] = .now
        }
        let wake = try Self.awaitApplied(committed, bench.applied)
        bench.stop()

        var floor: (p50: Double, p99: Double, max: Double)?
        if let erp = erp.sqlite, sides.allSQLite {
            progress("floor: the same changes read by a tight poll loop and copied with a commit each")
            floor = try floorLatencies(erp: erp, crm: bench.side(.crm), first: 1_000_000)
        }
        return Report(
            idleSeconds: idleElapsed, idleCPUSeconds: idleCPU, idleCPUPercent: idleCPU / idleElapsed * 100,
            changes: changes, spacingMilliseconds: Int(spacing.timeInterval * 1000),
            wakeP50: wake.p50, wakeP99: wake.p99, wakeMax: wake.max,
            floorP50: floor?.p50, floorP99: floor?.p99, floorMax: floor?.max)
    }

    /// The floor: commit to copied-and-committed, by a reader that never sleeps.
    private func floorLatencies(erp: SideDatabase, crm: SideDatabase, first: Int) throws -> (p50: Double, p99: Double, max: Double) {
        try crm.queue.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS bench_floor (seq INTEGER PRIMARY KEY, row TEXT)") }
        let reader = try DatabaseQueue(path: erp.path)
        // The side's own connection: synchronous = NORMAL, as the engine writes.
        let target = crm.queue
        let applied = AppliedLog()
        let stop = StopSignal()
        let head = try reader.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM _tandem_changes") ?? 0 }
        let thread = Thread {
            var after = head
            var version = -1
            while !stop.isStopped {
                do {
                    let now = try reader.inDatabase { db in try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0 }
                    guard now != version else { continue }
                    version = now
                    let rows = try reader.read { db in
                        try Row.fetchAll(db, sql: "SELECT seq, row FROM _tandem_changes WHERE seq > ? ORDER BY seq", arguments: [after])
                    }
                    guard !rows.isEmpty else { continue }
                    try target.write { db in
                        for row in rows {
                            try db.execute(sql: "INSERT INTO bench_floor VALUES (?, ?)", arguments: [row[0] as Int64, row[1] as String?])
                        }
                    }
                    let done = ContinuousClock.now
                    after = rows.last![0]
                    applied.times.withLock { times in for row in rows { times[row[0]] = done } }
                } catch {
                    continue
                }
            }
        }
        thread.start()
        defer { stop.stop() }
        var committed: [Int64: ContinuousClock.Instant] = [:]
        for id in first..<(first + changes) {
            Thread.sleep(forTimeInterval: spacing.timeInterval)
            let seq = try Self.insert(erp, id: id)
            committed[seq] = .now
        }
        return try Self.awaitApplied(committed, applied)
    }

    private static func insert(_ side: SideDatabase, id: Int) throws -> Int64 {
        try side.queue.write { db in
            try db.execute(sql: "INSERT INTO Notes (NOTEID, TEXT) VALUES (?, ?)", arguments: [id, "idle \(id)"])
            return try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM _tandem_changes")) ?? 0
        }
    }

    /// Waits until every committed change was applied; latency percentiles in ms.
    private static func awaitApplied(
        _ committed: [Int64: ContinuousClock.Instant], _ applied: AppliedLog
    ) throws -> (p50: Double, p99: Double, max: Double) {
        let deadline = ContinuousClock.now + .seconds(120)
        while applied.times.withLock({ times in committed.keys.contains { times[$0] == nil } }) {
            guard ContinuousClock.now < deadline else {
                throw SyncError(.database, "not every change was applied within 120 s")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let latencies = applied.times.withLock { applied in
            committed.compactMap { seq, start in applied[seq].map { ($0 - start).timeInterval * 1000 } }
        }.sorted()
        guard !latencies.isEmpty else { return (0, 0, 0) }
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return (percentile(0.5), percentile(0.99), latencies.last!)
    }

    /// User plus system CPU time of this process so far (every thread), seconds.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            _ = getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
            _ = getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
