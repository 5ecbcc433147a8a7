import Foundation
import TandemTestSupport
import Testing

/// Live sync records its own writes (echoes) without the capture triggers
/// where the target table has no triggers but Tandem's and the batch is big
/// enough. These tests hold that path to the triggers' path: the same
/// change-log rows, an application's trigger still runs, and a conflict in
/// the batch hands over to the triggers. The engine runs with `--verbose`,
/// whose log says when a batch's echoes were recorded with the triggers off.
@Suite("Echo lineage without the capture triggers", .serialized)
struct EchoLineageTests {
    /// An application trigger on the CRM side's annotation table: the engine must keep triggers on for it.
    static let auditTriggers = """
        CREATE TABLE audit (op TEXT, id INTEGER);
        CREATE TRIGGER app_audit_ins AFTER INSERT ON annotation BEGIN INSERT INTO audit VALUES ('I', NEW.annotationid); END;
        CREATE TRIGGER app_audit_upd AFTER UPDATE ON annotation BEGIN INSERT INTO audit VALUES ('U', NEW.annotationid); END;
        CREATE TRIGGER app_audit_del AFTER DELETE ON annotation BEGIN INSERT INTO audit VALUES ('D', OLD.annotationid); END;
        """

    /// What the engine logs after a batch whose echoes it recorded itself.
    static let quietLine = "echoes recorded with the capture triggers off"

    /// The CRM side's change log of annotation, without times.
    static func crmLog(_ fixture: SyncFixture) throws -> [String] {
        try SideReader.rows(
            fixture.crm,
            "SELECT seq || ' ' || op || ' ' || key || ' ' || quote(row) || ' ' || quote(origin) || ' ' || quote(changed) FROM _tandem_changes WHERE tbl = 'annotation' ORDER BY seq")
    }

    /// `count` inserts of notes from `first` on, in one transaction (one batch for the engine).
    static func inserts(from first: Int, count: Int, text: String = "note") -> String {
        "BEGIN; " + (first..<(first + count)).map { "INSERT INTO Notes VALUES (\($0), '\(text) \($0)');" }.joined(separator: " ") + " COMMIT;"
    }

    /// Runs the same history through an environment: 40 inserts in one
    /// transaction and two more alone (a blob among them) with the engine
    /// running; then, with it stopped, 33 updates, a key change, deletes, and
    /// an edit of the same note on both sides (a conflict late in the next
    /// batch, which hands the rest of it to the triggers); then the engine again.
    static func history(_ label: String, auditing: Bool) async throws -> (fixture: SyncFixture, log: [String], erpLog: [String]) {
        let fixture = try SyncFixture.make(label, maps: ["sample.notes"]) {
            $0.replacingOccurrences(of: "prune_interval_s: 5", with: "prune_interval_s: 3600")
        }
        if auditing { try SideReader.execute(fixture.crm, auditTriggers) }
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        var engine = try fixture.startEngine(["--verbose"])
        try SideReader.execute(fixture.erp, inserts(from: 1, count: 40))
        // Note 42's blob becomes a text holding a NUL when the edit below appends to it, which both
        // ways must carry whole (x'00ff' would make text that is not valid UTF-8, which is parked).
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (41, 'alone'); INSERT INTO Notes VALUES (42, x'0041');")
        var (erp, crm) = try await SideReader.awaitNotesConverged(fixture)
        #expect(erp == crm && erp.count == 42, "sides differ: \(SideReader.differences(erp, crm))")
        // Read now: the next engine prunes what both directions consumed.
        let firstLog = try crmLog(fixture)
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)

        try SideReader.execute(
            fixture.erp,
            """
            UPDATE Notes SET TEXT = TEXT || ', edited' WHERE NOTEID BETWEEN 10 AND 45;
            UPDATE Notes SET NOTEID = 300 WHERE NOTEID = 3;
            DELETE FROM Notes WHERE NOTEID = 4;
            UPDATE Notes SET TEXT = 'erp edit' WHERE NOTEID = 1;
            UPDATE Notes SET TEXT = NULL WHERE NOTEID = 5;
            INSERT INTO Notes VALUES (99, 'after the conflict');
            DELETE FROM Notes WHERE NOTEID = 99;
            """)
        try SideReader.execute(fixture.crm, "UPDATE annotation SET notetext = 'crm edit' WHERE annotationid = 1;")
        engine = try fixture.startEngine(["--verbose"])
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
        // The quiet path ran (the 40 inserts, and the big batch up to its conflict); the triggered one never did.
        // (One or both of the single inserts may join the 40 in one batch when the engine reads late.)
        let firstBatch = [40, 41, 42].contains { quiet.fixture.engineLog.contains(": \($0) \(Self.quietLine)") }
        #expect(firstBatch, "\(quiet.fixture.engineLog)")
        #expect(quiet.fixture.engineLog.contains(": 36 \(Self.quietLine)"), "\(quiet.fixture.engineLog)")
        #expect(!triggered.fixture.engineLog.contains(Self.quietLine))
        // The application's trigger ran for every write the engine made.
        let audit = try SideReader.rows(triggered.fixture.crm, "SELECT op || ' ' || id FROM audit")
        let expected =
            (1...42).map { "I \($0)" } + ["U 1"] + (10...42).map { "U \($0)" }
            + ["D 3", "I 300", "D 4", "U 1", "U 5", "I 99", "D 99"]
        #expect(audit == expected, "\(audit)")
        #expect(quiet.log == triggered.log, "quiet: \(quiet.log)\ntriggered: \(triggered.log)")
        #expect(quiet.erpLog == triggered.erpLog)
        // Every note the engine wrote has its echo, naming its ERP change.
        #expect(quiet.log.filter { $0.contains("'erp:") }.count == 42 + 40, "\(quiet.log.joined(separator: "\n"))")
        #expect(quiet.log.contains { $0.contains(" D 4 NULL 'erp:") } && quiet.log.contains { $0.contains(" I 300 NULL 'erp:") })
    }

    @Test("An application trigger added while the engine runs makes the next batch run with the triggers")
    func triggerAddedWhileRunning() async throws {
        let fixture = try SyncFixture.make("echo-added", maps: ["sample.notes"])
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine(["--verbose"])
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, Self.inserts(from: 1, count: 40, text: "before"))
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 40 }
        try await waitUntil { fixture.engineLog.contains(": 40 \(Self.quietLine)") }
        try SideReader.execute(fixture.crm, Self.auditTriggers)
        try SideReader.execute(fixture.erp, Self.inserts(from: 41, count: 40, text: "after"))
        let (erp, crm) = try await SideReader.awaitNotesConverged(fixture)
        #expect(erp == crm, "sides differ: \(SideReader.differences(erp, crm))")
        #expect(try SideReader.rows(fixture.crm, "SELECT op || ' ' || id FROM audit") == (41...80).map { "I \($0)" })
        #expect(fixture.engineLog.components(separatedBy: Self.quietLine).count == 2, "\(fixture.engineLog)")
    }
}
