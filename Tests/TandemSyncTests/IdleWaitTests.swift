import Foundation
import TandemTestSupport
import Testing

/// The engine between passes waits for commits (inotify) instead of
/// polling. With the fallback poll set to ten minutes, everything the engine
/// must do still happens: a change from another process arrives, a parked
/// change is retried on the engine's own schedule (no commit announces it),
/// a pause and a resume from another process take effect and the catch-up
/// finishes. An engine that slept to its fallback, or past its own timed
/// work, fails here.
@Suite("Idle engine waits for commits", .serialized)
struct IdleWaitTests {
    static func sqlite3(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-cmd", ".timeout 30000", path, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 \(path) \(sql) failed")
    }

    @Test("With the fallback poll at 600 s: a change from another process arrives, a parked change is retried, pause and resume take effect")
    func everythingHappensWithoutPolling() async throws {
        let fixture = try SyncFixture.make("idle-wait") {
            $0.replacingOccurrences(of: "fallback_poll_ms: 250", with: "fallback_poll_ms: 600000")
        }
        #expect(try String(contentsOfFile: fixture.directory + "/tandem.yaml", encoding: .utf8).contains("fallback_poll_ms: 600000"))
        try LiveSyncTests.runAll(fixture)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        #expect(!fixture.engineLog.contains("no file notifications"), "\(fixture.engineLog)")

        // 1. A change written by another process (the sqlite3 shell) while the engine is idle.
        try await Task.sleep(for: .seconds(1))
        try Self.sqlite3(fixture.erp, "INSERT INTO Notes VALUES (1, 'from sqlite3')")
        try await waitUntil { try SideReader.rows(fixture.crm, SideReader.crmNotes) == ["1|'from sqlite3'"] }

        // 2. A customer whose group is missing on the CRM side is parked. The group then appears on the
        //    CRM side itself: nothing moves in the customers' direction, so only the engine's timed
        //    retry of parked changes applies the customer.
        try Self.sqlite3(fixture.erp, "INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, CUSTGROUP) VALUES ('usmf', 'C1', 'Waits', '77')")
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked WHERE kind = 'parent'") == 1 }
        try Self.sqlite3(fixture.crm, "INSERT INTO msdyn_customergroup VALUES ('usmf', '77', 'Made in the CRM')")
        try await waitUntil { try SideReader.rows(fixture.crm, "SELECT name FROM account WHERE accountnumber = 'C1'") == ["Waits"] }
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 0)

        // 3. Pause and resume from another process (the CLI): the changes written while paused wait,
        //    then the engine replays them and promotes the map back to running by itself.
        let pause = try await fixture.tandem(["maps", "pause", "sample.notes"])
        #expect(pause.status == 0, "\(pause.stderr)")
        try await waitUntil { fixture.engineLog.contains("map sample.notes: running → paused") }
        try Self.sqlite3(fixture.erp, "INSERT INTO Notes VALUES (2, 'while paused'); UPDATE Notes SET TEXT = 'edited while paused' WHERE NOTEID = 1")
        let resume = try await fixture.tandem(["maps", "resume", "sample.notes"])
        #expect(resume.status == 0, "\(resume.stderr)")
        try await waitUntil {
            try SideReader.rows(fixture.crm, SideReader.crmNotes) == ["1|'edited while paused'", "2|'while paused'"]
        }
        try await waitUntil { fixture.engineLog.contains("map sample.notes: caught up, running") }

        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
        #expect(fixture.engineLog.contains("engine stopped cleanly"))
    }
}
