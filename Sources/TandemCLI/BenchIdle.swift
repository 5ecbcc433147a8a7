import ArgumentParser
import Foundation
import TandemBenchmark
import TandemEngine

/// `tandem bench idle`: what an idle engine costs, and how soon it wakes.
struct BenchIdle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle",
        abstract: "Measure an idle engine's CPU and its wake latency against a tight poll loop.",
        discussion: """
            Creates a throwaway environment under --dir with the bundled map sample.notes
            running, starts the engine in this process, then:
            (1) nothing is written for --seconds: the process's CPU time (getrusage, every
                thread) as a percentage of one core; the limit is 0;
            (2) --changes single-row commits on the ERP side by another connection,
                --spacing-ms apart, each timed from its commit to the commit of its batch
                on the CRM side (the engine waits between them);
            (3) the floor, in the same run: the same commits read by a loop that polls
                PRAGMA data_version without sleeping (a whole core) and copied to the CRM
                side with a commit each.
            --erp and --crm put a side on PostgreSQL (a fresh schema SCHEMA_idle_SIDE);
            (3) then is left out: its loop polls SQLite.
            """)

    @Option(help: "Seconds of idle measurement.") var seconds = 30.0
    @Option(help: "Single changes timed for the wake latency and the floor.") var changes = 200
    @Option(help: "Milliseconds between two changes.") var spacingMs = 20
    @Option(help: "Folder for the throwaway environment (default: a new temp folder).") var dir: String?
    @OptionGroup var sides: BenchSideOptions
    @OptionGroup var plugins: PluginOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let catalog = try plugins.loadSampleCatalog()
        var benchmark = IdleBenchmark()
        benchmark.idleSeconds = seconds
        benchmark.changes = changes
        benchmark.spacing = .milliseconds(spacingMs)
        benchmark.sides = try sides.sides()
        let report = try benchmark.run(directory: benchDirectory(dir), catalog: catalog) { printError("… \($0)") }
        if output.json { return printJSON(report) }
        func f(_ value: Double) -> String { String(format: "%.2f", value) }
        print("idle engine, sample.notes running, engine in-process")
        if !benchmark.sides.allSQLite {
            print("sides: ERP \(benchmark.sides.kind(.erp)), CRM \(benchmark.sides.kind(.crm))")
        }
        print("idle \(f(report.idleSeconds)) s:      CPU \(f(report.idleCPUSeconds)) s = \(String(format: "%.3f", report.idleCPUPercent)) % of a core")
        print("wake, \(report.changes) changes \(report.spacingMilliseconds) ms apart: p50 \(f(report.wakeP50)) ms, p99 \(f(report.wakeP99)) ms, max \(f(report.wakeMax)) ms")
        if let p50 = report.floorP50, let p99 = report.floorP99, let max = report.floorMax {
            print("floor (tight poll loop):  p50 \(f(p50)) ms, p99 \(f(p99)) ms, max \(f(max)) ms")
            print("ratio to the floor:       p50 \(f(report.wakeP50 / p50))×, p99 \(f(report.wakeP99 / p99))×")
        }
    }
}
