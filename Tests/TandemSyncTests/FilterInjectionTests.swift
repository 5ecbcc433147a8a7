import Foundation
import GRDB
import TandemTestSupport
import Testing

@testable import TandemEngine

/// A filter in the filter language on real SQLite side files (issue 19 §3):
/// a literal that carries SQL is a value, never a statement; a map with a
/// language filter carries only the rows in scope, with one meaning in
/// initial sync (bulk and row paths), live sync and compare.
@Suite("Filter language on SQLite sides")
struct FilterInjectionTests {
    /// The filter of the end-to-end tests: notes below 100, not secret, not drafts, and note 150 by name.
    static let scope =
        "(NOTEID lt 100 and TEXT ne 'secret' and not startswith(lower(TEXT), 'draft')) or TEXT in ('keep ''150''')"

    @Test("An injection attempt inside a text literal selects only the row holding that exact text and drops nothing")
    func injection() throws {
        let folder = try Fixtures.temporaryDirectory("filter-injection")
        let path = folder + "/erp.sqlite"
        let side = try SideDatabase(role: .erp, path: path, create: true)
        let payload = "x'; DROP TABLE CustTable; --"
        try SideReader.execute(
            path,
            """
            CREATE TABLE CustTable (ACCOUNTNUM TEXT PRIMARY KEY, NAME TEXT);
            INSERT INTO CustTable VALUES ('C1', 'x'), ('C2', 'Ada'), ('C3', NULL);
            """)
        for text in [
            "NAME eq 'x''; DROP TABLE CustTable; --'", "NAME eq 'x'' OR ''1''=''1'",
            "NAME in ('x''); DROP TABLE CustTable; --')", "contains(NAME, '''); DELETE FROM CustTable; --')",
        ] {
            let filter = MapFilter(text: text, language: .filter, origin: "filters.erp_to_crm in tandem.yaml")
            #expect(try side.rowsOutside(filter: filter, table: "CustTable") == 3, "\(text)")
            _ = try side.filterMisses(filter: filter, table: "CustTable")
            let row = try RowFilter(filter: filter, columns: ["ACCOUNTNUM", "NAME"], context: "test")
            #expect(try !row.passes([.text("C1"), .text("x")]))
            #expect(try SideReader.scalar(path, "SELECT COUNT(*) FROM CustTable") == 3)
        }
        // The value is matched as a value: the one row that holds it passes, nothing else.
        try SideReader.execute(path, "INSERT INTO CustTable VALUES ('C4', '\(payload.replacingOccurrences(of: "'", with: "''"))')")
        let exact = MapFilter(text: "NAME eq 'x''; DROP TABLE CustTable; --'", language: .filter, origin: "filters")
        #expect(try side.rowsOutside(filter: exact, table: "CustTable") == 3)
        let row = try RowFilter(filter: exact, columns: ["ACCOUNTNUM", "NAME"], context: "test")
        #expect(try row.passes([.text("C4"), .text(payload)]))
        #expect(try SideReader.scalar(path, "SELECT COUNT(*) FROM CustTable") == 4)
    }

    @Test("The counts of a language filter (status, maps validate) read NULLs, near misses and null tests from the parsed filter")
    func counts() throws {
        let folder = try Fixtures.temporaryDirectory("filter-counts")
        let path = folder + "/erp.sqlite"
        let side = try SideDatabase(role: .erp, path: path, create: true)
        try SideReader.execute(
            path,
            """
            CREATE TABLE vals (id INTEGER PRIMARY KEY, t TEXT);
            INSERT INTO vals VALUES (1, 'x'), (2, 'X'), (3, ' x'), (4, NULL), (5, 'y'), (6, 'X');
            """)
        let filter = MapFilter(text: "T eq 'x'", language: .filter, origin: "filters.erp_to_crm in tandem.yaml")
        #expect(try side.rowsOutside(filter: filter, table: "vals") == 5)
        let misses = try side.filterMisses(filter: filter, table: "vals")
        #expect(misses.nulls.map(\.column) == ["t"])
        #expect(misses.nulls.map(\.rows) == [1])
        #expect(misses.nearMisses.map { "\($0.value)|\($0.literal)|\($0.rows)" } == ["X|x|2", " x|x|1"])
        let tested = MapFilter(text: "t is not null and t eq 'x'", language: .filter, origin: "filters")
        #expect(try side.filterMisses(filter: tested, table: "vals").nulls.map(\.rows) == [0])
    }

    /// sample.notes with ``scope`` as its ERP-to-CRM filter, and notes 1 to 200 on the ERP side.
    static func environment(_ label: String) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: ["sample.notes"]) {
            $0.replacingOccurrences(
                of: "  - name: sample.notes\n",
                with: "  - name: sample.notes\n    filters:\n      erp_to_crm: \"\(Self.scope)\"\n")
        }
        try SideReader.execute(
            fixture.erp,
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
            INSERT INTO Notes SELECT i, 'note ' || i FROM n;
            UPDATE Notes SET TEXT = 'secret' WHERE NOTEID = 5;
            UPDATE Notes SET TEXT = 'Draft six' WHERE NOTEID = 6;
            UPDATE Notes SET TEXT = 'keep ''150''' WHERE NOTEID = 150;
            """)
        return fixture
    }

    /// The notes ``scope`` lets through of those ``environment(_:)`` writes.
    static let inScope = (1...99).filter { $0 != 5 && $0 != 6 } + [150]

    @Test("A map with a language filter carries only the rows in scope: initial sync on both paths, compare, then live sync")
    func endToEnd() async throws {
        var copied: [[String]] = []
        for bulk in [true, false] {
            let fixture = try Self.environment("filter-e2e-\(bulk)")
            let run = try await fixture.tandem(
                ["maps", "initial-sync", "sample.notes"] + (bulk ? [] : ["--no-bulk"]))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("sample.notes [master]: \(bulk ? "bulk" : "row") path"), "\(run.stderr)")
            #expect(
                (run.stdout + run.stderr).contains("102 row(s) of the erp side left out by filters.erp_to_crm in tandem.yaml"),
                "\(run.stdout)")
            let ids = try SideReader.rows(fixture.crm, "SELECT annotationid FROM annotation ORDER BY annotationid")
            #expect(ids == Self.inScope.map(String.init))
            copied.append(try SideReader.rows(fixture.crm, SideReader.crmNotes))
            let compare = try await fixture.tandem(["maps", "compare", "--json", "sample.notes"])
            #expect(compare.status == 0, "\(compare.stdout)\(compare.stderr)")
            guard bulk else { continue }
            // Live: one note in scope, one out by number, one out by text.
            let engine = try fixture.startEngine()
            defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
            try SideReader.execute(
                fixture.erp,
                "INSERT INTO Notes VALUES (0, 'live'), (500, 'live but out'), (-1, 'drafted'), (-2, 'DRAFT'), (-3, NULL)")
            try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation WHERE annotationid = 0") == 1 }
            try await waitUntil { try SideReader.drained(fixture, map: "sample.notes", erpTable: "Notes", crmTable: "annotation") }
            let live = try SideReader.rows(fixture.crm, "SELECT annotationid FROM annotation WHERE annotationid <= 0 OR annotationid > 200 ORDER BY 1")
            // -1 'drafted' starts with 'draft'; NULL text fails `ne` (SQL's rule), so -3 stays out too.
            #expect(live == ["0"], "\(fixture.engineLog)")
            kill(engine.processIdentifier, SIGTERM)
            _ = try await engine.awaitExit()
        }
        #expect(copied[0] == copied[1], "\(SideReader.differences(copied[0], copied[1]))")
    }
}
