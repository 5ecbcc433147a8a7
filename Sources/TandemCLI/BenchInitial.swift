import ArgumentParser
import Foundation
import TandemBenchmark
import TandemEngine

/// `tandem bench initial`: initial sync against a raw SQLite bulk copy.
struct BenchInitial: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "initial",
        abstract: "Measure initial sync against a raw SQLite bulk copy of the same rows.",
        discussion: """
            Creates throwaway environments under --dir with --rows rows on the ERP side:
            narrow notes (map sample.notes), or with --table customers, customers in the
            standard map customers-accounts (company, group, currency, party-type filter,
            value maps, money at 10 places; their parents synced first, outside the
            measurement). Raw: ATTACH the ERP file to a CRM side without Tandem's triggers
            and copy with one INSERT … SELECT (the physical limit). Initial sync:
            SyncEngine.initialSync, the call behind `tandem maps initial-sync`, into an
            empty CRM side with capture installed, on the path the map takes (bulk), then
            again forced down the row path (unless --no-row-path). Peak memory is this
            process's maximum resident set after each phase.

            On a shared or virtual machine one run says little: the raw copy alone can vary
            2× from one run to the next. --repeat N measures N times, raw copy and initial
            sync one after the other each time, and ends with the median of the N ratios
            (with --json: an object with every run and the medians). A temp folder (no
            --dir) is deleted after each run.

            --erp URL --crm URL: both sides on PostgreSQL (notes only), in schemas of
            their own (--schema prefix). Raw: `psql -c "COPY (SELECT …) TO STDOUT" |
            psql -c "COPY … FROM STDIN"` into a CRM table without capture (psql from
            PG_BIN_DIR, PATH or /usr/lib/postgresql/*/bin). Initial sync: the bulk
            path (COPY per chunk) into a captured CRM table. No row path there.
            """)

    @Option(help: "Rows on the ERP side.") var rows = 1_000_000
    @Option(help: "notes (narrow rows, sample.notes) or customers (the standard customers-accounts map).") var table = "notes"
    @Flag(help: "Skip the row-path measurement.") var noRowPath = false
    @Option(help: "Rows per chunk (default: each path's default).") var chunk: Int?
    @Option(help: "Folder for the throwaway environments (default: a new temp folder, deleted afterwards).") var dir: String?
    @Option(help: "Measure this many times and report the median ratio.") var `repeat` = 1
    @OptionGroup var sides: BenchSideOptions
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
        benchmark.sides = try sides.sides()
        if !benchmark.sides.allSQLite { benchmark.rowPath = false }
        guard `repeat` >= 1 else { throw CLIError("--repeat must be at least 1, not \(`repeat`)") }
        let directory = benchDirectory(dir)
        var reports: [InitialSyncBenchmark.Report] = []
        for run in 1...`repeat` {
            let folder = `repeat` == 1 ? directory : directory + "/run-\(run)"
            let report = try benchmark.run(directory: folder, catalog: catalog) { printError("… \($0)") }
            // Throwaway data of a million rows is a few hundred MB a run: keep only what was asked for.
            if dir == nil { try? FileManager.default.removeItem(atPath: folder) }
            reports.append(report)
            if !output.json { print(lines(report, run: `repeat` == 1 ? nil : run).joined(separator: "\n")) }
        }
        if dir == nil { try? FileManager.default.removeItem(atPath: directory) }
        let summary = Summary(reports)
        if output.json { return `repeat` == 1 ? printJSON(reports[0]) : printJSON(summary) }
        if `repeat` > 1 {
            print(String(format: "median of %d runs: initial sync %.2f× raw", `repeat`, summary.medianInitialRatio)
                + (summary.medianRowRatio.map { String(format: ", row path %.2f× raw", $0) } ?? ""))
        }
    }

    /// The report of one run, as text.
    private func lines(_ report: InitialSyncBenchmark.Report, run: Int?) -> [String] {
        let title = table == "notes" ? "initial sync, sample.notes (narrow rows)" : "initial sync, customers-accounts (standard customer map)"
        func ratio(_ rate: Double) -> String { String(format: "%.2f", rate / report.rawRate) + "× raw" }
        var lines = [
            "\(title), \(report.rows) rows" + (run.map { ", run \($0)" } ?? ""),
            (sides.erp == nil && sides.crm == nil ? "raw copy (ATTACH + INSERT … SELECT):  " : "raw copy (psql COPY | psql COPY):     ")
                + "\(Int(report.rawRate)) rows/s, peak \(Int(report.rawPeakMiB)) MiB",
            "initial sync, \(report.initialPath) path:".padding(toLength: 38, withPad: " ", startingAt: 0)
                + "\(Int(report.initialRate)) rows/s (\(ratio(report.initialRate))), peak \(Int(report.initialPeakMiB)) MiB",
        ]
        if let rowRate = report.rowRate, let rowPeak = report.rowPeakMiB {
            lines.append("initial sync, row path (forced):      \(Int(rowRate)) rows/s (\(ratio(rowRate))), peak \(Int(rowPeak)) MiB")
        }
        return lines
    }

    /// Every run of a `--repeat` and the medians of their ratios.
    struct Summary: Encodable {
        let runs: [InitialSyncBenchmark.Report]
        /// Median of initial sync's rate over the raw copy's, run by run.
        let medianInitialRatio: Double
        /// The same for the forced row path (nil with --no-row-path).
        let medianRowRatio: Double?

        init(_ runs: [InitialSyncBenchmark.Report]) {
            func median(_ values: [Double]) -> Double {
                let sorted = values.sorted()
                return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            }
            self.runs = runs
            medianInitialRatio = median(runs.map { $0.initialRate / $0.rawRate })
            let rows = runs.compactMap { report in report.rowRate.map { $0 / report.rawRate } }
            medianRowRatio = rows.count == runs.count ? median(rows) : nil
        }
    }
}
