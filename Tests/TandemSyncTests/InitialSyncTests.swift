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
        try SideReader.execute(
            fixture.erp,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) INSERT INTO Notes SELECT i, 'note ' || i FROM n")
        try SideReader.execute(fixture.crm, "INSERT INTO annotation VALUES (5, 'the CRM had its own text'), (7, 'note 7'), (200000, 'only on the CRM side')")

        // The process kills itself (SIGKILL) right after the chunk that reaches 30,000 rows commits.
        let killed = try fixture.tandem(
            ["maps", "initial-sync", "sample.notes", "--chunk", "2000"], environment: ["TANDEM_FAULT": "kill-after-rows:30000"])
        #expect(killed.status == SIGKILL, "\(killed)")
        let doneAtKill = try SideReader.scalar(fixture.crm, "SELECT done FROM _tandem_initial")
        #expect(doneAtKill == 30_000, "killed at \(doneAtKill) rows")
        // Exactly the finished chunks are there: progress and rows commit together.
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation WHERE annotationid <= 100000") == max(doneAtKill, 2))

        let rerun = try fixture.tandem(["maps", "initial-sync", "sample.notes", "--chunk", "2000"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("(resumed)"), "\(rerun.stderr)")
        #expect(rerun.stdout.contains("sample.notes: in step from the erp side; 1 row(s) differed (the erp version kept), 0 in the error list"), "\(rerun.stdout)")

        let erp = try SideReader.rows(fixture.erp, "SELECT quote(NOTEID) || ',' || quote(TEXT) FROM Notes ORDER BY NOTEID")
        let crm = try SideReader.rows(fixture.crm, "SELECT quote(annotationid) || ',' || quote(notetext) FROM annotation ORDER BY annotationid")
        #expect(erp.count == 100_001)
        #expect(erp == crm, "\(SideReader.differences(erp, crm))")
        #expect(erp.last == "200000,'only on the CRM side'")
        let conflicts = try SideReader.rows(fixture.crm, "SELECT key || ' ' || policy || ' ' || winner FROM _tandem_conflicts")
        #expect(conflicts == ["5 initial-sync erp"])
        // Both versions are kept in the record.
        let shown = try fixture.tandem(["conflicts", "list", "--json"])
        #expect(shown.stdout.contains(#""notetext" : "'the CRM had its own text'""#), "\(shown.stdout)")
        #expect(shown.stdout.contains(#""TEXT" : "'note 5'""#), "\(shown.stdout)")
        #expect(try fixture.tandem(["maps", "list"]).stdout.contains("sample.notes  running"))

        // Live sync takes over from where initial sync started.
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (100001, 'after initial sync')")
        try await waitUntil { try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 100001") == ["after initial sync"] }
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 100_002)
    }

    @Test("Initial sync refuses what it cannot do, with what to do instead")
    func badInput() async throws {
        let fixture = try SyncFixture.make("initial-bad", maps: ["sample.notes"])
        let side = try fixture.tandem(["maps", "initial-sync", "sample.notes", "--master", "pim"])
        #expect(side.status != 0)
        #expect(side.stderr.contains("--master must be erp or crm, not 'pim'"), "\(side.stderr)")
        let unknown = try fixture.tandem(["maps", "initial-sync", "nope"])
        #expect(unknown.stderr.contains("map 'nope' is not enabled in this environment (enabled: sample.notes)"), "\(unknown.stderr)")
        #expect(try fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let running = try fixture.tandem(["maps", "initial-sync", "sample.notes"])
        #expect(running.status != 0)
        #expect(running.stderr.contains("initial sync runs before live sync"), "\(running.stderr)")
    }

    @Test("maps run on a map whose master side already has rows points to initial sync (no terminal to ask on)")
    func runOffersInitialSync() throws {
        let fixture = try SyncFixture.make("initial-offer", maps: ["sample.notes"])
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        let run = try fixture.tandem(["maps", "run", "sample.notes"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "note: sample.notes (3 rows) already have rows on their master side, which live sync does not carry; `tandem maps initial-sync sample.notes` brings them into step"),
            "\(run.stderr)")
        // Once a map has run, it is not offered again.
        #expect(try fixture.tandem(["maps", "stop", "sample.notes"]).status == 0)
        try SideReader.execute(fixture.crm, "INSERT INTO _tandem_checkpoints VALUES ('sample.notes', 'erp', 0)")
        let again = try fixture.tandem(["maps", "run", "sample.notes"])
        #expect(!again.stderr.contains("initial-sync"), "\(again.stderr)")
    }
}
