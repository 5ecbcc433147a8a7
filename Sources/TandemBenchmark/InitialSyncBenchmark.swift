import Foundation
import TandemEngine
import GRDB
package import TandemPluginHost

/// The initial-sync benchmark behind `tandem bench initial`: `rows` rows in
/// the ERP side's `Notes` (map `sample.notes`) or `CustCustomerV3Entity`
/// (the standard map `customers-accounts`), brought to an empty CRM side
/// by initial sync, against a raw SQLite bulk copy of the same rows in the
/// same run (`ATTACH` + `INSERT … SELECT` into a CRM side without Tandem's
/// triggers): the physical limit. Initial sync runs twice, in fresh
/// environments: on the bulk path the map takes, and forced down the row
/// path (what maps with plugin transforms take).
package struct InitialSyncBenchmark {
    /// Results, for the CLI to print.
    package struct Report: Codable, Sendable {
        /// Rows copied.
        package var rows: Int
        /// Raw copy, rows/s.
        package var rawRate: Double
        /// Initial sync, rows/s.
        package var initialRate: Double
        /// The path initial sync took.
        package var initialPath: String
        /// Initial sync forced down the row path, rows/s (nil: not measured).
        package var rowRate: Double?
        /// Peak resident memory of this process after the raw copy, MiB.
        package var rawPeakMiB: Double
        /// Peak resident memory after initial sync on its own path, MiB.
        package var initialPeakMiB: Double
        /// Peak resident memory after the row path (nil: not measured), MiB.
        package var rowPeakMiB: Double?
    }

    /// What is copied.
    package enum Table: String, Sendable, CaseIterable {
        /// `sample.notes`: an id and a text.
        case notes
        /// The standard `customers-accounts` map: customers with a company, group, currency, party type
        /// filter, two value maps and money through currency precision (their parents exist on both sides).
        case customers
    }

    /// What is copied.
    package var table = Table.notes
    /// Rows to copy.
    package var rows = 1_000_000
    /// Whether to measure the row path too.
    package var rowPath = true
    /// Rows per chunk (nil: each path's default).
    package var chunk: Int?
    /// The sides: SQLite files unless `--erp` and `--crm` name PostgreSQL databases
    /// (see ``runPostgreSQL(directory:catalog:progress:)``).
    package var sides = BenchSides()

    /// Creates a benchmark with the default size.
    package init() {}

    /// The maps an environment needs for `table`, the one measured last.
    private var maps: [String] {
        switch table {
        case .notes: ["sample.notes"]
        case .customers: ["companies", "currencies", "payment-terms", "customer-groups", "parties", "customers-accounts"]
        }
    }

    /// Writes the rows to the ERP side (and, for customers, the parents they name to both sides).
    private func fill(_ environment: TandemEnvironment) throws {
        let erp = try SideDatabase(role: .erp, path: environment.path("erp.sqlite"))
        switch table {
        case .notes:
            try erp.queue.write { db in
                try db.execute(
                    sql: """
                        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                        INSERT INTO Notes (NOTEID, TEXT) SELECT i, 'note number ' || i FROM n
                        """,
                    arguments: [rows])
            }
        case .customers:
            try erp.queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO OMLegalEntity (LEGALENTITYID, NAME) VALUES ('usmf', 'Contoso USA');
                        INSERT INTO CurrencyEntity (CURRENCYCODE, NAME, SYMBOL, DECIMALPLACES) VALUES ('USD', 'US Dollar', '$', 2);
                        INSERT INTO PaymentTermEntity (DATAAREAID, NAME, DESCRIPTION) VALUES ('usmf', 'Net30', 'Net 30 days');
                        INSERT INTO CustCustomerGroupEntity (DATAAREAID, CUSTOMERGROUPID, DESCRIPTION) VALUES ('usmf', '10', 'Wholesale'), ('usmf', '20', 'Retail');
                        """)
                try db.execute(
                    sql: """
                        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                        INSERT INTO CustCustomerV3Entity (DATAAREAID, CUSTOMERACCOUNT, PARTYTYPE, ORGANIZATIONNAME, CUSTOMERGROUPID,
                            SALESCURRENCYCODE, PAYMENTTERMS, CREDITLIMIT, CREDITLIMITISMANDATORY, ONHOLDSTATUS, SALESMEMO)
                        SELECT 'usmf', printf('C%08d', i), 'Organization', 'Customer ' || i || ' Müller & Søn', CASE i % 2 WHEN 0 THEN '10' ELSE '20' END,
                            'USD', 'Net30', printf('%d.%02d', i % 1000000, i % 100), CASE i % 3 WHEN 0 THEN 'Yes' ELSE 'No' END,
                            CASE i % 50 WHEN 0 THEN 'Invoice' ELSE 'No' END, 'customer since ' || (2000 + i % 25)
                        FROM n
                        """,
                    arguments: [rows])
            }
        }
    }

    /// The raw copy of the same rows: the same columns, values as they are, one statement.
    private var rawCopySQL: String {
        switch table {
        case .notes: "INSERT INTO annotation (annotationid, notetext) SELECT NOTEID, TEXT FROM source.Notes"
        case .customers:
            // Every column the map writes (26), each from its source column as it is stored: the
            // same rows at the same width, without lookups, transforms or the filter.
            """
            INSERT INTO account (accountnumber, msdyn_company, msdyn_partyid, msdyn_customergroupid, transactioncurrencyid, msdyn_paymentterm,
                msdyn_paymentday, msdyn_paymentschedule, msdyn_customerpaymentmethod, msdyn_salestaxgroup, msdyn_primarycontact,
                msdyn_identificationnumber, msdyn_partycountry, msdyn_partystateprovince, description, customertypecode, name, creditlimit,
                msdyn_creditlimitismandatory, msdyn_creditrating, msdyn_billingaccount, msdyn_onetimecustomer, msdyn_onholdstatus,
                msdyn_paymenttermsbasedays, msdyn_taxexemptnumber, msdyn_vendor)
            SELECT CUSTOMERACCOUNT, DATAAREAID, PARTYNUMBER, CUSTOMERGROUPID, SALESCURRENCYCODE, PAYMENTTERMS, PAYMENTDAY, PAYMENTSCHEDULE,
                PAYMENTMETHOD, SALESTAXGROUP, CONTACTPERSONID, IDENTIFICATIONNUMBER, PARTYCOUNTRY, PARTYSTATE, SALESMEMO, 3, ORGANIZATIONNAME,
                CREDITLIMIT, CREDITLIMITISMANDATORY, CREDITRATING, INVOICEACCOUNT, ISONETIMECUSTOMER, ONHOLDSTATUS, PAYMENTTERMSBASEDAYS,
                TAXEXEMPTNUMBER, VENDORACCOUNT
            FROM source.CustCustomerV3Entity
            """
        }
    }

    /// Runs both phases in fresh environments under `directory`.
    package func run(directory: String, catalog: PluginCatalog, progress: (String) -> Void) throws -> Report {
        if !sides.allSQLite { return try runPostgreSQL(directory: directory, catalog: catalog, progress: progress) }
        let measured = maps.last!
        let targetTable = table == .notes ? "annotation" : "account"
        progress("raw copy: \(rows) rows, ATTACH + INSERT … SELECT into a CRM side without capture")
        let raw = try TandemEnvironment.create(at: directory + "/raw", maps: maps, catalog: catalog)
        try fill(raw)
        let rawCRM = try SideDatabase(role: .crm, path: raw.path("crm.sqlite"))
        try rawCRM.queue.writeWithoutTransaction { db in try CaptureSchema.remove(db) }
        let rawStart = ContinuousClock.now
        try rawCRM.queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [raw.path("erp.sqlite")])
            try db.inTransaction {
                try db.execute(sql: rawCopySQL)
                return .commit
            }
            try db.execute(sql: "DETACH DATABASE source")
        }
        let rawRate = Double(rows) / (ContinuousClock.now - rawStart).timeInterval
        let rawPeak = Self.peakMiB()

        func initialSync(_ label: String, bulk: Bool) throws -> (rate: Double, path: String) {
            let size = chunk ?? (bulk ? SyncEngine.initialSyncBulkChunk : SyncEngine.initialSyncChunk)
            progress("initial sync (\(label)): \(rows) rows, chunks of \(size)")
            let bench = try BenchEngine(at: directory + "/" + label, maps: maps, catalog: catalog, running: false)
            try fill(bench.environment)
            // Parents first (a handful of rows), outside the measurement.
            for parent in maps.dropLast() { _ = try bench.engine.initialSync(map: parent) { _ in } }
            var path = ""
            let start = ContinuousClock.now
            let result = try bench.engine.initialSync(map: measured, chunk: size, bulk: bulk) { if $0.phase == "master" { path = $0.path } }
            let rate = Double(rows) / (ContinuousClock.now - start).timeInterval
            let (copied, echoes) = try bench.side(.crm).queue.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(targetTable)") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM _tandem_changes") ?? 0)
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
