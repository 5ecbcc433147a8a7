import ArgumentParser
import Foundation
import TandemBenchmark
import TandemEngine

/// `tandem bench write`: what a synchronous write through Tandem costs.
struct BenchWrite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Measure write-through against the same write done directly on both sides.",
        discussion: """
            Creates throwaway environments under --dir with the bundled map sample.notes.
            Direct: each write is one transaction on the ERP side and then one on the CRM
            side, done by the benchmark. Through Tandem: each write is SyncEngine.write
            (the library API that `tandem write` uses), which writes the ERP side, maps the
            rows and writes the CRM side, both committing or neither. Both sides have the
            capture triggers in both variants. --erp and --crm put a side on PostgreSQL
            (fresh schemas SCHEMA_direct_SIDE and SCHEMA_through_SIDE).
            """)

    @Option(help: "Writes per variant.") var writes = 2000
    @Option(help: "Rows per write.") var rowsPerWrite = 1
    @Option(help: "Folder for the throwaway environments (default: a new temp folder).") var dir: String?
    @OptionGroup var sides: BenchSideOptions
    @OptionGroup var plugins: PluginOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let catalog = try plugins.loadSampleCatalog()
        var benchmark = WriteBenchmark()
        benchmark.writes = writes
        benchmark.rowsPerWrite = rowsPerWrite
        benchmark.sides = try sides.sides()
        let directory = benchDirectory(dir)
        let report = try benchmark.run(directory: directory, catalog: catalog) { printError("… \($0)") }
        if output.json { return printJSON(report) }
        func f(_ value: Double) -> String { String(format: "%.3f", value) }
        print("write-through, sample.notes, \(report.writes) writes of \(report.rowsPerWrite) row(s)")
        if !benchmark.sides.allSQLite {
            print("sides: ERP \(benchmark.sides.kind(.erp)), CRM \(benchmark.sides.kind(.crm))")
        }
        print("direct on both sides:  mean \(f(report.directMean)) ms, p50 \(f(report.directP50)) ms, p99 \(f(report.directP99)) ms")
        print("through Tandem:        mean \(f(report.throughMean)) ms, p50 \(f(report.throughP50)) ms, p99 \(f(report.throughP99)) ms")
        print("ratio (mean):          \(String(format: "%.2f", report.throughMean / report.directMean))×")
    }
}
