import Foundation
import GRDB
public import TandemPluginHost

/// The initial-sync benchmark behind `tandem bench initial`: `rows` rows in
/// the ERP side's `Notes` (map `sample.notes`), brought to an empty CRM side
/// by initial sync, against a raw SQLite bulk copy of the same rows in the
/// same run (`ATTACH` + `INSERT … SELECT` into a CRM side without Tandem's
/// triggers): the physical limit.
public struct InitialSyncBenchmark {
    /// Results, for the CLI to print.
    public struct Report: Codable, Sendable {
        /// Rows copied.
        public var rows: Int
        /// Raw copy, rows/s.
        public var rawRate: Double
        /// Initial sync, rows/s.
        public var initialRate: Double
        /// Peak resident memory of this process after each phase, MiB.
        public var rawPeakMiB: Double
        public var initialPeakMiB: Double
    }

    /// Rows to copy.
    public var rows = 1_000_000

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

        progress("initial sync: \(rows) rows, chunks of \(SyncEngine.initialSyncChunk)")
        let bench = try BenchEngine(at: directory + "/initial", catalog: catalog, running: false)
        try fill(bench.environment)
        let engine = bench.engine
        let start = ContinuousClock.now
        let result = try engine.initialSync(map: "sample.notes") { _ in }
        let initialRate = Double(rows) / (ContinuousClock.now - start).timeInterval
        let copied = try bench.side(.crm).queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM annotation") ?? 0
        }
        guard copied == rows, result.errors == 0 else {
            throw SyncError(.database, "initial sync left \(copied) of \(rows) rows on the CRM side and \(result.errors) errors")
        }
        return Report(rows: rows, rawRate: rawRate, initialRate: initialRate, rawPeakMiB: rawPeak, initialPeakMiB: Self.peakMiB())
    }

    /// Peak resident set size of this process, MiB.
    static func peakMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
