import Foundation
import TandemTestSupport
import Testing

/// Bad input and the rules of the map lifecycle, through the real CLI.
@Suite("Environment commands")
struct CommandTests {
    @Test("Lifecycle errors say what is wrong and what to do; a second engine is refused")
    func lifecycleErrors() async throws {
        let fixture = try SyncFixture.make("lifecycle")
        let child = try await fixture.tandem(["maps", "run", "sample.customers"])
        #expect(child.status != 0)
        #expect(
            child.stderr.contains(
                "sample.customers depends on maps that are not running: sample.groups (not running) (parents first); name them too (`tandem maps run sample.groups sample.customers`) or pass --with-dependencies"
            ), "\(child.stderr)")
        let unknown = try await fixture.tandem(["maps", "pause", "sample.nope"])
        #expect(unknown.stderr.contains("map 'sample.nope' is not enabled in this environment"))
        let notPaused = try await fixture.tandem(["maps", "resume", "sample.groups"])
        #expect(notPaused.stderr.contains("map 'sample.groups' is not running, not paused; `tandem maps run sample.groups` starts it"))

        #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"]).status == 0)
        let pause = try await fixture.tandem(["maps", "pause", "sample.groups"])
        #expect(pause.stdout.contains("sample.groups: running → paused"))
        #expect(pause.stderr.contains("sample.customers depend on sample.groups and keep their state; pass --with-dependents"))
        let resume = try await fixture.tandem(["maps", "resume", "sample.groups"])
        #expect(resume.stdout.contains("sample.groups: paused → resuming"))
        let stop = try await fixture.tandem(["maps", "stop", "sample.groups", "--with-dependents", "--json"])
        #expect(stop.stdout.contains(#""to" : "stopped""#))
        #expect(stop.stdout.contains("sample.customers"))

        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await Task.sleep(for: .seconds(1))
        let second = try await fixture.tandem(["run"])
        #expect(second.status != 0)
        #expect(second.stderr.contains("is already running environment"))
    }

    @Test(
        "maps run --all starts every map parents first, pause --all and stop --all act on every map; no names and no --all, or both, say what to write"
    )
    func allMaps() async throws {
        let fixture = try SyncFixture.make("lifecycle-all")
        let none = try await fixture.tandem(["maps", "run"])
        #expect(none.status != 0)
        #expect(
            none.stderr.contains(
                "name the maps to run (`tandem maps list` shows them), or pass --all for every map"), "\(none.stderr)")
        let both = try await fixture.tandem(["maps", "pause", "sample.groups", "--all"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("name maps or pass --all, not both"), "\(both.stderr)")

        let run = try await fixture.tandem(["maps", "run", "--all", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let started = (try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]] ?? [])
            .compactMap { $0["map"] as? String }
        // Every map of the environment, the parent before its child.
        #expect(Set(started) == ["sample.groups", "sample.customers", "sample.notes"], "\(started)")
        #expect(started.firstIndex(of: "sample.groups")! < started.firstIndex(of: "sample.customers")!)
        let pause = try await fixture.tandem(["maps", "pause", "--all"])
        #expect(pause.status == 0, "\(pause.stderr)")
        for map in started { #expect(pause.stdout.contains("\(map): running → paused"), "\(pause.stdout)") }
        let stop = try await fixture.tandem(["maps", "stop", "--all"])
        for map in started { #expect(stop.stdout.contains("\(map): paused → stopped"), "\(stop.stdout)") }
    }

    @Test("A bad tandem.yaml is reported with file, line and setting by every command")
    func badConfig() throws {
        let fixture = try SyncFixture.make("badconfig") {
            $0.replacingOccurrences(of: "batch_size: 2000", with: "batch_size: lots")
        }
        let result = try fixture.tandem(["status"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("tandem.yaml:32:15: engine.batch_size: expected a whole number, found 'lots'"), "\(result.stderr)")
        let missing = try Fixtures.run(Fixtures.tandemExecutable, ["status", "--env", "/nonexistent-env"])
        #expect(missing.stderr.contains("no environment here; `tandem init /nonexistent-env` creates one"))
    }

    @Test("Capture: the sqlite3 CLI writes a side with triggers installed; remove refuses pending changes, then takes everything out")
    func captureInstallRemove() throws {
        let fixture = try SyncFixture.make("capture", maps: ["sample.notes"])
        let write = try Fixtures.run("/usr/bin/env", ["sqlite3", fixture.erp, "INSERT INTO Notes VALUES (1, 'from the sqlite3 CLI')"])
        #expect(write.status == 0, "\(write.stderr)")
        #expect(try SideReader.rows(fixture.erp, "SELECT tbl || ' ' || op || ' ' || key || ' ' || row FROM _tandem_changes")
            == ["Notes I 1 1,'from the sqlite3 CLI'"])
        let refused = try fixture.tandem(["capture", "remove"])
        #expect(refused.stderr.contains("1 captured change(s) are not applied yet"))
        #expect(try fixture.tandem(["capture", "remove", "--force"]).status == 0)
        // Everything but the side's identity: removing capture does not make a side forget whose it is.
        #expect(try SideReader.rows(fixture.erp, "SELECT name FROM sqlite_master WHERE name LIKE '\\_tandem%' ESCAPE '\\'") == ["_tandem_side"])
        #expect(try Fixtures.run("/usr/bin/env", ["sqlite3", fixture.erp, "INSERT INTO Notes VALUES (2, 'no capture')"]).status == 0)
        let install = try fixture.tandem(["capture", "install"])
        #expect(install.stdout.contains("capture installed for 1 map(s); erp: Notes; crm: annotation"))
        #expect(try fixture.tandem(["capture", "install"]).status == 0, "install is idempotent")
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'") == 3)
    }

    @Test("Capture install rebuilds a change log made with the old CHECK on op, keeping its changes and its sequence")
    func captureInstallDropsOperationCheck() throws {
        let fixture = try SyncFixture.make("capture-check", maps: ["sample.notes"])
        // The change log as environments made before 2026-11-29 have it.
        let old = """
            PRAGMA legacy_alter_table = ON;
            ALTER TABLE _tandem_changes RENAME TO _tandem_changes_new;
            CREATE TABLE _tandem_changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, op TEXT NOT NULL CHECK (op IN ('I', 'U', 'D')),
                key TEXT NOT NULL, row TEXT, at REAL NOT NULL, origin TEXT, changed TEXT);
            DROP TABLE _tandem_changes_new;
            INSERT INTO Notes VALUES (1, 'one'), (2, 'two'), (3, 'three');
            DELETE FROM _tandem_changes WHERE seq > 1;
            """
        let made = try Fixtures.run("/usr/bin/env", ["sqlite3", fixture.erp, old])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try SideReader.rows(fixture.erp, "SELECT sql FROM sqlite_master WHERE name = '_tandem_changes'").first?.contains("CHECK") == true)
        let install = try fixture.tandem(["capture", "install"])
        #expect(install.status == 0, "\(install.stderr)")
        #expect(try SideReader.rows(fixture.erp, "SELECT sql FROM sqlite_master WHERE name = '_tandem_changes'").first?.contains("CHECK") == false)
        #expect(try SideReader.rows(fixture.erp, "SELECT seq || ' ' || op || ' ' || key || ' ' || row FROM _tandem_changes") == ["1 I 1 1,'one'"])
        // The next change is numbered above the pruned 2 and 3, as before the rebuild.
        #expect(try Fixtures.run("/usr/bin/env", ["sqlite3", fixture.erp, "INSERT INTO Notes VALUES (4, 'four')"]).status == 0)
        #expect(try SideReader.rows(fixture.erp, "SELECT seq || ' ' || key FROM _tandem_changes ORDER BY seq") == ["1 1", "4 4"])
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM sqlite_master WHERE name = '_tandem_changes_local'") == 1)
    }

    @Test("capture remove --table takes out one table's triggers for a column drop SQLite refuses otherwise; install puts them back")
    func captureRemoveTable() throws {
        let fixture = try SyncFixture.make("capture-table", maps: ["sample.notes"])
        func sqlite3(_ path: String, _ sql: String) throws -> (status: Int32, stdout: String, stderr: String) {
            try Fixtures.run("/usr/bin/env", ["sqlite3", path, sql])
        }
        // A column the application added; the next install captures it too.
        #expect(try sqlite3(fixture.erp, "ALTER TABLE Notes ADD COLUMN EXTRA TEXT").status == 0)
        #expect(try fixture.tandem(["capture", "install"]).status == 0)
        let refused = try sqlite3(fixture.erp, "ALTER TABLE Notes DROP COLUMN EXTRA")
        #expect(refused.status != 0 && refused.stderr.contains("error in trigger _tandem_Notes_ins"), "\(refused.stderr)")

        let removed = try fixture.tandem(["capture", "remove", "--table", "Notes"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout.contains("capture triggers of Notes removed on the erp side; change log, checkpoints and queue kept"))
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'") == 0)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'") == 3)
        #expect(try sqlite3(fixture.erp, "ALTER TABLE Notes DROP COLUMN EXTRA").status == 0)
        #expect(try sqlite3(fixture.erp, "INSERT INTO Notes VALUES (1, 'not captured')").status == 0)
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes") == 0)

        #expect(try fixture.tandem(["capture", "install"]).status == 0)
        #expect(try sqlite3(fixture.erp, "INSERT INTO Notes VALUES (2, 'captured')").status == 0)
        #expect(try SideReader.rows(fixture.erp, "SELECT tbl || ' ' || op || ' ' || key || ' ' || row FROM _tandem_changes") == ["Notes I 2 2,'captured'"])

        let unknown = try fixture.tandem(["capture", "remove", "--table", "Nope"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("table 'Nope' has no capture triggers on either side (captured: crm: annotation; erp: Notes)"), "\(unknown.stderr)")
    }
}
