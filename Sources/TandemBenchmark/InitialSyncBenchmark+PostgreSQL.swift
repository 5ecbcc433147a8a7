import Foundation
import TandemEngine
import TandemPluginHost
import TandemPostgreSQL

/// `tandem bench initial --erp URL --crm URL`: the same measurement between
/// two PostgreSQL sides. The physical limit is a raw pipe between the two
/// schemas, `psql -c "COPY (SELECT …) TO STDOUT" | psql -c "COPY … FROM
/// STDIN"`, into a CRM table without Tandem's triggers; initial sync then
/// copies the same rows into an empty, captured CRM table on the bulk path
/// (COPY per chunk). The row path is not measured here: one statement per
/// row over the network takes far longer at these sizes and says nothing the
/// SQLite figures do not.
extension InitialSyncBenchmark {
    /// Runs both measurements between the PostgreSQL sides `sides` names (notes only).
    func runPostgreSQL(directory: String, catalog: PluginCatalog, progress: (String) -> Void) throws -> Report {
        guard let erpURL = sides.erp, let crmURL = sides.crm else {
            throw SyncError(
                .configuration,
                "bench initial compares with a COPY pipe between two PostgreSQL databases: give both --erp URL and --crm URL")
        }
        guard table == .notes else {
            throw SyncError(.configuration, "bench initial on PostgreSQL measures --table notes only")
        }
        let psql = try CopyPipe.psql()
        func fill(_ bench: BenchEngine) throws {
            let schema = try Self.schema(bench.environment, .erp)
            let notes = PostgreSQLSQL.qualified(schema, "Notes")
            // Capture off while filling: the rows were there before Tandem, as an application's history is.
            try sides.execute(url: erpURL, [
                "ALTER TABLE \(notes) DISABLE TRIGGER USER",
                "INSERT INTO \(notes) SELECT i, 'note number ' || i FROM generate_series(1, \(rows)) i",
                "ALTER TABLE \(notes) ENABLE TRIGGER USER",
                "ANALYZE \(notes)",
            ])
        }

        progress("raw copy: \(rows) rows, psql COPY TO STDOUT | psql COPY FROM STDIN into a CRM table without capture")
        let raw = try BenchEngine(at: directory + "/raw", maps: ["sample.notes"], catalog: catalog, running: false, sides: sides)
        try fill(raw)
        let rawSource = PostgreSQLSQL.qualified(try Self.schema(raw.environment, .erp), "Notes")
        let rawTarget = PostgreSQLSQL.qualified(try Self.schema(raw.environment, .crm), "annotation")
        try sides.execute(url: crmURL, ["ALTER TABLE \(rawTarget) DISABLE TRIGGER USER"])
        let rawStart = ContinuousClock.now
        try CopyPipe(
            psql: psql, passwordFile: sides.passwordFile,
            from: (erpURL, #"COPY (SELECT "NOTEID", "TEXT" FROM \#(rawSource)) TO STDOUT"#),
            to: (crmURL, "COPY \(rawTarget) (annotationid, notetext) FROM STDIN")
        ).run()
        let rawRate = Double(rows) / (ContinuousClock.now - rawStart).timeInterval
        try Self.expectRows(sides, url: crmURL, table: rawTarget, rows)
        let rawPeak = Self.peakMiB()

        let size = chunk ?? SyncEngine.initialSyncBulkChunk
        progress("initial sync: \(rows) rows, chunks of \(size), into a captured CRM table")
        let bench = try BenchEngine(at: directory + "/initial", maps: ["sample.notes"], catalog: catalog, running: false, sides: sides)
        try fill(bench)
        var path = ""
        let start = ContinuousClock.now
        let result = try bench.engine.initialSync(map: "sample.notes", chunk: size) { if $0.phase == "master" { path = $0.path } }
        let rate = Double(rows) / (ContinuousClock.now - start).timeInterval
        guard result.errors == 0 else {
            throw SyncError(.database, "initial sync parked \(result.errors) rows")
        }
        try Self.expectRows(
            sides, url: crmURL, table: PostgreSQLSQL.qualified(try Self.schema(bench.environment, .crm), "annotation"), rows)
        return Report(
            rows: rows, rawRate: rawRate, initialRate: rate, initialPath: path, rowRate: nil, rawPeakMiB: rawPeak,
            initialPeakMiB: Self.peakMiB(), rowPeakMiB: nil)
    }

    /// The schema of `role`'s side in `environment`.
    private static func schema(_ environment: TandemEnvironment, _ role: SideRole) throws -> String {
        guard case .postgresql(let config) = try environment.location(role) else {
            throw SyncError(.configuration, "the \(role) side is not on PostgreSQL")
        }
        return config.schema
    }

    /// Fails unless `table` holds `rows` rows: a measurement of a copy that lost rows says nothing.
    private static func expectRows(_ sides: BenchSides, url: String, table: String, _ rows: Int) throws {
        let config = try PostgreSQLSideConfig(url: url, passwordFile: sides.passwordFile)
        let count = try BlockingAwait.run {
            let rows = try await PostgreSQLEndpoint.withOneOffSession(config: config, readerName: "tandem-bench") { session in
                try? await session.query("SELECT count(*)::text FROM \(table)")
            }
            let text: String? = rows?.first?.first ?? nil
            return text.flatMap { Int($0) } ?? -1
        }
        guard count == rows else {
            throw SyncError(.database, "\(table) holds \(count) rows after the copy, not \(rows)")
        }
    }
}
