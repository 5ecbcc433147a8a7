import Foundation
import TandemTestSupport
import Testing

/// Per-record errors with the engine as a real process: a bad row is parked
/// with its reason while everything else goes on, and `tandem errors` shows,
/// retries and discards it.
@Suite("Per-record errors", .serialized)
struct ErrorTests {
    /// A validation rule of the CRM application: notes starting with "poison" are refused.
    static let validation = """
        CREATE TRIGGER crm_validate_insert BEFORE INSERT ON annotation WHEN NEW.notetext LIKE 'poison%'
        BEGIN SELECT RAISE(ABORT, 'notetext must not start with poison'); END;
        CREATE TRIGGER crm_validate_update BEFORE UPDATE ON annotation WHEN NEW.notetext LIKE 'poison%'
        BEGIN SELECT RAISE(ABORT, 'notetext must not start with poison'); END;
        """

    static func notesFixture(_ label: String) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: ["sample.notes"])
        let run = try fixture.tandem(["maps", "run", "sample.notes"])
        #expect(run.status == 0, "\(run.stderr)")
        try SideReader.execute(fixture.crm, validation)
        return fixture
    }

    static func entries(_ fixture: SyncFixture, _ extra: [String] = []) throws -> [[String: Any]] {
        let result = try fixture.tandem(["errors", "list", "--json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test(
        "A poison row among 10,000: the others arrive, it waits in the error list with its key's later changes behind it, and retry after fixing the source row applies it in order"
    )
    func poisonRow() async throws {
        let fixture = try Self.notesFixture("poison")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
            INSERT INTO Notes (NOTEID, TEXT) SELECT i, CASE WHEN i = 5000 THEN 'poison' ELSE 'note ' || i END FROM n;
            UPDATE Notes SET TEXT = 'poison, edited' WHERE NOTEID = 5000;
            UPDATE Notes SET TEXT = 'note 4999, edited' WHERE NOTEID = 4999;
            """)
        try await waitUntil {
            try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 4999") == [
                "note 4999, edited"
            ]
        }
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 9999)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation WHERE annotationid = 5000") == 0)

        // The error list: one entry, its later change waiting behind it.
        let listed = try Self.entries(fixture)
        #expect(listed.count == 1)
        let entry = try #require(listed.first)
        let id = try #require(entry["id"] as? String)
        #expect(id.hasPrefix("crm-"))
        #expect(entry["map"] as? String == "sample.notes")
        #expect(entry["direction"] as? String == "erp-to-crm")
        #expect(entry["kind"] as? String == "error")
        #expect(entry["errorClass"] as? String == "application")
        #expect(entry["key"] as? String == "5000")
        #expect(entry["waitingBehind"] as? Int == 1)
        #expect((entry["reason"] as? String)?.contains("notetext must not start with poison") == true, "\(entry)")
        #expect(try Self.entries(fixture, ["--all"]).count == 2)
        #expect(try Self.entries(fixture, ["--class", "plugin"]).isEmpty)
        #expect(try Self.entries(fixture, ["--since", "1h", "--map", "sample.notes"]).count == 1)

        let shown = try await fixture.tandem(["errors", "show", id])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("TEXT = 'poison'"), "\(shown.stdout)")
        #expect(shown.stdout.contains("waiting behind it: crm-"), "\(shown.stdout)")
        let text = try await fixture.tandem(["errors", "list"])
        #expect(text.stdout.contains(id) && text.stdout.contains("1 parked"), "\(text.stdout)")

        // Retried without a fix: it fails again, and says why.
        let again = try await fixture.tandem(["errors", "retry", id])
        #expect(again.status == 1)
        #expect(again.stdout.contains("\(id): failed — the crm side refused the row"), "\(again.stdout)")
        #expect(try Self.entries(fixture).first?["attempts"] as? Int == 2)

        // While it waits, status shows its error; once it is resolved, no longer.
        try await waitUntil { try fixture.tandem(["status"]).stdout.contains("must not start with poison") }

        // Fix the source row: its newer change waits behind; retry applies the key's changes in order.
        try SideReader.execute(fixture.erp, "UPDATE Notes SET TEXT = 'note 5000, fixed' WHERE NOTEID = 5000")
        try await waitUntil { try Self.entries(fixture, ["--all"]).count == 3 }
        let fixed = try await fixture.tandem(["errors", "retry", id])
        #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
        #expect(
            fixed.stdout.contains(
                "\(id): superseded — no longer needed: the newer change erp:"),
            "\(fixed.stdout)")
        #expect(fixed.stdout.contains("of the same key was applied, so the row holds its latest version"))
        #expect(
            try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 5000") == [
                "note 5000, fixed"
            ])
        #expect(try Self.entries(fixture, ["--all"]).isEmpty)
        try await waitUntil { !(try fixture.tandem(["status"]).stdout.contains("must not start with poison")) }
        let activity = try SideReader.rows(
            fixture.directory + "/state.sqlite", "SELECT event FROM activity ORDER BY id")
        #expect(activity.filter { $0 == "parked change superseded" }.count == 2, "\(activity)")
        // The log says what happened, not "failed again": the row holds the newer version.
        let superseded = try SideReader.rows(
            fixture.directory + "/state.sqlite", "SELECT details FROM activity WHERE event = 'parked change superseded'")
        #expect(
            superseded.allSatisfy {
                $0.contains("is no longer needed: the newer change erp:") && !$0.contains("failed again")
            }, "\(superseded)")

        // Everything else is untouched: both tables equal row for row.
        let erp = try SideReader.rows(
            fixture.erp, "SELECT quote(NOTEID) || ',' || quote(TEXT) FROM Notes ORDER BY NOTEID")
        let crm = try SideReader.rows(
            fixture.crm, "SELECT quote(annotationid) || ',' || quote(notetext) FROM annotation ORDER BY annotationid")
        #expect(erp.count == 10_000)
        #expect(erp == crm, "\(SideReader.differences(erp, crm))")
    }

    @Test(
        "Discard drops a parked change (logged with its row) and lets the one behind it apply; retry --all with nothing parked says so"
    )
    func discard() async throws {
        let fixture = try Self.notesFixture("discard")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO Notes VALUES (1, 'fine'), (7, 'poison pill');
            UPDATE Notes SET TEXT = 'poison still' WHERE NOTEID = 7;
            """)
        try await waitUntil { try Self.entries(fixture, ["--all"]).count == 2 }
        let id = try #require(try Self.entries(fixture).first?["id"] as? String)
        try SideReader.execute(fixture.erp, "UPDATE Notes SET TEXT = 'good at last' WHERE NOTEID = 7")
        try await waitUntil { try Self.entries(fixture, ["--all"]).count == 3 }

        let dropped = try await fixture.tandem(["errors", "discard", id, "--json"])
        #expect(dropped.status == 0, "\(dropped.stdout)\(dropped.stderr)")
        #expect(dropped.stdout.contains("\"outcome\" : \"discarded\""), "\(dropped.stdout)")
        // The next one ('poison still') was retried with the rest of the key's queue and superseded by 'good at last'.
        #expect(
            try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 7") == [
                "good at last"
            ])
        #expect(try Self.entries(fixture, ["--all"]).isEmpty)
        let details = try SideReader.rows(
            fixture.directory + "/state.sqlite", "SELECT details FROM activity WHERE event = 'parked change discarded'")
        #expect(details.count == 1)
        #expect(details.first?.contains("'poison pill'") == true, "\(details)")

        let nothing = try await fixture.tandem(["errors", "retry", "--all"])
        #expect(nothing.status == 1)
        #expect(nothing.stdout.contains("no parked changes"), "\(nothing.stdout)")
    }

    @Test(
        "Bad input to tandem errors names the problem and changes nothing",
        arguments: [
            (["errors", "retry", "12"], "error ID '12' needs its side: crm-12 or erp-12"),
            (["errors", "retry", "crm-999"], "there is no parked change crm-999"),
            (["errors", "show", "crm-999"], "there is no parked change crm-999"),
            (["errors", "show", "nonsense"], "'nonsense' is not an error ID"),
            (
                ["errors", "list", "--map", "nope"],
                "map 'nope' is not enabled in this environment (enabled: sample.notes)"
            ),
            (["errors", "list", "--since", "5x"], "--since '5x' is neither a duration"),
            (
                ["errors", "list", "--class", "bogus"],
                "'bogus' is not an error class; use one of application, transient, conflict, plugin"
            ),
            (["errors", "retry"], "name the entries to retry (crm-12 ...) or pass --all"),
            (["errors", "retry", "crm-1", "--map", "sample.notes"], "--map goes with --all"),
        ])
    func badInput(arguments: [String], expected: String) throws {
        let fixture = try Self.notesFixture("errors-bad-input")
        let result = try fixture.tandem(arguments)
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains(expected), "\(result.stdout)\(result.stderr)")
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 0)
    }

    @Test(
        "A value the value map lacks is class application (an alert rule on application errors fires), its reason says the column, the value and the transform once, and errors list wraps it instead of cutting it"
    )
    func badDataIsApplication() async throws {
        let fixture = try AlertTests.make(
            "errors-bad-data", maps: ["sample.groups", "sample.customers"],
            """
            alerts:
              check_interval_ms: 200
              rules:
                - {name: bad-data, maps: [sample.customers], condition: errors, class: application, threshold: 1, within: 15m}
            """)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp, "INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, ONHOLD) VALUES ('usmf', 'C1', 'Fine', 'No'), ('usmf', 'C2', 'Odd', 'Sometimes')")
        try await waitUntil { try Self.entries(fixture).count == 1 }
        let entry = try #require(try Self.entries(fixture).first)
        #expect(entry["errorClass"] as? String == "application", "\(entry)")
        #expect(entry["key"] as? String == "'usmf','C2'")
        let reason = "column ONHOLD: value 'Sometimes' is not in the map (known: All, Invoice, No) (transform tandem.std.value-map)"
        #expect(entry["reason"] as? String == reason, "\(entry)")
        #expect(try Self.entries(fixture, ["--class", "plugin"]).isEmpty)
        try await waitUntil { try AlertTests.fired(fixture).contains("rule:bad-data|sample.customers") }
        #expect(try SideReader.rows(fixture.crm, "SELECT accountnumber FROM account") == ["C1"])

        // The list shows the whole reason, wrapped under its column.
        let list = try await fixture.tandem(["errors", "list"])
        let lines = list.stdout.split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { $0.contains("ONHOLD") }, "\(list.stdout)")
        let column = try #require(lines[first].range(of: "column ONHOLD")).lowerBound
        let indent = lines[first].distance(from: lines[first].startIndex, to: column)
        #expect(lines[first].hasSuffix("column ONHOLD: value 'Sometimes' is not in the map (known:"), "\(list.stdout)")
        #expect(
            lines[first + 1] == String(repeating: " ", count: indent) + "All, Invoice, No) (transform tandem.std.value-map)",
            "\(list.stdout)")
    }

    @Test("Retrying an entry of a paused map is refused with what to do")
    func pausedMap() async throws {
        let fixture = try Self.notesFixture("errors-paused")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (3, 'poison')")
        try await waitUntil { try Self.entries(fixture).count == 1 }
        let id = try #require(try Self.entries(fixture).first?["id"] as? String)
        #expect(try await fixture.tandem(["maps", "pause", "sample.notes"]).status == 0)
        let refused = try await fixture.tandem(["errors", "retry", id])
        #expect(refused.status == 1)
        #expect(
            refused.stdout.contains("map sample.notes is paused; `tandem maps resume sample.notes` first"),
            "\(refused.stdout)")
    }

    @Test("A side locked by an application for 3 s: changes wait and then apply, and nothing reaches the error list")
    func transientLock() async throws {
        let fixture = try Self.notesFixture("errors-locked")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        let holder = try SideReader.holdWriteLock(fixture.crm, seconds: 3)
        try SideReader.execute(
            fixture.erp,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO Notes SELECT i, 'n' || i FROM n"
        )
        try await Task.sleep(for: .seconds(1))
        // Read first, then check the lock was still held: a slow machine may have slept past it.
        let whileLocked = try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation")
        if holder.isRunning { #expect(whileLocked == 0, "rows arrived while the CRM side was locked") }
        #expect(try await holder.awaitExit() == 0)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 100 }
        #expect(try Self.entries(fixture, ["--all"]).isEmpty)
        #expect(!fixture.engineLog.contains("failed"), "\(fixture.engineLog)")
    }

    @Test(
        "A side locked for longer than the busy timeout becomes a transient error in the list (not retryable by hand), and clears when the lock goes"
    )
    func persistentTransient() async throws {
        let fixture = try SyncFixture.make("errors-incident", maps: ["sample.notes"]) {
            $0.replacingOccurrences(of: "busy_timeout_s: 30", with: "busy_timeout_s: 1")
                .replacingOccurrences(of: "transient_error_after_s: 60", with: "transient_error_after_s: 1")
        }
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        // Held until the transient entry has been seen: a fixed hold may end before a busy machine's
        // engine meets the lock for longer than transient_error_after_s.
        // If the test fails first, the holder reads end of input when this process exits, and lets go.
        let (holder, release) = try SideReader.holdWriteLockUntilReleased(fixture.crm)
        try SideReader.execute(
            fixture.erp,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) INSERT INTO Notes SELECT i, 'n' || i FROM n"
        )
        try await waitUntil { try !Self.entries(fixture, ["--class", "transient"]).isEmpty }
        let entry = try #require(try Self.entries(fixture, ["--class", "transient"]).first)
        #expect(entry["id"] as? String == "engine-1")
        #expect(entry["map"] as? String == "sample.notes")
        #expect((entry["reason"] as? String)?.contains("the engine keeps retrying") == true, "\(entry)")
        #expect(try Self.entries(fixture, ["--class", "application"]).isEmpty)
        let retry = try await fixture.tandem(["errors", "retry", "engine-1"])
        #expect(retry.status == 1)
        #expect(retry.stdout.contains("engine-1 is a transient error: the engine keeps retrying"), "\(retry.stdout)")
        release()
        #expect(try await holder.awaitExit() == 0)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10 }
        try await waitUntil { try Self.entries(fixture, ["--all"]).isEmpty }
        let events = try SideReader.rows(fixture.directory + "/state.sqlite", "SELECT event FROM activity ORDER BY id")
        #expect(events.contains("transient error") && events.contains("transient error cleared"), "\(events)")
    }
}
