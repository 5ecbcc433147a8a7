import Foundation
import TandemTestSupport
import Testing

/// `tandem maps initial-sync` as a real process: existing rows brought into
/// step from the master side, killed halfway and resumed.
@Suite("Initial sync", .serialized)
struct InitialSyncTests {
    @Test("100,000 rows from the ERP side, SIGKILL halfway: the rerun resumes after the last finished chunk; both sides end equal row for row, the differing row is a recorded conflict, the CRM-only row reaches the ERP, and live sync takes over")
    func killedHalfway() async throws {
        let fixture = try SyncFixture.make("initial", maps: ["sample.notes"])
        try fixture.insertNotes(100_000)
        try SideReader.execute(fixture.crm, "INSERT INTO annotation VALUES (5, 'the CRM had its own text'), (7, 'note 7'), (200000, 'only on the CRM side')")

        let killed = try fixture.initialSyncKilledAt30000()
        #expect(killed.status == SIGKILL, "\(killed)")
        let doneAtKill = try SideReader.scalar(fixture.crm, "SELECT done FROM _tandem_initial")
        #expect(doneAtKill == 30_000, "killed at \(doneAtKill) rows")
        // Exactly the finished chunks are there: progress and rows commit together.
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation WHERE annotationid <= 100000") == max(doneAtKill, 2))

        let rerun = try await fixture.tandem(["maps", "initial-sync", "sample.notes", "--chunk", "2000"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("(resumed)"), "\(rerun.stderr)")
        #expect(rerun.stderr.contains("sample.notes [master]: bulk path"), "\(rerun.stderr)")
        // The CRM side had rows at the start: the rows only it has are looked for, in bulk too.
        #expect(rerun.stderr.contains("sample.notes [other]: bulk path"), "\(rerun.stderr)")
        // Initial sync's writes leave no echoes in either change log: only the rows written above are there.
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_changes") == 3)
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes") == 100_000)
        #expect(rerun.stdout.contains("sample.notes: in step from the erp side; 1 row(s) differed (the erp version kept), 0 in the error list"), "\(rerun.stdout)")

        let erp = try SideReader.rows(fixture.erp, "SELECT quote(NOTEID) || ',' || quote(TEXT) FROM Notes ORDER BY NOTEID")
        let crm = try SideReader.rows(fixture.crm, "SELECT quote(annotationid) || ',' || quote(notetext) FROM annotation ORDER BY annotationid")
        #expect(erp.count == 100_001)
        #expect(erp == crm, "\(SideReader.differences(erp, crm))")
        #expect(erp.last == "200000,'only on the CRM side'")
        let conflicts = try SideReader.rows(fixture.crm, "SELECT key || ' ' || policy || ' ' || winner FROM _tandem_conflicts")
        #expect(conflicts == ["5 initial-sync erp"])
        // Both versions are kept in the record.
        let shown = try await fixture.tandem(["conflicts", "list", "--json"])
        #expect(shown.stdout.contains(#""notetext" : "'the CRM had its own text'""#), "\(shown.stdout)")
        #expect(shown.stdout.contains(#""TEXT" : "'note 5'""#), "\(shown.stdout)")
        #expect(try await fixture.tandem(["maps", "list"]).stdout.contains("sample.notes  running"))

        // Live sync takes over from where initial sync started.
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (100001, 'after initial sync')")
        try await waitUntil { try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 100001") == ["after initial sync"] }
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 100_002)
    }

    @Test("Plain maps and maps with bundled value maps take the bulk path, a map with a transform SQL cannot run the row path; all arrive exactly; a row whose parent is missing or whose value is not in the map is parked, and retrying reruns only it")
    func pathsPerMap() throws {
        let fixture = try SyncFixture.make(
            "initial-paths", maps: ["sample.groups", "sample.customers", "sample.contacts", "sample.unit-conversions", "sample.items"])
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale'), ('usmf', '20', 'Retail');
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
            INSERT INTO CustTable SELECT 'usmf', printf('C%05d', i), 'Customer ' || i, CASE i % 2 WHEN 0 THEN '10' ELSE '20' END,
                printf('%d.1234567891', i), CASE i % 3 WHEN 0 THEN 'No' WHEN 1 THEN 'Invoice' ELSE 'All' END, NULL, NULL FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
            INSERT INTO ContactPerson SELECT 'usmf', printf('P%05d', i), 'Person ' || i, printf('C%05d', i) FROM n;
            UPDATE ContactPerson SET CUSTACCOUNT = 'C-MISSING' WHERE CONTACTPERSONID = 'P01234';
            UPDATE CustTable SET ONHOLD = 'Sometimes' WHERE ACCOUNTNUM = 'C02999';
            INSERT INTO UnitConversion VALUES ('kg', 'g', '1000', 'Nearest');
            INSERT INTO Item VALUES ('usmf', 'I1', 'Flour', '2.5', 'kg', 'g');
            """)
        let run = try fixture.tandem(
            ["maps", "initial-sync", "sample.groups", "sample.customers", "sample.contacts", "sample.unit-conversions", "sample.items", "--chunk", "500"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("sample.groups [master]: bulk path\n"), "\(run.stderr)")
        // The bundled value map runs as SQL; the row whose value is not in the map goes row by row and fails alone.
        #expect(run.stderr.contains("sample.customers [master]: bulk path\n"), "\(run.stderr)")
        #expect(run.stdout.contains("sample.customers: in step from the erp side; 0 row(s) differed (the erp version kept), 1 in the error list"), "\(run.stdout)")
        #expect(
            run.stderr.contains(
                "sample.items [master]: row path (msdyn_onhandinsalesunit come(s) from plugin transform tandem.std.unit-conversion, which SQL cannot run)"),
            "\(run.stderr)")
        #expect(try SideReader.rows(fixture.crm, "SELECT msdyn_itemid || '|' || msdyn_onhandinsalesunit FROM msdyn_item") == ["I1|2500.0000"])
        #expect(run.stderr.contains("sample.contacts [master]: bulk path\n"), "\(run.stderr)")
        #expect(
            run.stderr.contains("sample.contacts [other]: skipped (the crm side had no rows when initial sync started; rows added since travel by live sync)"),
            "\(run.stderr)")
        #expect(run.stdout.contains("sample.contacts: in step from the erp side; 0 row(s) differed (the erp version kept), 1 in the error list"), "\(run.stdout)")

        // Values exactly as the live path maps them: the value map, the decimals kept as text, the default.
        let accounts = try SideReader.rows(
            fixture.crm, "SELECT accountnumber || '|' || msdyn_onholdstatus || '|' || creditlimit || '|' || msdyn_source FROM account ORDER BY accountnumber")
        #expect(accounts.count == 2999)
        let refused = try fixture.tandem(["errors", "list", "--map", "sample.customers", "--json"])
        #expect(refused.stdout.contains("value 'Sometimes' is not in the map (known: All, Invoice, No)"), "\(refused.stdout)")
        #expect(accounts.first == "C00001|806380001|1.1234567891|ERP")
        #expect(accounts[2] == "C00003|806380000|3.1234567891|ERP")
        let contacts = try SideReader.rows(
            fixture.crm, "SELECT msdyn_contactpersonid || '|' || fullname || '|' || msdyn_accountnumber || '|' || msdyn_source FROM contact ORDER BY 1")
        #expect(contacts.count == 1999)
        #expect(contacts.first == "P00001|Person 1|C00001|ERP")
        #expect(!contacts.contains { $0.hasPrefix("P01234|") })
        #expect(try SideReader.rows(fixture.crm, "SELECT key || ' ' || kind FROM _tandem_parked WHERE map = 'sample.contacts'") == ["'usmf','P01234' parent"])
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_changes") == 0)

        // The parent arrives; retrying reruns the one parked row, nothing else.
        try SideReader.execute(fixture.crm, "INSERT INTO account (msdyn_company, accountnumber, name) VALUES ('usmf', 'C-MISSING', 'Late')")
        let retry = try fixture.tandem(["errors", "retry", "--all", "--map", "sample.contacts"])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM contact") == 2000)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked WHERE map = 'sample.contacts'") == 0)
        // One echo for the retried row; the account insert is the application's.
        #expect(try SideReader.rows(fixture.crm, "SELECT tbl || ' ' || op || ' ' || (origin IS NULL) FROM _tandem_changes ORDER BY seq") == ["account I 1", "contact I 0"])
    }

    @Test("Rows on both sides: differing rows keep the master's version and are recorded with both versions, equal rows are left alone, rows only the other side has reach the master")
    func overlapping() throws {
        let fixture = try SyncFixture.make("initial-overlap", maps: ["sample.notes"])
        try fixture.insertNotes(10_000)
        try SideReader.execute(
            fixture.crm,
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
            INSERT INTO annotation SELECT i, CASE WHEN i % 1000 = 0 THEN 'crm text ' || i ELSE 'note ' || i END FROM n;
            INSERT INTO annotation VALUES (20001, 'crm only 1'), (20002, 'crm only 2');
            """)
        let run = try fixture.tandem(["maps", "initial-sync", "sample.notes", "--chunk", "1000"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("sample.notes: in step from the erp side; 10 row(s) differed (the erp version kept), 0 in the error list"), "\(run.stdout)")
        let conflicts = try SideReader.rows(
            fixture.crm, "SELECT key || '|' || policy || '|' || winner || '|' || source_row || '|' || target_row FROM _tandem_conflicts ORDER BY id")
        #expect(conflicts.count == 10)
        #expect(conflicts.first == "1000|initial-sync|erp|1000,'note 1000'|1000,'crm text 1000'")
        let erp = try SideReader.rows(fixture.erp, SideReader.erpNotes)
        let crm = try SideReader.rows(fixture.crm, SideReader.crmNotes)
        #expect(erp.count == 10002)
        #expect(erp == crm, "\(SideReader.differences(erp, crm))")
        #expect(erp.last == "20002|'crm only 2'")
        // No echoes: the change logs hold just the rows written above.
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_changes") == 10_002)
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes") == 10_000)
    }

    @Test("The standard customer map gives the same rows and the same errors on the bulk path (value maps and money as SQL) as on the row path (the plugin), edge values included")
    func bundledTransformsOnBothPaths() throws {
        let results = try Self.customersOnBothPaths(
            "initial-std-paths",
            seed: """
                    INSERT INTO CustCustomerV3Entity (DATAAREAID, CUSTOMERACCOUNT, PARTYTYPE, ORGANIZATIONNAME, CREDITLIMIT, CREDITLIMITISMANDATORY, ONHOLDSTATUS) VALUES
                        ('usmf', 'E01', 'Organization', 'plain', '1.5', 'Yes', 'Invoice'),
                        ('usmf', 'E02', 'Organization', 'negative tiny', '-0.0001', 'No', 'No'),
                        ('usmf', 'E03', 'Organization', 'plus sign and zeros', '+007.10', NULL, NULL),
                        ('usmf', 'E04', 'Organization', 'ten places', '12345678901234567890123456.1234567890', 'No', 'Never'),
                        ('usmf', 'E05', 'Organization', 'eleven places', '1.12345678901', 'No', 'No'),
                        ('usmf', 'E06', 'Organization', 'exponent', '1e5', 'No', 'No'),
                        ('usmf', 'E07', 'Organization', 'not in the map', '5', 'Maybe', 'No'),
                        ('usmf', 'E08', 'Organization', 'lower case', '5', 'yes', 'no'),
                        ('usmf', 'E09', 'Organization', 'integer stored', 42, 'No', 'All'),
                        ('usmf', 'E10', 'Organization', 'empty text', '', 'No', 'No'),
                        ('usmf', 'E11', 'Organization', 'point only', '7.', 'No', 'Payment'),
                        ('usmf', 'E12', 'Organization', 'negative zero', '-0.00', 'No', 'No'),
                        ('usmf', 'E13', 'Organization', 'point first', '.5', 'No', 'No'),
                        ('usmf', 'E14', 'Organization', 'leading zeros', '0000.10', 'No', 'No'),
                        ('usmf', 'E15', 'Organization', 'zeros past ten places', '-3.100000000000000', 'No', 'No'),
                        ('usmf', 'E16', 'Organization', '38 digits', '1234567890123456789012345678.1234567890', 'No', 'No'),
                        ('usmf', 'E17', 'Organization', '39 digits', '12345678901234567890123456789.1234567890', 'No', 'No'),
                        ('usmf', 'E18', 'Organization', 'two points', '1.2.3', 'No', 'No'),
                        ('usmf', 'E19', 'Organization', 'space', ' 12', 'No', 'No'),
                        ('usmf', 'E20', 'Organization', 'sign only', '-', 'No', 'No'),
                        ('usmf', 'E21', 'Organization', 'zero', '0', 'No', 'No');
                """,
            accounts: "SELECT accountnumber || '|' || quote(creditlimit) || '|' || quote(msdyn_creditlimitismandatory) || '|' || quote(msdyn_onholdstatus) FROM account ORDER BY 1")
        #expect(results[0].accounts == results[1].accounts, "\(SideReader.differences(results[0].accounts, results[1].accounts))")
        #expect(results[0].errors == results[1].errors, "\(SideReader.differences(results[0].errors, results[1].errors))")
        #expect(results[0].accounts.contains("E03|'7.1000000000'|NULL|NULL"))
        #expect(results[0].accounts.contains("E04|'12345678901234567890123456.1234567890'|0|806380005"))
        #expect(results[0].accounts.contains("E09|'42.0000000000'|0|806380002"))
        #expect(results[0].accounts.contains("E12|'0.0000000000'|0|806380000"))
        #expect(results[0].accounts.contains("E15|'-3.1000000000'|0|806380000"))
        // Refused by the plugin on both paths, each alone: 11 places, an exponent, a value not in the map, another case,
        // empty text, more than 38 digits, two points, a space, a sign alone.
        #expect(
            results[0].errors.map { String($0.prefix(12)) } == [
                "'usmf','E05'", "'usmf','E06'", "'usmf','E07'", "'usmf','E08'", "'usmf','E10'", "'usmf','E17'", "'usmf','E18'", "'usmf','E19'",
                "'usmf','E20'",
            ])
    }

    @Test("Lookups on the bulk path's strict copy (each parent probed once per value and company, a chunk with a missing parent copied again the checked way, references into the map's own table in a statement of their own) give the same rows and errors as the row path, chunk after chunk")
    func strictCopyOnBothPaths() throws {
        let results = try Self.customersOnBothPaths(
            "initial-strict", chunk: 3,
            seed: """
                    INSERT INTO CustCustomerV3Entity (DATAAREAID, CUSTOMERACCOUNT, PARTYTYPE, ORGANIZATIONNAME, CUSTOMERGROUPID, SALESCURRENCYCODE, PAYMENTTERMS, INVOICEACCOUNT) VALUES
                        ('usmf', 'A01', 'Organization', 'plain', '10', 'USD', 'Net30', NULL),
                        ('usmf', 'A02', 'Organization', 'plain', '10', 'USD', 'Net10', NULL),
                        ('usmf', 'A03', 'Organization', 'billed forward', '10', 'USD', 'Net30', 'A11'),
                        ('usmf', 'A04', 'Organization', 'plain', '10', 'EUR', 'Net30', NULL),
                        ('usmf', 'A05', 'Organization', 'billed back', '10', 'USD', 'Net30', 'A01'),
                        ('usmf', 'A06', 'Organization', 'billed back', '10', 'USD', 'Net10', 'A02'),
                        ('usmf', 'A07', 'Organization', 'billed to itself', '10', 'USD', 'Net30', 'A07'),
                        ('usmf', 'A08', 'Organization', 'currency missing', '10', 'XXX', 'Net30', NULL),
                        ('usmf', 'A09', 'Organization', 'plain', '10', 'USD', 'Net30', NULL),
                        ('usmf', 'A10', 'Organization', 'billed nowhere', '10', 'USD', 'Net30', 'ZZZ'),
                        ('usmf', 'A11', 'Organization', 'plain', '10', 'USD', 'Net30', NULL),
                        ('usmf', 'A12', 'Organization', 'group missing', '99', 'USD', 'Net30', NULL),
                        ('demf', 'D01', 'Organization', 'group 10 is usmf''s', '10', 'EUR', NULL, NULL),
                        ('demf', 'D02', 'Organization', 'plain', NULL, 'EUR', NULL, NULL),
                        ('demf', 'D03', 'Organization', 'terms are usmf''s', NULL, 'EUR', 'Net30', NULL),
                        ('demf', 'D04', 'Organization', 'plain', NULL, 'USD', NULL, NULL);
                """,
            accounts: "SELECT msdyn_company || '|' || accountnumber || '|' || quote(msdyn_customergroupid) || '|' || quote(transactioncurrencyid) || '|' || quote(msdyn_paymentterm) || '|' || quote(msdyn_billingaccount) FROM account ORDER BY 1")
        #expect(results[0].accounts == results[1].accounts, "\(SideReader.differences(results[0].accounts, results[1].accounts))")
        #expect(results[0].errors == results[1].errors, "\(SideReader.differences(results[0].errors, results[1].errors))")
        #expect(results[0].accounts.contains("usmf|A03|'10'|'USD'|'Net30'|'A11'"), "\(results[0].accounts)")
        #expect(results[0].accounts.contains("usmf|A05|'10'|'USD'|'Net30'|'A01'"), "\(results[0].accounts)")
        #expect(results[0].accounts.contains("usmf|A07|'10'|'USD'|'Net30'|'A07'"), "\(results[0].accounts)")
        #expect(results[0].accounts.contains("demf|D02|NULL|'EUR'|NULL|NULL"), "\(results[0].accounts)")
        // Parked, each alone, on both paths: a currency, a group and a billing account that do not exist,
        // and a group and terms that exist only in the other company.
        #expect(
            results[0].errors.map { String($0.prefix(12)) } == ["'demf','D01'", "'demf','D03'", "'usmf','A08'", "'usmf','A10'", "'usmf','A12'"],
            "\(results[0].errors)")
    }

    @Test("A map's filter selects the same rows on the bulk path as on the row path, down to SQL's type rules")
    func filterOnBothPaths() throws {
        var copied: [[String]] = []
        for bulk in [true, false] {
            let fixture = try SyncFixture.make("initial-filter-\(bulk)", maps: ["sample.notes"]) {
                $0.replacingOccurrences(
                    of: "  - name: sample.notes\n",
                    with: "  - name: sample.notes\n    filters_sql:\n      erp_to_crm: \"(NOTEID % 3 = 0 AND TEXT IS NOT 'secret') OR TEXT = 5\"\n")
            }
            try fixture.insertNotes(3_000)
            // Text '5' equals the number 5 only where the column's affinity converts it; the row path sees plain values.
            try SideReader.execute(fixture.erp, "UPDATE Notes SET TEXT = 'secret' WHERE NOTEID = 300; UPDATE Notes SET TEXT = '5' WHERE NOTEID = 301")
            let run = try fixture.tandem(["maps", "initial-sync", "sample.notes", "--chunk", "700"] + (bulk ? [] : ["--no-bulk"]))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("sample.notes [master]: \(bulk ? "bulk" : "row") path"), "\(run.stderr)")
            copied.append(try SideReader.rows(fixture.crm, SideReader.crmNotes))
        }
        #expect(copied[0].count == 999)
        #expect(copied[0] == copied[1], "\(SideReader.differences(copied[0], copied[1]))")
    }

    @Test("The target application's own triggers run for initial sync's rows: a validation trigger refuses one row, which alone is parked, and a bookkeeping trigger sees every other row")
    func applicationTriggers() throws {
        let fixture = try SyncFixture.make("initial-app-triggers", maps: ["sample.notes"])
        try fixture.insertNotes(10_000)
        try SideReader.execute(
            fixture.erp, "UPDATE Notes SET TEXT = 'forbidden ' || NOTEID WHERE NOTEID = 7777")
        try SideReader.execute(
            fixture.crm,
            """
            CREATE TABLE audit (id INTEGER);
            CREATE TRIGGER app_validate BEFORE INSERT ON annotation WHEN NEW.notetext LIKE 'forbidden%'
            BEGIN SELECT RAISE(ABORT, 'no forbidden notes'); END;
            CREATE TRIGGER app_audit AFTER INSERT ON annotation BEGIN INSERT INTO audit VALUES (NEW.annotationid); END;
            """)
        let run = try fixture.tandem(["maps", "initial-sync", "sample.notes"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("sample.notes [master]: bulk path"), "\(run.stderr)")
        #expect(run.stdout.contains("0 row(s) differed (the erp version kept), 1 in the error list"), "\(run.stdout)")
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 9_999)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM audit") == 9_999)
        let parked = try SideReader.rows(fixture.crm, "SELECT key || ' ' || reason FROM _tandem_parked")
        #expect(parked == ["7777 the crm side refused the row: no forbidden notes"], "\(parked)")
        // Still no echoes.
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_changes") == 0)
    }

    @Test("Applications' writes while initial sync runs are captured and carried by live sync afterwards; initial sync's own writes leave no echoes; a target edit the master overwrote is recorded and does not travel back")
    func applicationWritesMeanwhile() async throws {
        let fixture = try SyncFixture.make("initial-meanwhile", maps: ["sample.notes"])
        try fixture.insertNotes(100_000)
        // Stopped (SIGKILL) after 30,000 rows: the applications write while it is unfinished.
        let killed = try fixture.initialSyncKilledAt30000()
        #expect(killed.status == SIGKILL, "\(killed)")
        try SideReader.execute(
            fixture.erp,
            """
            UPDATE Notes SET TEXT = 'erp edit 10' WHERE NOTEID = 10;
            UPDATE Notes SET TEXT = 'erp edit 50000' WHERE NOTEID = 50000;
            DELETE FROM Notes WHERE NOTEID = 20;
            INSERT INTO Notes VALUES (100001, 'erp new');
            """)
        try SideReader.execute(
            fixture.crm,
            """
            UPDATE annotation SET notetext = 'crm edit 11' WHERE annotationid = 11;
            DELETE FROM annotation WHERE annotationid = 12;
            INSERT INTO annotation VALUES (60000, 'crm version of 60000');
            INSERT INTO annotation VALUES (200000, 'crm new');
            """)
        let rerun = try await fixture.tandem(["maps", "initial-sync", "sample.notes", "--chunk", "2000"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("1 row(s) differed"), "\(rerun.stdout)")

        // Only the applications' changes are in the change logs (after the ERP's 100,000 inserts above);
        // the CRM insert the master overwrote is superseded.
        #expect(try SideReader.rows(fixture.erp, "SELECT op || ' ' || key || ' ' || quote(origin) FROM _tandem_changes WHERE seq > 100000 ORDER BY seq")
            == ["U 10 NULL", "U 50000 NULL", "D 20 NULL", "I 100001 NULL"])
        #expect(try SideReader.rows(fixture.crm, "SELECT op || ' ' || key || ' ' || quote(origin) FROM _tandem_changes ORDER BY seq")
            == ["U 11 NULL", "D 12 NULL", "I 60000 'superseded by initial sync from erp'", "I 200000 NULL"])
        #expect(try SideReader.rows(fixture.crm, "SELECT key || ' ' || target_row FROM _tandem_conflicts") == ["60000 60000,'crm version of 60000'"])

        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        let (erp, crm) = try await SideReader.awaitNotesConverged(fixture)
        #expect(erp == crm, "\(SideReader.differences(erp, crm))")
        #expect(erp.count == 100_000)
        let expected = [
            10: "'erp edit 10'", 11: "'crm edit 11'", 50000: "'erp edit 50000'", 60000: "'note 60000'", 100001: "'erp new'", 200000: "'crm new'",
        ]
        for (key, text) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(try SideReader.rows(fixture.erp, "SELECT quote(TEXT) FROM Notes WHERE NOTEID = \(key)") == [text], "key \(key)")
        }
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM Notes WHERE NOTEID IN (12, 20)") == 0)
    }

    @Test("An environment whose capture triggers predate the initial-sync condition gets the new triggers, and its initial sync leaves no echoes while applications stay captured")
    func triggersFromBefore() throws {
        let fixture = try SyncFixture.make("initial-migration", maps: ["sample.notes"])
        let condition = " WHEN (SELECT origin FROM _tandem_context WHERE id = 1) IS NOT 'initial-sync'"
        for side in [fixture.erp, fixture.crm] {
            // The triggers as environments made before the condition have them.
            for trigger in try SideReader.rows(side, "SELECT name || char(31) || sql FROM sqlite_master WHERE type = 'trigger'") {
                let parts = trigger.split(separator: "\u{1F}", maxSplits: 1).map(String.init)
                #expect(parts[1].contains(condition), "\(parts[1])")
                try SideReader.execute(side, "DROP TRIGGER \"\(parts[0])\"; \(parts[1].replacingOccurrences(of: condition, with: ""))")
            }
            #expect(try SideReader.scalar(side, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%initial-sync%'") == 0)
            #expect(try SideReader.scalar(side, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'") == 3)
        }
        try fixture.insertNotes(5_000)
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes") == 5000)
        try SideReader.execute(fixture.erp, "DELETE FROM _tandem_changes")

        let run = try fixture.tandem(["maps", "initial-sync", "sample.notes"])
        #expect(run.status == 0, "\(run.stderr)")
        for side in [fixture.erp, fixture.crm] {
            #expect(try SideReader.scalar(side, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%initial-sync%'") == 3)
        }
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 5000)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_changes") == 0)
        // Applications are still captured, with their rows.
        try SideReader.execute(fixture.crm, "INSERT INTO annotation VALUES (9000, 'from the CRM')")
        #expect(try SideReader.rows(fixture.crm, "SELECT key || ' ' || row || ' ' || quote(origin) FROM _tandem_changes") == ["9000 9000,'from the CRM' NULL"])
    }

    @Test("Initial sync refuses what it cannot do, with what to do instead")
    func badInput() async throws {
        let fixture = try SyncFixture.make("initial-bad", maps: ["sample.notes"])
        let side = try await fixture.tandem(["maps", "initial-sync", "sample.notes", "--master", "pim"])
        #expect(side.status != 0)
        #expect(side.stderr.contains("--master must be erp or crm, not 'pim'"), "\(side.stderr)")
        let unknown = try await fixture.tandem(["maps", "initial-sync", "nope"])
        #expect(unknown.stderr.contains("map 'nope' is not enabled in this environment (enabled: sample.notes)"), "\(unknown.stderr)")
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let running = try await fixture.tandem(["maps", "initial-sync", "sample.notes"])
        #expect(running.status != 0)
        #expect(running.stderr.contains("initial sync runs before live sync"), "\(running.stderr)")
    }

    @Test(
        "maps run points to initial sync for the rows live sync does not carry: on the master side from before capture, and not on the other side (no terminal to ask on)"
    )
    func runOffersInitialSync() throws {
        let fixture = try SyncFixture.make("initial-offer", maps: ["sample.notes"])
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        try SideReader.execute(fixture.crm, "INSERT INTO annotation VALUES (3, 'c')")
        // As if the rows predated capture: no change of theirs in either log.
        for side in [fixture.erp, fixture.crm] { try SideReader.execute(side, "DELETE FROM _tandem_changes") }
        let run = try fixture.tandem(["maps", "run", "sample.notes"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "note: rows that live sync does not carry (on the master side from before capture, not on the other side): sample.notes 2; `tandem maps initial-sync sample.notes` brings them into step\n"),
            "\(run.stderr)")
        // Once a map has run, it is not offered again.
        #expect(try fixture.tandem(["maps", "stop", "sample.notes"]).status == 0)
        try SideReader.execute(fixture.crm, "INSERT INTO _tandem_checkpoints VALUES ('sample.notes', 'erp', 0)")
        let again = try fixture.tandem(["maps", "run", "sample.notes"])
        #expect(!again.stderr.contains("initial-sync"), "\(again.stderr)")
    }

    @Test("maps run says nothing of initial sync for rows written after init: they are captured changes, and live sync carries them")
    func runWithCapturedRows() async throws {
        let fixture = try SyncFixture.make("initial-captured", maps: ["sample.notes"])
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        let run = try await fixture.tandem(["maps", "run", "sample.notes"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "sample.notes: not running → running\n", "\(run.stdout)")
        #expect(run.stderr == "note: no engine is running for this environment; `tandem run` applies the change\n", "\(run.stderr)")
        // And it does carry them.
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 3 }
        #expect(try SideReader.rows(fixture.crm, SideReader.crmNotes) == ["1|'a'", "2|'b'", "3|'c'"])
    }

    /// Initial sync of the standard customer map (and its parents) over `seed` on the bulk path, then
    /// in a fresh environment on the row path: each time the CRM's accounts as `accounts` selects them,
    /// and the parked changes with their reasons.
    static func customersOnBothPaths(
        _ label: String, chunk: Int? = nil, seed: String, accounts: String
    ) throws -> [(accounts: [String], errors: [String])] {
        try [true, false].map { bulk in
            let fixture = try SyncFixture.make("\(label)-\(bulk)", maps: StandardEnvironment.maps)
            try SideReader.execute(fixture.erp, StandardEnvironment.seed + seed)
            let run = try fixture.tandem(
                ["maps", "initial-sync", "companies", "currencies", "payment-terms", "customer-groups", "parties", "customers-accounts"]
                    + (chunk.map { ["--chunk", String($0)] } ?? []) + (bulk ? [] : ["--no-bulk"]))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("customers-accounts [master]: \(bulk ? "bulk" : "row") path"), "\(run.stderr)")
            return (
                try SideReader.rows(fixture.crm, accounts),
                try SideReader.rows(fixture.crm, "SELECT key || ' ' || reason FROM _tandem_parked ORDER BY key")
            )
        }
    }
}

extension SyncFixture {
    /// Inserts notes 1 to `count` on the ERP side, with the text `note N`.
    fileprivate func insertNotes(_ count: Int) throws {
        try SideReader.execute(
            erp, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count)) INSERT INTO Notes SELECT i, 'note ' || i FROM n")
    }

    /// Starts initial sync of sample.notes in chunks of 2,000; the process
    /// kills itself (SIGKILL) right after the chunk that reaches 30,000 rows commits.
    fileprivate func initialSyncKilledAt30000() throws -> (status: Int32, stdout: String, stderr: String) {
        try tandem(["maps", "initial-sync", "sample.notes", "--chunk", "2000"], environment: ["TANDEM_FAULT": "kill-after-rows:30000"])
    }

}
