import Foundation
import TandemEngine
import GRDB
package import TandemPluginHost

/// The write-through benchmark behind `tandem bench write`: the same rows
/// written (a) directly, one transaction on the ERP side then one on the CRM
/// side, by the benchmark itself, and (b) through ``SyncEngine/write(_:)``,
/// which writes both sides and maps the rows; map `sample.notes`.
package struct WriteBenchmark {
    /// Results, for the CLI to print.
    package struct Report: Codable, Sendable {
        /// Writes per variant, and rows per write.
        package var writes: Int
        package var rowsPerWrite: Int
        /// Milliseconds per write, direct on both sides: mean, p50, p99.
        package var directMean: Double
        package var directP50: Double
        package var directP99: Double
        /// Milliseconds per write through Tandem: mean, p50, p99.
        package var throughMean: Double
        package var throughP50: Double
        package var throughP99: Double
    }

    /// Writes per variant.
    package var writes = 2000
    /// Rows per write.
    package var rowsPerWrite = 1
    /// The sides: SQLite files unless `--erp`/`--crm` name PostgreSQL databases.
    package var sides = BenchSides()

    /// Creates a benchmark with the default sizes.
    package init() {}

    /// Runs both variants in fresh environments under `directory`.
    package func run(directory: String, catalog: PluginCatalog, progress: (String) -> Void) throws -> Report {
        progress("direct: \(writes) writes of \(rowsPerWrite) row(s), ERP then CRM, each side its own transaction")
        let plain = try TandemEnvironment.create(
            at: directory + "/direct", maps: ["sample.notes"], catalog: catalog, sides: try sides.configs(for: "direct"))
        var direct: [Double] = []
        if sides.allSQLite {
            let erp = try SideDatabase(role: .erp, path: plain.path("erp.sqlite"))
            let crm = try SideDatabase(role: .crm, path: plain.path("crm.sqlite"))
            for index in 0..<writes {
                let ids = (index * rowsPerWrite)..<((index + 1) * rowsPerWrite)
                let start = ContinuousClock.now
                try erp.queue.write { db in
                    let statement = try db.cachedStatement(sql: "INSERT INTO Notes (NOTEID, TEXT) VALUES (?, ?)")
                    for id in ids { try statement.execute(arguments: [id, "note \(id)"]) }
                }
                try crm.queue.write { db in
                    let statement = try db.cachedStatement(sql: "INSERT INTO annotation (annotationid, notetext) VALUES (?, ?)")
                    for id in ids { try statement.execute(arguments: [id, "note \(id)"]) }
                }
                direct.append((ContinuousClock.now - start).timeInterval * 1000)
            }
        } else {
            // A PostgreSQL side: each side written by a lean writer of its own, one commit each.
            let erp = try BenchWriter(plain, .erp)
            let crm = try BenchWriter(plain, .crm)
            for index in 0..<writes {
                let ids = (index * rowsPerWrite)..<((index + 1) * rowsPerWrite)
                let start = ContinuousClock.now
                try erp.insert(ids: ids, seq: false)
                try crm.insert(into: "annotation", columns: ("annotationid", "notetext"), ids: ids, seq: false)
                direct.append((ContinuousClock.now - start).timeInterval * 1000)
            }
        }

        progress("through Tandem: \(writes) writes of \(rowsPerWrite) row(s) with SyncEngine.write")
        let bench = try BenchEngine(at: directory + "/through", catalog: catalog, sides: sides)
        let engine = bench.engine
        var through: [Double] = []
        for index in 0..<writes {
            let rows = ((index * rowsPerWrite)..<((index + 1) * rowsPerWrite)).map { id -> [String: SideValue] in
                ["NOTEID": .integer(Int64(id)), "TEXT": .text("note \(id)")]
            }
            let start = ContinuousClock.now
            _ = try engine.write(WriteRequest(side: .erp, table: "Notes", rows: rows))
            through.append((ContinuousClock.now - start).timeInterval * 1000)
        }
        // Check, not assume: both sides hold every row.
        let counted = try bench.writer(.crm).count("annotation")
        guard counted == writes * rowsPerWrite else {
            throw SyncError(.database, "the CRM side has \(counted) rows after the write-through phase, not \(writes * rowsPerWrite)")
        }
        func stats(_ values: [Double]) -> (mean: Double, p50: Double, p99: Double) {
            let sorted = values.sorted()
            return (
                values.reduce(0, +) / Double(max(values.count, 1)), sorted[sorted.count / 2],
                sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
            )
        }
        let a = stats(direct)
        let b = stats(through)
        return Report(
            writes: writes, rowsPerWrite: rowsPerWrite, directMean: a.mean, directP50: a.p50, directP99: a.p99, throughMean: b.mean,
            throughP50: b.p50, throughP99: b.p99)
    }
}
