import ArgumentParser
import Foundation
import TandemEngine

/// `tandem bench initial`: initial sync against a raw SQLite bulk copy.
struct BenchInitial: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "initial",
        abstract: "Measure initial sync against a raw SQLite bulk copy of the same rows.",
        discussion: """
            Creates throwaway environments under --dir with the bundled map sample.notes and --rows
            rows on the ERP side. Raw: ATTACH the ERP file to a CRM side without Tandem's triggers and
            copy with one INSERT … SELECT (the physical limit). Initial sync: SyncEngine.initialSync,
            the call behind `tandem maps initial-sync`, into an empty CRM side with capture installed.
            Peak memory is this process's maximum resident set after each phase.
            """)

    @Option(help: "Rows on the ERP side.") var rows = 1_000_000
    @Option(help: "Folder for the throwaway environments (default: a new temp folder).") var dir: String?
    @OptionGroup var plugins: PluginOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let catalog = try plugins.loadSampleCatalog()
        var benchmark = InitialSyncBenchmark()
        benchmark.rows = rows
        let directory = benchDirectory(dir)
        let report = try benchmark.run(directory: directory, catalog: catalog) { printError("… \($0)") }
        if output.json { return printJSON(report) }
        print("initial sync, sample.notes (narrow rows), \(report.rows) rows")
        print("raw copy (ATTACH + INSERT … SELECT):  \(Int(report.rawRate)) rows/s, peak \(Int(report.rawPeakMiB)) MiB")
        print("initial sync:                         \(Int(report.initialRate)) rows/s (\(String(format: "%.2f", report.initialRate / report.rawRate))× raw), peak \(Int(report.initialPeakMiB)) MiB")
    }
}
