import ArgumentParser
import Foundation
import TandemEngine

/// `tandem bench initial`: initial sync against a raw SQLite bulk copy.
struct BenchInitial: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "initial",
        abstract: "Measure initial sync against a raw SQLite bulk copy of the same rows.",
        discussion: """
            Creates throwaway environments under --dir with --rows rows on the ERP side: narrow notes
            (map sample.notes), or with --table customers, customers in the standard map
            customers-accounts (company, group, currency, party-type filter, value maps, money at
            10 places; their parents synced first, outside the measurement). Raw: ATTACH the ERP file to a CRM side without Tandem's triggers and
            copy with one INSERT … SELECT (the physical limit). Initial sync: SyncEngine.initialSync,
            the call behind `tandem maps initial-sync`, into an empty CRM side with capture installed,
            on the path the map takes (bulk), then again forced down the row path (unless
            --no-row-path). Peak memory is this process's maximum resident set after each phase.
            """)

    @Option(help: "Rows on the ERP side.") var rows = 1_000_000
    @Option(help: "notes (narrow rows, sample.notes) or customers (the standard customers-accounts map).") var table = "notes"
    @Flag(help: "Skip the row-path measurement.") var noRowPath = false
    @Option(help: "Rows per chunk (default: each path's default).") var chunk: Int?
    @Option(help: "Folder for the throwaway environments (default: a new temp folder).") var dir: String?
    @OptionGroup var plugins: PluginOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let table = InitialSyncBenchmark.Table(rawValue: table) else {
            throw CLIError("--table must be notes or customers, not '\(table)'")
        }
        let catalog = try plugins.loadSampleCatalog(needing: table == .notes ? "sample.notes" : "customers-accounts")
        var benchmark = InitialSyncBenchmark()
        benchmark.table = table
        benchmark.rows = rows
        benchmark.rowPath = !noRowPath
        benchmark.chunk = chunk
        let directory = benchDirectory(dir)
        let report = try benchmark.run(directory: directory, catalog: catalog) { printError("… \($0)") }
        if output.json { return printJSON(report) }
        print(table == .notes ? "initial sync, sample.notes (narrow rows), \(report.rows) rows" : "initial sync, customers-accounts (standard customer map), \(report.rows) rows")
        print("raw copy (ATTACH + INSERT … SELECT):  \(Int(report.rawRate)) rows/s, peak \(Int(report.rawPeakMiB)) MiB")
        func ratio(_ rate: Double) -> String { String(format: "%.2f", rate / report.rawRate) + "× raw" }
        print("initial sync, \(report.initialPath) path:".padding(toLength: 38, withPad: " ", startingAt: 0)
            + "\(Int(report.initialRate)) rows/s (\(ratio(report.initialRate))), peak \(Int(report.initialPeakMiB)) MiB")
        if let rowRate = report.rowRate, let rowPeak = report.rowPeakMiB {
            print("initial sync, row path (forced):      \(Int(rowRate)) rows/s (\(ratio(rowRate))), peak \(Int(rowPeak)) MiB")
        }
    }
}
