import ArgumentParser
import Foundation
import TandemBenchmark
import TandemEngine

/// `tandem bench sync`: captured-path latency and sustained rate.
struct BenchSync: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Measure captured-path latency at a fixed rate, the sustained rate, and the writer-alone limit.",
        discussion: """
            Creates throwaway environments under --dir with the bundled map sample.notes
            (narrow rows), then:
            (1) the writer alone commits into a captured table with no engine (the
                physical limit), one row per commit and --rows-per-commit rows per commit;
            (2) with the engine running in this process, one row per commit at --rate
                changes/s for --seconds, each change timed from its commit on the ERP side
                to the commit of its batch on the CRM side;
            (3) drain: --flood changes queued while the engine is stopped, then applied
                (the engine's top rate);
            (4) paced: --rows-per-commit rows per commit at --paced-rate changes/s
                (default 80 % of the drain rate) for --paced-seconds, the lag sampled
                after every commit: the sustained rate, if the lag stays bounded;
            (5) a flood of --flood changes as fast as the writer can, the engine running;
            (6) the drain again in a fresh environment where the CRM side refuses every
                100th row (an application trigger, so the capture triggers stay on).
            --erp and --crm put a side on PostgreSQL (fresh schemas SCHEMA_ENV_SIDE);
            the writer-alone limit is then the commit rate into the captured PostgreSQL
            table, and (6) runs only with a SQLite CRM side.
            """)

    @Option(help: "Changes per second in the fixed-rate phase.")
    var rate = 1000

    @Option(help: "Length of the fixed-rate phase in seconds.")
    var seconds = 5.0

    @Option(help: "Changes in the flood and writer-alone phases.")
    var flood = 200_000

    @Option(help: "Rows per commit in the flood and batched writer-alone phases.")
    var rowsPerCommit = 100

    @Option(help: "Writer rate of the paced phase in changes/s (default: 80 % of the drain rate).")
    var pacedRate = 0

    @Option(help: "Length of the paced phase in seconds.")
    var pacedSeconds = 10.0

    @Option(help: "Folder for the throwaway environments (default: a new temp folder).")
    var dir: String?

    @OptionGroup var sides: BenchSideOptions
    @OptionGroup var plugins: PluginOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let catalog = try plugins.loadSampleCatalog()
        let directory = benchDirectory(dir)
        var benchmark = SyncBenchmark()
        benchmark.rate = rate
        benchmark.seconds = seconds
        benchmark.floodChanges = flood
        benchmark.rowsPerCommit = rowsPerCommit
        benchmark.pacedRate = pacedRate
        benchmark.pacedSeconds = pacedSeconds
        benchmark.sides = try sides.sides()
        let report = try benchmark.run(directory: directory, catalog: catalog) { printError("… \($0)") }
        if output.json { return printJSON(report) }
        func f(_ value: Double) -> String { String(format: "%.2f", value) }
        func n(_ value: Double) -> String { String(format: "%.0f", value) }
        print("captured path, sample.notes (narrow rows), ERP → CRM, engine in-process")
        if !benchmark.sides.allSQLite {
            print("sides: ERP \(benchmark.sides.kind(.erp)), CRM \(benchmark.sides.kind(.crm))")
        }
        print("writer alone, 1 row/commit:            \(n(report.writerAloneSingle)) changes/s")
        print("writer alone, \(report.rowsPerCommit) rows/commit:         \(n(report.writerAloneBatched)) changes/s")
        print("fixed \(report.fixedRate)/s, \(report.fixedRateChanges) changes:     latency p50 \(f(report.latencyP50)) ms, p99 \(f(report.latencyP99)) ms, max \(f(report.latencyMax)) ms")
        print("drain \(report.drainChanges) queued changes:     applied \(n(report.drainRate))/s (\(f(report.drainRate / report.writerAloneBatched))× writer alone)")
        if let poisoned = report.drainPoisonedRate, let parked = report.drainPoisonedParked {
            print("drain, 1 % poison rows:         applied \(n(poisoned))/s (\(f(poisoned / report.drainRate))× the clean drain), \(parked) rows parked")
        }
        print("paced \(report.pacedRate)/s, \(report.pacedChanges) changes: writer \(n(report.pacedWriterRate))/s, applied \(n(report.pacedApplyRate))/s, max lag \(report.pacedMaxLag) changes")
        print("paced latency:                         p50 \(f(report.pacedLatencyP50)) ms, p99 \(f(report.pacedLatencyP99)) ms, max \(f(report.pacedLatencyMax)) ms")
        print("flood \(report.floodChanges) changes:            writer \(n(report.floodWriterRate))/s, applied \(n(report.floodApplyRate))/s (\(f(report.floodApplyRate / report.writerAloneBatched))× writer alone), max lag \(report.floodMaxLag) changes")
        print("flood latency:                         p50 \(f(report.floodLatencyP50)) ms, p99 \(f(report.floodLatencyP99)) ms")
    }
}
