import Foundation
import TandemTestSupport
import Testing

/// A state database that is deleted or emptied is refused at start, with
/// the way back: `tandem state rebuild`, from the sides' identities and
/// checkpoints.
@Suite("A lost state database", .serialized)
struct StateRebuildTests {
    /// Notes 1–10 synced, notes 11–20 written with the engine stopped (queued), the engine stopped.
    static func syncedThenQueued(_ label: String) async throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: ["sample.groups", "sample.customers", "sample.notes"])
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideFiles.insertERPNotes(fixture, 1...10)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10 }
        try await SideFiles.stop(engine)
        try SideFiles.insertERPNotes(fixture, 11...20)
        return fixture
    }

    static func expectRefusal(_ fixture: SyncFixture) throws {
        let refused = try fixture.tandem(["run"])
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains(
                "the state database \(fixture.directory)/state.sqlite does not know this environment, but its sides do"),
            "\(refused.stderr)")
        #expect(
            refused.stderr.contains(
                "Nothing was started. `tandem state rebuild --env \(fixture.directory)` rebuilds it"))
    }

    @Test(
        "A deleted state database is refused at start; state rebuild brings the map back stopped, and run catches it up row for row"
    )
    func deletedThenRebuilt() async throws {
        let fixture = try await Self.syncedThenQueued("state-deleted")
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: fixture.directory + "/state.sqlite" + suffix)
        }
        try Self.expectRefusal(fixture)
        // Commands that only look do not make it worse, and the refusal stays.
        #expect(try await fixture.tandem(["maps", "list"]).status == 0)
        try Self.expectRefusal(fixture)

        let rebuilt = try await fixture.tandem(["state", "rebuild"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(rebuilt.stdout.contains("sample.notes: stopped"), "\(rebuilt.stdout)")
        #expect(!rebuilt.stdout.contains("sample.customers"), "a map that never ran came back: \(rebuilt.stdout)")
        let list = try await fixture.tandem(["maps", "list", "--json"])
        #expect(list.stdout.contains("state database rebuilt from the sides"), "\(list.stdout)")
        #expect(try await fixture.tandem(["log", "--kind", "state rebuilt"]).stdout.contains("sample.notes stopped"))
        let twice = try await fixture.tandem(["state", "rebuild"])
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("knows this environment"), "\(twice.stderr)")

        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        let (erp, crm) = try await SideFiles.convergedNotes(fixture)
        #expect(erp.count == 20)
        #expect(erp == crm, "sides differ: \(SideReader.differences(erp, crm))")
        try await SideFiles.stop(engine)
    }

    @Test("An emptied state database is refused at start too")
    func emptied() async throws {
        let fixture = try await Self.syncedThenQueued("state-emptied")
        let state = fixture.directory + "/state.sqlite"
        let tables = try SideReader.rows(
            state, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        try SideReader.execute(state, tables.map { "DELETE FROM \"\($0)\";" }.joined())
        try Self.expectRefusal(fixture)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10)
    }
}
