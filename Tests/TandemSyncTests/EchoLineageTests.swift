import Foundation
import TandemTestSupport
import Testing

/// Live sync records its own writes (echoes) without the capture triggers
/// where the target table has no triggers but Tandem's. These tests hold that
/// path to the triggers' path: the same change-log rows, an application's
/// trigger still runs, and a conflict in the batch hands over to the triggers.
@Suite("Echo lineage without the capture triggers", .serialized)
struct EchoLineageTests {
    /// An application trigger on the CRM side's annotation table: the engine must keep triggers on for it.
    static let auditTriggers = """
        CREATE TABLE audit (op TEXT, id INTEGER);
        CREATE TRIGGER app_audit_ins AFTER INSERT ON annotation BEGIN INSERT INTO audit VALUES ('I', NEW.annotationid); END;
        CREATE TRIGGER app_audit_upd AFTER UPDATE ON annotation BEGIN INSERT INTO audit VALUES ('U', NEW.annotationid); END;
        CREATE TRIGGER app_audit_del AFTER DELETE ON annotation BEGIN INSERT INTO audit VALUES ('D', OLD.annotationid); END;
        """

    /// The CRM side's change log of annotation, without times.
    static func crmLog(_ fixture: SyncFixture) throws -> [String] {
        try SideReader.rows(
            fixture.crm,
            "SELECT seq || ' ' || op || ' ' || key || ' ' || quote(row) || ' ' || quote(origin) || ' ' || quote(changed) FROM _tandem_changes WHERE tbl = 'annotation' ORDER BY seq")
    }

    /// Runs the same history through an environment: inserts (a blob, too)
    /// with the engine running; then, with it stopped, updates, a key change,
    /// deletes, and an edit of the same note on both sides (a conflict in the
    /// middle of the next batch, which hands the rest of it to the triggers);
    /// then the engine again.
    static func history(_ label: String, auditing: Bool) async throws -> (fixture: SyncFixture, log: [String], erpLog: [String]) {
        let fixture = try SyncFixture.make(label, maps: ["sample.notes"]) {
            $0.replacingOccurrences(of: "prune_interval_s: 5", with: "prune_interval_s: 3600")
        }
        if auditing { try SideReader.execute(fixture.crm, auditTriggers) }
        #expect(try fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        var engine = try fixture.startEngine()
        try SideReader.execute(
            fixture.erp, "BEGIN; " + (1...6).map { "INSERT INTO Notes VALUES (\($0), 'note \($0)');" }.joined(separator: " ") + " COMMIT;")
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (7, 'alone'); INSERT INTO Notes VALUES (8, x'00ff');")
        var (erp, crm) = try await SideReader.awaitNotesConverged(fixture)
        #expect(erp == crm && erp.count == 8, "sides differ: \(SideReader.differences(erp, crm))")
        // Read now: the next engine prunes what both directions consumed.
        let firstLog = try crmLog(fixture)
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)

        try SideReader.execute(
            fixture.erp,
            """
            UPDATE Notes SET TEXT = 'two, edited' WHERE NOTEID = 2;
            UPDATE Notes SET NOTEID = 30 WHERE NOTEID = 3;
            DELETE FROM Notes WHERE NOTEID = 4;
            UPDATE Notes SET TEXT = 'erp edit' WHERE NOTEID = 1;
            UPDATE Notes SET TEXT = NULL WHERE NOTEID = 5;
            INSERT INTO Notes VALUES (9, 'after the conflict');
            DELETE FROM Notes WHERE NOTEID = 9;
            """)
        try SideReader.execute(fixture.crm, "UPDATE annotation SET notetext = 'crm edit' WHERE annotationid = 1;")
        engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        (erp, crm) = try await SideReader.awaitNotesConverged(fixture)
        #expect(erp == crm, "sides differ: \(SideReader.differences(erp, crm))")
        let erpLog = try SideReader.rows(
            fixture.erp, "SELECT seq || ' ' || op || ' ' || key || ' ' || quote(origin) FROM _tandem_changes ORDER BY seq")
        return (fixture, try firstLog + crmLog(fixture).filter { !firstLog.contains($0) }, erpLog)
    }

    @Test("Without the triggers the engine writes the change-log rows they write, row for row, conflicts included")
    func sameRowsAsTheTriggers() async throws {
        let quiet = try await Self.history("echo-quiet", auditing: false)
        let triggered = try await Self.history("echo-triggered", auditing: true)
        // The application's trigger ran for every write the engine made.
        let audit = try SideReader.rows(triggered.fixture.crm, "SELECT op || ' ' || id FROM audit")
        #expect(audit == (1...8).map { "I \($0)" } + ["U 1", "U 2", "D 3", "I 30", "D 4", "U 1", "U 5", "I 9", "D 9"], "\(audit)")
        #expect(quiet.log == triggered.log, "quiet: \(quiet.log)\ntriggered: \(triggered.log)")
        #expect(quiet.erpLog == triggered.erpLog)
        // Every note the engine wrote has its echo, naming its ERP change.
        #expect(quiet.log.filter { $0.contains("'erp:") }.count == 16, "\(quiet.log.joined(separator: "\n"))")
        #expect(quiet.log.contains { $0.contains(" D 4 NULL 'erp:") } && quiet.log.contains { $0.contains(" I 30 NULL 'erp:") })
    }

    @Test("An application trigger added while the engine runs makes the next batch run with the triggers")
    func triggerAddedWhileRunning() async throws {
        let fixture = try SyncFixture.make("echo-added", maps: ["sample.notes"])
        #expect(try fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'before')")
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 1 }
        try SideReader.execute(fixture.crm, Self.auditTriggers)
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (2, 'after'); UPDATE Notes SET TEXT = 'before, edited' WHERE NOTEID = 1")
        let (erp, crm) = try await SideReader.awaitNotesConverged(fixture)
        #expect(erp == crm, "sides differ: \(SideReader.differences(erp, crm))")
        #expect(try SideReader.rows(fixture.crm, "SELECT op || ' ' || id FROM audit") == ["I 2", "U 1"])
    }
}
