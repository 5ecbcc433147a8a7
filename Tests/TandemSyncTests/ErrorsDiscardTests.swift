import Foundation
import TandemTestSupport
import Testing

/// `tandem errors discard` on a paused map, the state an alert rule's
/// `pause` action leaves it in (it used to be refused: "map … is paused"),
/// and `discard --all [--map]`, with the engine as a real process.
@Suite("tandem errors discard works on a paused map and takes --all", .serialized)
struct ErrorsDiscardTests {
    /// The CRM's notes with 'poison' refused, the poison row of key 7
    /// parked and a later change of key 7 waiting behind it; the map paused.
    private func pausedWithPoison(_ label: String) async throws -> (SyncFixture, Process, String) {
        let fixture = try ErrorTests.notesFixture(label)
        let engine = try fixture.startEngine()
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'fine'), (7, 'poison pill')")
        try await waitUntil { try ErrorTests.entries(fixture).count == 1 }
        try SideReader.execute(fixture.erp, "UPDATE Notes SET TEXT = 'fixed' WHERE NOTEID = 7")
        try await waitUntil { try ErrorTests.entries(fixture, ["--all"]).count == 2 }
        let id = try #require(try ErrorTests.entries(fixture).first?["id"] as? String)
        let pause = try await fixture.tandem(["maps", "pause", "sample.notes"])
        #expect(pause.status == 0, "\(pause.stderr)")
        return (fixture, engine, id)
    }

    @Test(
        "Discard on a paused map drops the entry and says the change behind it goes on at resume; it then applies, once",
        arguments: [true, false])
    func pausedMap(engineRunsAtDiscard: Bool) async throws {
        let (fixture, first, id) = try await pausedWithPoison("discard-paused-\(engineRunsAtDiscard)")
        var engine = first
        defer { kill(engine.processIdentifier, SIGKILL) }
        if !engineRunsAtDiscard {
            // The command carries the discard out itself, holding the environment lock.
            kill(engine.processIdentifier, SIGTERM)
            #expect(try await engine.awaitExit() == 0)
        }

        let dropped = try await fixture.tandem(["errors", "discard", id])
        #expect(dropped.status == 0, "\(dropped.stdout)\(dropped.stderr)")
        #expect(
            dropped.stdout
                == """
                \(id): discarded — map sample.notes is paused: the 1 later change(s) of key 7 go on when it runs again
                discarded 1 parked change(s); their content stays in `tandem log`

                """, "\(dropped.stdout)")
        // Paused: nothing is written, and the later change waits in order.
        #expect(try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 7").isEmpty)
        let waiting = try ErrorTests.entries(fixture, ["--all"])
        #expect(waiting.count == 1 && waiting.first?["kind"] as? String == "behind", "\(waiting)")

        if !engineRunsAtDiscard { engine = try fixture.startEngine() }
        let resume = try await fixture.tandem(["maps", "resume", "sample.notes"])
        #expect(resume.status == 0, "\(resume.stderr)")
        try await waitUntil {
            try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 7") == ["fixed"]
        }
        try await waitUntil { try ErrorTests.entries(fixture, ["--all"]).isEmpty }
        // Exactly once: one row, one discard in the log.
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 2)
        let details = try SideReader.rows(
            fixture.directory + "/state.sqlite", "SELECT details FROM activity WHERE event = 'parked change discarded'")
        #expect(details.count == 1 && details.first?.contains("'poison pill'") == true, "\(details)")
    }

    @Test("discard --all --map drops every listed entry of the map and says how many; --json gives one result each")
    func all() async throws {
        let fixture = try ErrorTests.notesFixture("discard-all")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (3, 'poison a'), (4, 'poison b'), (5, 'poison c')")
        try await waitUntil { try ErrorTests.entries(fixture).count == 3 }
        #expect(try await fixture.tandem(["maps", "pause", "sample.notes"]).status == 0)

        let json = try await fixture.tandem(["errors", "discard", "--all", "--map", "sample.notes", "--json"])
        #expect(json.status == 0, "\(json.stdout)\(json.stderr)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(results.count == 3 && results.allSatisfy { $0["outcome"] as? String == "discarded" }, "\(json.stdout)")
        #expect(try ErrorTests.entries(fixture, ["--all"]).isEmpty)

        #expect(try await fixture.tandem(["maps", "resume", "sample.notes"]).status == 0)
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (6, 'poison d')")
        try await waitUntil { try ErrorTests.entries(fixture).count == 1 }
        let text = try await fixture.tandem(["errors", "discard", "--all"])
        #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.hasSuffix("discarded 1 parked change(s); their content stays in `tandem log`\n"), "\(text.stdout)")

        let neither = try await fixture.tandem(["errors", "discard"])
        #expect(neither.status != 0)
        #expect(neither.stderr.contains("name the entries to discard (crm-12 ...) or pass --all, not both"), "\(neither.stderr)")
        let stray = try await fixture.tandem(["errors", "discard", "crm-1", "--map", "sample.notes"])
        #expect(stray.stderr.contains("--map goes with --all"), "\(stray.stderr)")
    }
}
