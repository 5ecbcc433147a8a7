import Foundation
import GRDB
public import TandemPluginHost

/// The initial-sync benchmark behind `tandem bench initial`: `rows` rows in
/// the ERP side's `Notes` (map `sample.notes`), brought to an empty CRM side
/// by initial sync, against a raw SQLite bulk copy of the same rows in the
/// same run (`ATTACH` + `INSERT … SELECT` into a CRM side without Tandem's
/// triggers): the physical limit. Initial sync runs twice, in fresh
/// environments: on the bulk path the map takes, and forced down the row
/// path (what maps with plugin transforms take).
public struct InitialSyncBenchmark {
    /// Results, for the CLI to print.
    public struct Report: Codable, Sendable {
        /// Rows copied.
        public var rows: Int
        /// Raw copy, rows/s.
        public var rawRate: Double
        /// Initial sync, rows/s.
        public var initialRate: Double
        /// The path initial sync took.
        public var initialPath: String
        /// Initial sync forced down the row path, rows/s (nil: not measured).
        public var rowRate: Double?
        /// Peak resident memory of this process after the raw copy, MiB.
        public var rawPeakMiB: Double
        /// Peak resident memory after initial sync on its own path, MiB.
        public var initialPeakMiB: Double
        /// Peak resident memory after the row path (nil: not measured), MiB.
        public var rowPeakMiB: Double?
    }

    /// Rows to copy.
    public var rows = 1_000_000
    /// Whether to measure the row path too.
    public var rowPath = true
    /// Rows per chunk (nil: each path's default).
    public var chunk: Int?

    /// Creates a benchmark with the default size.
    public init() {}

    /// Runs both phases in fresh environments under `directory`.
    public func run(directory: String, catalog: PluginCatalog, progress: (String) -> Void) throws -> Report {
        func fill(_ environment: TandemEnvironment) throws {
            let erp = try SideDatabase(role: .erp, path: environment.path("erp.sqlite"))
            try erp.queue.write { db in
                try db.execute(
                    sql: """
                        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                        INSERT INTO Notes (NOTEID, TEXT) SELECT i, 'note number ' || i FROM n
                        """,
                    arguments: [rows])
            }
        }
        progress("raw copy: \(rows) rows, ATTACH + INSERT … SELECT into a CRM side without capture")
        let raw = try TandemEnvironment.create(at: directory + "/raw", maps: ["sample.notes"], catalog: catalog)
        try fill(raw)
        let rawCRM = try SideDatabase(role: .crm, path: raw.path("crm.sqlite"))
        try rawCRM.queue.writeWithoutTransaction { db in try CaptureSchema.remove(db) }
        let rawStart = ContinuousClock.now
        try rawCRM.queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [raw.path("erp.sqlite")])
            try db.inTransaction {
                try db.execute(sql: "INSERT INTO annotation (annotationid, notetext) SELECT NOTEID, TEXT FROM source.Notes")
                return .commit
            }
            try db.execute(sql: "DETACH DATABASE source")
        }
        let rawRate = Double(rows) / (ContinuousClock.now - rawStart).timeInterval
        let rawPeak = Self.peakMiB()

        func initialSync(_ label: String, bulk: Bool) throws -> (rate: Double, path: String) {
            let size = chunk ?? (bulk ? SyncEngine.initialSyncBulkChunk : SyncEngine.initialSyncChunk)
            progress("initial sync (\(label)): \(rows) rows, chunks of \(size)")
            let bench = try BenchEngine(at: directory + "/" + label, catalog: catalog, running: false)
            try fill(bench.environment)
            var path = ""
            let start = ContinuousClock.now
            let result = try bench.engine.initialSync(map: "sample.notes", chunk: size, bulk: bulk) { if $0.phase == "master" { path = $0.path } }
            let rate = Double(rows) / (ContinuousClock.now - start).timeInterval
            let (copied, echoes) = try bench.side(.crm).queue.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM annotation") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM _tandem_changes") ?? 0)
            }
            guard copied == rows, result.errors == 0, echoes == 0 else {
                throw SyncError(
                    .database, "initial sync left \(copied) of \(rows) rows on the CRM side, \(result.errors) errors and \(echoes) change-log rows")
            }
            return (rate, path)
        }
        let initial = try initialSync("initial", bulk: true)
        let initialPeak = Self.peakMiB()
        // Last: the peak is this process's maximum so far, so the row path's can only be read after the others.
        let row = rowPath ? try initialSync("row", bulk: false) : nil
        return Report(
            rows: rows, rawRate: rawRate, initialRate: initial.rate, initialPath: initial.path, rowRate: row?.rate, rawPeakMiB: rawPeak,
            initialPeakMiB: initialPeak, rowPeakMiB: row == nil ? nil : Self.peakMiB())
    }

    /// Peak resident set size of this process, MiB.
    static func peakMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
