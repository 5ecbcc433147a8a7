import Foundation
import TandemTestSupport
import Testing

/// A side file deleted or replaced while the engine runs stops the engine
/// with the reason; the other side's change log keeps what was not applied
/// to the file that is there now.
@Suite("A side file deleted or replaced under the engine", .serialized)
struct SideFileGoneTests {
    /// Pruning at once and every second: without the check, the housekeeper would empty the ERP's log.
    static func eagerPrune(_ yaml: String) -> String {
        yaml.replacingOccurrences(of: "prune_interval_s: 5", with: "prune_interval_s: 1")
            .replacingOccurrences(of: "applied_retention_h: 24", with: "applied_retention_h: 0")
    }

    @Test(
        "A CRM file moved away stops the engine with the reason; the ERP keeps its changes, and with the file back nothing is lost"
    )
    func movedAway() async throws {
        let fixture = try SyncFixture.make("side-moved", maps: ["sample.notes"], edit: Self.eagerPrune)
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideFiles.insertERPNotes(fixture, 1...10)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10 }

        try FileManager.default.moveItem(atPath: fixture.crm, toPath: fixture.crm + ".away")
        try SideFiles.insertERPNotes(fixture, 11...20)
        #expect(try await engine.awaitExit(timeout: .seconds(30)) != 0)
        #expect(
            fixture.engineLog.contains(
                "the crm database \(fixture.crm) was deleted (or moved away) while the engine ran"),
            "\(fixture.engineLog)")
        #expect(fixture.engineLog.contains("the engine stopped and wrote nothing more to either side"))
        // Not pruned on the strength of checkpoints in a file that is gone: notes 11–20 are still in the ERP's log.
        #expect(
            try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes WHERE CAST(key AS INTEGER) > 10")
                == 10)
        let list = try await fixture.tandem(["maps", "list"])
        #expect(
            list.stdout.contains("sample.notes failed: the crm database \(fixture.crm) was deleted"), "\(list.stdout)")

        // With the file gone, the engine does not start at all.
        let missing = try await fixture.tandem(["run"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("the crm database \(fixture.crm) does not exist"), "\(missing.stderr)")

        try FileManager.default.moveItem(atPath: fixture.crm + ".away", toPath: fixture.crm)
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let again = try fixture.startEngine()
        defer { kill(again.processIdentifier, SIGKILL) }
        let (erp, crm) = try await SideFiles.convergedNotes(fixture)
        #expect(erp.count == 20)
        #expect(erp == crm, "sides differ: \(SideReader.differences(erp, crm))")
        try await SideFiles.stop(again)
    }

    @Test(
        "A CRM file replaced by another file stops the engine, naming both files' identities; the ERP keeps what came after"
    )
    func replaced() async throws {
        let fixture = try SyncFixture.make("side-replaced", maps: ["sample.notes"], edit: Self.eagerPrune)
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideFiles.insertERPNotes(fixture, 1...10)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10 }
        // A copy put in place by rename, as a restore tool would; then the ERP goes on.
        try SideFiles.backup(fixture.crm, to: fixture.crm + ".copy")
        #expect(rename(fixture.crm + ".copy", fixture.crm) == 0)
        try SideFiles.insertERPNotes(fixture, 11...20)
        #expect(try await engine.awaitExit(timeout: .seconds(30)) != 0)
        #expect(
            fixture.engineLog.contains(
                "the crm database \(fixture.crm) was replaced while the engine ran (it was inode"),
            "\(fixture.engineLog)")
        // Pruning at once, but not on the strength of checkpoints in the file that was replaced.
        try await Task.sleep(for: .seconds(1.5))
        #expect(
            try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes WHERE CAST(key AS INTEGER) > 10")
                == 10)
    }
}
