import Foundation
import TandemTestSupport
import Testing

/// Issue 17 §1, "One broken map stays alone": a map whose columns are
/// missing or whose plugin is refused goes `failed` with the reason, shown
/// by `status`, `maps list` and `log`; every other map runs in the same
/// `tandem run`, and once the cause is fixed `tandem maps resume` brings the
/// map back in that engine, catching up on what queued meanwhile.
@Suite("One broken map stays alone", .serialized)
struct FailedMapTests {
    /// The application's own writes: the sqlite3 CLI, waiting for the engine's lock as an application would.
    static func sqlite3(_ database: String, _ sql: String) throws {
        let result = try Fixtures.run("/usr/bin/env", ["sqlite3", "-cmd", ".timeout 30000", database, sql])
        try #require(result.status == 0, "sqlite3 \(database): \(result.stderr)")
    }

    /// Waits up to 180 s (a shared machine running a dozen engines is slow) for `query` on `database` to return `rows`; records the difference otherwise.
    static func await(_ fixture: SyncFixture, _ database: String, _ query: String, _ rows: [String]) async throws {
        var found: [String] = []
        if try await Fixtures.poll(timeout: .seconds(180), {
            found = try SideReader.rows(database, query)
            return found == rows
        }) { return }
        Issue.record("\(query)\nexpected \(rows)\nfound    \(found)\nengine log:\n\(fixture.engineLog.suffix(1500))")
    }

    static let erpGroups = "SELECT DATAAREAID||'|'||CUSTGROUPID||'|'||NAME FROM CustGroup ORDER BY 1"
    static let crmGroups =
        "SELECT msdyn_company||'|'||msdyn_groupid||'|'||msdyn_description FROM msdyn_customergroup ORDER BY 1"
    static let erpNotes = "SELECT NOTEID||'|'||TEXT FROM Notes ORDER BY NOTEID"
    static let crmNotes = "SELECT annotationid||'|'||notetext FROM annotation ORDER BY annotationid"

    @Test(
        "A map whose column is missing is failed with the reason in status, maps list, log and a left-running alert; the other map syncs; after the column is back, maps resume catches it up row for row in the same engine"
    )
    func missingColumn() async throws {
        // A left-running rule on the notes map: the failure reaches alert rules, with its reason.
        let fixture = try SyncFixture.make("failed-column", maps: ["sample.groups", "sample.notes"]) {
            $0 + "\nalerts:\n  check_interval_ms: 200\n  rules:\n"
                + "    - {name: notes-left, maps: [sample.notes], condition: left-running}\n"
        }
        #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.notes"]).status == 0)
        // The CRM application drops a column the notes map writes (its triggers first: SQLite refuses otherwise).
        #expect(try await fixture.tandem(["capture", "remove", "--table", "annotation"]).status == 0)
        try Self.sqlite3(fixture.crm, "ALTER TABLE annotation DROP COLUMN notetext")

        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        #expect(engine.isRunning, "the engine must run for the healthy map: \(fixture.engineLog)")
        let reason = "column 'notetext' is not in crm table annotation"

        // The healthy map syncs in this engine.
        try Self.sqlite3(
            fixture.erp, "INSERT INTO CustGroup (DATAAREAID, CUSTGROUPID, NAME) VALUES ('usmf', 'G1', 'Group one')")
        try await Self.await(fixture, fixture.crm, Self.crmGroups, ["usmf|G1|Group one"])
        // Notes written meanwhile queue up on the ERP side.
        for id in 1...3 { try Self.sqlite3(fixture.erp, "INSERT INTO Notes VALUES (\(id), 'note \(id)')") }

        let status = try await fixture.tandem(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        let notesLine =
            status.stdout.split(separator: "\n").first { $0.hasPrefix("sample.notes") }.map(String.init) ?? ""
        #expect(notesLine.contains(" failed ") && notesLine.contains(reason), "\(status.stdout)")
        let json = try await fixture.tandem(["status", "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let maps = try #require(report["maps"] as? [[String: Any]])
        let notes = try #require(maps.first { $0["name"] as? String == "sample.notes" })
        #expect(notes["state"] as? String == "failed", "\(json.stdout)")
        #expect((notes["reason"] as? String)?.contains(reason) == true, "\(json.stdout)")
        #expect(
            maps.first { $0["name"] as? String == "sample.groups" }?["state"] as? String == "running", "\(json.stdout)")

        let list = try await fixture.tandem(["maps", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("sample.notes failed: "), "\(list.stdout)")
        #expect(list.stdout.contains(reason), "\(list.stdout)")
        #expect(list.stdout.contains("fix it, then `tandem maps resume sample.notes`"), "\(list.stdout)")
        let log = try await fixture.tandem(["log", "--map", "sample.notes"])
        #expect(log.status == 0, "\(log.stderr)")
        #expect(log.stdout.contains("failed: ") && log.stdout.contains(reason), "\(log.stdout)")
        let fired = "map left running: map is failed: map sample.notes (erp-to-crm): \(reason)"
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline,
            !(try await fixture.tandem(["log", "--map", "sample.notes"]).stdout.contains(fired))
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(
            try await fixture.tandem(["log", "--map", "sample.notes"]).stdout.contains(fired),
            "the rule fired with the reason")

        // The column comes back; resume compiles the map again in the running engine, which catches up.
        try Self.sqlite3(fixture.crm, "ALTER TABLE annotation ADD COLUMN notetext TEXT")
        let resume = try await fixture.tandem(["maps", "resume", "sample.notes"])
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(resume.stdout.contains("sample.notes: failed → resuming"), "\(resume.stdout)")
        try await Self.await(fixture, fixture.crm, Self.crmNotes, ["1|note 1", "2|note 2", "3|note 3"])
        // Capture is back on the CRM table too: an edit there travels to the ERP.
        try Self.sqlite3(fixture.crm, "UPDATE annotation SET notetext = 'edited' WHERE annotationid = 2")
        try await Self.await(fixture, fixture.erp, Self.erpNotes, ["1|note 1", "2|edited", "3|note 3"])
        #expect(try SideReader.rows(fixture.crm, Self.crmNotes) == SideReader.rows(fixture.erp, Self.erpNotes))
        #expect(engine.isRunning, "the same engine went on: \(fixture.engineLog.suffix(1000))")
        let after = try await fixture.tandem(["status", "--json"])
        #expect(after.stdout.contains("\"running\""), "\(after.stdout)")

        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
    }

    @Test(
        "maps resume of a failed map whose column is still missing is refused, naming the column; the map stays failed and maps compare says why it cannot run"
    )
    func resumeStillBroken() async throws {
        let fixture = try SyncFixture.make("failed-still", maps: ["sample.notes"])
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        #expect(try await fixture.tandem(["capture", "remove", "--table", "annotation"]).status == 0)
        try Self.sqlite3(fixture.crm, "ALTER TABLE annotation DROP COLUMN notetext")
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline,
            !(try await fixture.tandem(["maps", "list"]).stdout.contains("sample.notes failed"))
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        let resume = try await fixture.tandem(["maps", "resume", "sample.notes"])
        #expect(resume.status != 0)
        #expect(resume.stderr.contains("notetext"), "\(resume.stderr)")
        #expect(try await fixture.tandem(["maps", "list"]).stdout.contains("sample.notes failed: "))
        // A command with an engine of its own says why the map cannot run, rather than calling it unknown.
        let compare = try await fixture.tandem(["maps", "compare", "sample.notes"])
        #expect(compare.status != 0)
        #expect(
            compare.stderr.contains(
                "map sample.notes cannot run: map sample.notes (erp-to-crm): column 'notetext' is not in crm table annotation; fix it, then `tandem maps resume sample.notes`"
            ), "\(compare.stderr)")
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
    }
    @Test(
        "A map whose plugin is refused is failed with the refusal in status, maps list and log while the other map syncs; once the plugin is fixed, a restart and maps resume bring it back with what queued meanwhile"
    )
    func refusedPlugin() async throws {
        let fixture = try SyncFixture.make("failed-plugin", maps: ["sample.groups"]) {
            $0.replacingOccurrences(of: "maps:\n", with: "maps:\n  - name: contoso.sites\n")
        }
        let library = try Fixtures.warehousesExample(into: fixture.directory + "/plugins")
        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        #expect(install.status == 0, "\(install.stderr)")
        let run = try await fixture.tandem(["maps", "run", "sample.groups", "contoso.sites"])
        #expect(run.status == 0, "\(run.stderr)")
        // The library is damaged (a bad copy, a half-finished deploy): the loader refuses it.
        try Data("not a shared library".utf8).write(to: URL(fileURLWithPath: library))

        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        #expect(engine.isRunning, "the engine must run for the healthy map: \(fixture.engineLog)")
        try Self.sqlite3(
            fixture.erp, "INSERT INTO CustGroup (DATAAREAID, CUSTGROUPID, NAME) VALUES ('usmf', 'G1', 'Group one')")
        try await Self.await(fixture, fixture.crm, Self.crmGroups, ["usmf|G1|Group one"])

        let reason = "map 'contoso.sites' is not provided by any loaded plugin"
        let status = try await fixture.tandem(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        let sitesLine =
            status.stdout.split(separator: "\n").first { $0.hasPrefix("contoso.sites") }.map(String.init) ?? ""
        #expect(sitesLine.contains(" failed ") && sitesLine.contains(reason), "\(status.stdout)")
        #expect(sitesLine.contains("refused \(library)"), "the refusal is the reason: \(status.stdout)")
        #expect(
            sitesLine.contains("fix the plugin, restart `tandem run`, then `tandem maps resume contoso.sites`"),
            "\(status.stdout)")
        let json = try await fixture.tandem(["status", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.contains("\"failed\""), "\(json.stdout)")

        let list = try await fixture.tandem(["maps", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("contoso.sites failed: "), "\(list.stdout)")
        let log = try await fixture.tandem(["log", "--map", "contoso.sites"])
        #expect(log.status == 0, "\(log.stderr)")
        #expect(log.stdout.contains(reason), "\(log.stdout)")

        // A site written meanwhile is captured; the plugin is fixed (packed again).
        try Self.sqlite3(
            fixture.erp, "INSERT INTO InventSite (DATAAREAID, SITEID, NAME) VALUES ('usmf', 'S1', 'Site one')")
        _ = try Fixtures.warehousesExample(into: fixture.directory + "/plugins")
        // This engine loaded plugins when it started: resumed now, the map is failed again, saying so.
        #expect(try await fixture.tandem(["maps", "resume", "contoso.sites"]).status == 0)
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline,
            !(try await fixture.tandem(["maps", "list"]).stdout.contains("contoso.sites failed: "))
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await fixture.tandem(["maps", "list"]).stdout.contains("contoso.sites failed: "), "\(fixture.engineLog)")
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)

        // Restarted, and resumed: the site written while it was failed arrives.
        let restarted = try fixture.startEngine()
        defer { if restarted.isRunning { kill(restarted.processIdentifier, SIGKILL) } }
        let resume = try await fixture.tandem(["maps", "resume", "contoso.sites"])
        #expect(resume.status == 0, "\(resume.stderr)")
        try await Self.await(
            fixture, fixture.crm,
            "SELECT cdm_companycode||'|'||msdyn_siteid||'|'||msdyn_name FROM msdyn_operationalsite",
            ["usmf|S1|Site one"])
        kill(restarted.processIdentifier, SIGTERM)
        #expect(try await restarted.awaitExit() == 0)
    }

    @Test(
        "While a map's plugin is refused, the other maps can be paused and resumed, the broken map can be stopped but not started (with the reason), and the engine does not log it as removed"
    )
    func commandsBesideARefusedPlugin() async throws {
        let fixture = try SyncFixture.make("failed-commands", maps: ["sample.groups"]) {
            $0.replacingOccurrences(of: "maps:\n", with: "maps:\n  - name: contoso.sites\n")
        }
        let library = try Fixtures.warehousesExample(into: fixture.directory + "/plugins")
        #expect(try await fixture.tandem(["capture", "install", "--create-tables"]).status == 0)
        #expect(try await fixture.tandem(["maps", "run", "sample.groups", "contoso.sites"]).status == 0)
        try Data("not a shared library".utf8).write(to: URL(fileURLWithPath: library))

        let pause = try await fixture.tandem(["maps", "pause", "sample.groups"])
        #expect(pause.status == 0, "\(pause.stderr)")
        #expect(pause.stdout.contains("sample.groups: running → paused"), "\(pause.stdout)")
        let resume = try await fixture.tandem(["maps", "resume", "sample.groups"])
        #expect(resume.status == 0, "\(resume.stderr)")
        let stop = try await fixture.tandem(["maps", "stop", "contoso.sites"])
        #expect(stop.status == 0, "\(stop.stderr)")
        #expect(stop.stdout.contains("contoso.sites: running → stopped"), "\(stop.stdout)")
        let start = try await fixture.tandem(["maps", "run", "contoso.sites"])
        #expect(start.status != 0)
        #expect(start.stderr.contains("no loaded plugin provides map contoso.sites"), "\(start.stderr)")
        #expect(start.stderr.contains("refused \(library)"), "the refusal is named: \(start.stderr)")

        // The engine's start records the environment's history: the map is still in tandem.yaml.
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0, "\(fixture.engineLog)")
        let log = try await fixture.tandem(["log", "--map", "contoso.sites"])
        #expect(log.status == 0, "\(log.stderr)")
        #expect(!log.stdout.contains("map removed"), "\(log.stdout)")
    }

    @Test(
        "A transform that refuses to be created: the engine fails that map alone with the plugin's reason while the others sync, and maps run starts the others and says why that one does not start"
    )
    func transformRefused() async throws {
        let fixture = try SyncFixture.make("failed-transform", maps: ["sample.notes"]) {
            $0.replacingOccurrences(of: "maps:\n", with: "maps:\n  - name: contoso.sites\n  - name: contoso.warehouses\n")
        }
        _ = try Fixtures.warehousesExample(into: fixture.directory + "/plugins")
        #expect(try await fixture.tandem(["capture", "install", "--create-tables"]).status == 0)
        let all = ["contoso.sites", "contoso.warehouses", "sample.notes"]
        #expect(try await fixture.tandem(["maps", "run"] + all).status == 0)
        // An upgrade of the plugin ships a value map whose output format the transform refuses.
        let refusal = "config member 'output': Arrow format 'zz' is not supported"
        _ = try Fixtures.warehousesExample(editing: [(#""output": "l" } } },"#, #""output": "zz" } } },"#)], into: fixture.directory + "/plugins")

        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        try await waitUntil { try fixture.tandem(["maps", "list"]).stdout.contains("contoso.warehouses failed: ") }
        let list = try await fixture.tandem(["maps", "list"]).stdout
        #expect(list.contains("contoso.warehouses failed: ") && list.contains(refusal), "\(list)")
        #expect(engine.isRunning, "\(fixture.engineLog)")
        try Self.sqlite3(fixture.erp, "INSERT INTO Notes VALUES (1, 'beside a refused transform')")
        try await Self.await(fixture, fixture.crm, SideReader.crmNotes, ["1|'beside a refused transform'"])
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)

        // Stopped, then run again together: the healthy maps start, the refused one is named with the reason.
        #expect(try await fixture.tandem(["maps", "stop"] + all).status == 0)
        let run = try await fixture.tandem(["maps", "run"] + all)
        #expect(run.status == 1)
        #expect(run.stdout.contains("contoso.sites: stopped → resuming"), "\(run.stdout)")
        #expect(run.stdout.contains("sample.notes: stopped → resuming"), "\(run.stdout)")
        #expect(!run.stdout.contains("contoso.warehouses:"), "\(run.stdout)")
        #expect(run.stderr.contains("not starting: contoso.warehouses has blocking finding"), "\(run.stderr)")
        #expect(run.stderr.contains(refusal), "\(run.stderr)")
    }
}
