import Foundation
import TandemTestSupport
import Testing

/// A side restored from an older backup is noticed: its maps fail with the
/// reason, nothing is skipped, and a documented recovery brings the sides
/// back into step row for row.
@Suite("A side restored from an older backup", .serialized)
struct SideRestoreTests {
    /// Pruning every second, so that it has had every chance to destroy what recovery needs.
    static func fastPrune(retentionHours: Int = 24) -> (String) -> String {
        {
            $0.replacingOccurrences(of: "prune_interval_s: 5", with: "prune_interval_s: 1")
                .replacingOccurrences(of: "applied_retention_h: 24", with: "applied_retention_h: \(retentionHours)")
        }
    }

    /// Notes 1–10 synced, `side` backed up, notes 11–60 synced, engine stopped, the backup restored.
    static func restoreAfterSixty(_ fixture: SyncFixture, side: String) async throws {
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideFiles.insertERPNotes(fixture, 1...10)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10 }
        // The ERP stores its checkpoint of the CRM's changes (here echoes only, nothing to apply) within
        // a second, not with the rows: the backup is taken once it has, so that what the restored side
        // remembers is the same in every run. The CRM's head is read from sqlite_sequence, not its log:
        // with no retention the log is pruned as soon as the ERP has stored that checkpoint.
        try await waitUntil {
            try SideReader.scalar(fixture.erp, "SELECT COALESCE(MAX(seq), 0) FROM _tandem_checkpoints WHERE source = 'crm'")
                == SideReader.scalar(
                    fixture.crm, "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = '_tandem_changes'")
        }
        let path = side == "erp" ? fixture.erp : fixture.crm
        try SideFiles.backup(path, to: path + ".backup")
        try SideFiles.insertERPNotes(fixture, 11...60)
        let (erp, crm) = try await SideFiles.convergedNotes(fixture)
        #expect(erp == crm && erp.count == 60)
        // Two prune rounds after the last change was applied.
        try await Task.sleep(for: .seconds(2.5))
        try await SideFiles.stop(engine)
        try SideFiles.restore(path + ".backup", to: path)
    }

    /// Starts the engine and waits for its own word that the map failed; returns it, running.
    static func awaitFailure(_ fixture: SyncFixture, side: String) async throws -> Process {
        let engine = try fixture.startEngine()
        try await waitUntil {
            fixture.engineLog.contains("map sample.notes: running → failed: the \(side) side went back in time")
        }
        return engine
    }

    @Test(
        "A CRM restored from an older backup fails its map with the reason in status, maps list and the log; --resend brings it back row for row"
    )
    func crmRestoredResend() async throws {
        let fixture = try SyncFixture.make("restore-crm", maps: ["sample.notes"], edit: Self.fastPrune())
        try await Self.restoreAfterSixty(fixture, side: "crm")
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10)

        let engine = try await Self.awaitFailure(fixture, side: "crm")
        defer { kill(engine.processIdentifier, SIGKILL) }
        let status = try await fixture.tandem(["status"])
        #expect(status.stdout.contains("failed"), "\(status.stdout)")
        #expect(status.stdout.contains("changes erp:11…60 are missing there"), "\(status.stdout)")
        let list = try await fixture.tandem(["maps", "list"])
        #expect(list.stdout.contains("sample.notes failed: the crm side went back in time"), "\(list.stdout)")
        #expect(list.stdout.contains("`tandem maps recover sample.notes --resend`"))
        let log = try await fixture.tandem(["log", "--kind", "side went back"])
        #expect(
            log.stdout.contains("crm side: the crm database \(fixture.crm) says it has applied erp changes up to 10"),
            "\(log.stdout)")
        // The ERP's change log kept what the CRM lost (the retention), and nothing reached the CRM meanwhile.
        #expect(
            try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes WHERE tbl = 'Notes' AND seq > 10")
                == 50)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10)

        // Starting it as it is would skip the lost changes: refused, naming the recovery.
        let run = try await fixture.tandem(["maps", "run", "sample.notes"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("map sample.notes failed because a side went back in time"), "\(run.stderr)")
        #expect(run.stderr.contains("`tandem maps recover sample.notes --resend`"))
        let running = try await fixture.tandem(["maps", "recover", "sample.notes", "--resend"])
        #expect(running.status != 0)
        #expect(running.stderr.contains("the engine must be stopped to recover a map"), "\(running.stderr)")
        try await SideFiles.stop(engine)

        let recover = try await fixture.tandem(["maps", "recover", "sample.notes", "--resend"])
        #expect(recover.status == 0, "\(recover.stderr)")
        #expect(
            recover.stdout.contains("the erp side's changes after erp:10 go to the crm side again"), "\(recover.stdout)"
        )
        let again = try fixture.startEngine()
        defer { kill(again.processIdentifier, SIGKILL) }
        let (erp, crm) = try await SideFiles.convergedNotes(fixture)
        #expect(erp.count == 60)
        #expect(erp == crm, "sides differ: \(SideReader.differences(erp, crm))")
        // And it runs live again: a new note goes through.
        try SideFiles.insertERPNotes(fixture, 61...61)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 61 }
        #expect(
            try await fixture.tandem(["log", "--kind", "map recovered"]).stdout.contains("--resend: the crm side went back"))
        try await SideFiles.stop(again)
    }

    @Test(
        "Beyond the retention --resend is refused, naming initial sync; initial sync from the chosen master brings the sides into step"
    )
    func beyondRetention() async throws {
        let fixture = try SyncFixture.make(
            "restore-pruned", maps: ["sample.notes"], edit: Self.fastPrune(retentionHours: 0))
        try await Self.restoreAfterSixty(fixture, side: "crm")
        // No retention: the ERP's log was pruned as soon as the CRM had the notes.
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes WHERE tbl = 'Notes'") == 0)
        let engine = try await Self.awaitFailure(fixture, side: "crm")
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await SideFiles.stop(engine)

        let resend = try await fixture.tandem(["maps", "recover", "sample.notes", "--resend"])
        #expect(resend.status != 0)
        #expect(
            resend.stderr.contains(
                "the erp side's changes of Notes after erp:10, which the crm side lost, were pruned up to erp:60"),
            "\(resend.stderr)")
        #expect(resend.stderr.contains("engine.applied_retention_h"))
        #expect(resend.stderr.contains("`tandem maps recover sample.notes --initial-sync --master erp|crm`"))
        let noMaster = try await fixture.tandem(["maps", "recover", "sample.notes", "--initial-sync"])
        #expect(noMaster.stderr.contains("--initial-sync needs --master erp|crm"), "\(noMaster.stderr)")

        let initial = try await fixture.tandem(["maps", "recover", "sample.notes", "--initial-sync", "--master", "erp"])
        #expect(initial.status == 0, "\(initial.stderr)")
        #expect(try await fixture.tandem(["maps", "list", "--json"]).stdout.contains(#""state" : "running""#))
        let again = try fixture.startEngine()
        defer { kill(again.processIdentifier, SIGKILL) }
        try SideFiles.insertERPNotes(fixture, 61...62)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 62 }
        let (erp, crm) = try await SideFiles.convergedNotes(fixture)
        #expect(erp.count == 62)
        #expect(erp == crm, "sides differ: \(SideReader.differences(erp, crm))")
        try await SideFiles.stop(again)
    }

    @Test(
        "An ERP restored from an older backup whose new changes reuse the applied numbers fails the map instead of skipping them"
    )
    func erpRestoredNumbersReused() async throws {
        let fixture = try SyncFixture.make("restore-erp", maps: ["sample.notes"], edit: Self.fastPrune())
        try await Self.restoreAfterSixty(fixture, side: "erp")
        // The application goes on writing the restored ERP while no engine runs: 60 new notes, numbered
        // 11…70 in its change log, the first 50 of them under numbers the CRM's checkpoint covers.
        try SideFiles.insertERPNotes(fixture, 100...159)
        #expect(try SideReader.scalar(fixture.erp, "SELECT MAX(seq) FROM _tandem_changes") > 60)

        let engine = try await Self.awaitFailure(fixture, side: "erp")
        defer { kill(engine.processIdentifier, SIGKILL) }
        #expect(
            fixture.engineLog.contains("is not the change the engine applied under that number"), "\(fixture.engineLog)"
        )
        try await Task.sleep(for: .seconds(2))
        // Not one of the new notes was skipped as applied, nor pruned.
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation WHERE annotationid >= 100") == 0)
        #expect(
            try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes WHERE CAST(key AS INTEGER) >= 100")
                == 60)
        try await SideFiles.stop(engine)

        // The CRM's log holds the ERP's lost notes 11–60 as echoes only: --resend cannot bring them back.
        let resend = try await fixture.tandem(["maps", "recover", "sample.notes", "--resend"])
        #expect(resend.status != 0)
        #expect(
            resend.stderr.contains("50 change(s) the erp side made itself reached the crm side"), "\(resend.stderr)")
        // The CRM has the notes the ERP lost; the ERP has the new ones: initial sync from the CRM keeps both.
        let initial = try await fixture.tandem(["maps", "recover", "sample.notes", "--initial-sync", "--master", "crm"])
        #expect(initial.status == 0, "\(initial.stderr)")
        let again = try fixture.startEngine()
        defer { kill(again.processIdentifier, SIGKILL) }
        let (erp, crm) = try await SideFiles.convergedNotes(fixture)
        #expect(erp.count == 120, "\(SideReader.differences(erp, crm))")
        #expect(erp == crm, "sides differ: \(SideReader.differences(erp, crm))")
        try await SideFiles.stop(again)
    }
}
