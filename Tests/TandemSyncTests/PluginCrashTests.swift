import Foundation
import TandemTestSupport
import Testing

/// Issue 17 §2, "Crash containment in-process": a C transform that
/// dereferences NULL on one row crashes the engine process; `tandem run`
/// starts it again, the plugin call journal names the batch, halves of it
/// run until the row is found, and only that row is parked (class `plugin`)
/// while the rest of its batch and the other maps sync. A plugin that keeps
/// crashing fails its maps instead of a crash loop.
@Suite("A crashing plugin costs its row", .serialized)
struct PluginCrashTests {
    /// The SDK's C template with its uppercase transform on the warehouse
    /// name (ERP to CRM), dereferencing NULL on the name `BOOM`.
    /// On `KILL` it sends itself SIGKILL, as the out-of-memory killer would on a transform that eats memory.
    static let crashingEdits: [(String, String)] = [
        ("#include <stdarg.h>", "#define _POSIX_C_SOURCE 200809L\n#include <stdarg.h>\n#include <signal.h>\n#include <unistd.h>"),
        (
            #"{ \"erp\": \"NAME\", \"crm\": \"msdyn_name\", \"direction\": \"<->\" }"#,
            #"{ \"erp\": \"NAME\", \"crm\": \"msdyn_name\", \"direction\": \"->\", \"transform\": { \"name\": \"com.example.uppercase\" } }"#
        ),
        (
            "for (int32_t k = start; k < end; k++) {",
            """
            if (end - start == 4 && memcmp(in_data + start, "BOOM", 4) == 0) {
                        volatile int *volatile nowhere = NULL;
                        *nowhere = 1;
                    }
                    if (end - start == 4 && memcmp(in_data + start, "KILL", 4) == 0) {
                        kill(getpid(), SIGKILL);
                    }
                    for (int32_t k = start; k < end; k++) {
            """
        ),
    ]

    static let crmWarehouses =
        "SELECT cdm_companycode||'|'||msdyn_warehouseidentifier||'|'||msdyn_name FROM msdyn_warehouse ORDER BY 1"
    static let crmGroups =
        "SELECT msdyn_company||'|'||msdyn_groupid||'|'||msdyn_description FROM msdyn_customergroup ORDER BY 1"

    /// An environment with map `warehouses` of the crashing plugin and the bundled `sample.groups`, both running.
    static func fixture(_ label: String, crashLimit: Int = 5) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: ["sample.groups"]) {
            $0.replacingOccurrences(of: "maps:\n", with: "maps:\n  - name: example.warehouses\n")
                .replacingOccurrences(of: "plugin_crash_limit: 5 ", with: "plugin_crash_limit: \(crashLimit) ")
                .replacingOccurrences(of: "plugin_crash_window_s: 600 ", with: "plugin_crash_window_s: 3600 ")
                // Crashes reach alert rules.
                + "\nalerts:\n  check_interval_ms: 200\n  rules:\n"
                + "    - {name: crashing, maps: [example.warehouses], condition: crashes, threshold: 1, within: 1h}\n"
        }
        _ = try Fixtures.cTemplatePlugin(editing: crashingEdits, into: fixture.directory + "/plugins")
        let install = try fixture.tandem(["capture", "install", "--create-tables"])
        try #require(install.status == 0, "\(install.stderr)")
        let run = try fixture.tandem(["maps", "run", "sample.groups", "example.warehouses"])
        try #require(run.status == 0, "\(run.stderr)")
        return fixture
    }

    /// Waits up to 300 s (each crash restarts the engine on a loaded machine) until `done` holds.
    /// Map example.warehouses is failed with a reason that contains `reason`, in maps list, status and log.
    static func expectFailed(_ fixture: SyncFixture, reason: String) async throws {
        let list = try await fixture.tandem(["maps", "list"])
        #expect(list.stdout.contains(reason), "\(list.stdout)")
        let status = try await fixture.tandem(["status", "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let maps = try #require(report["maps"] as? [[String: Any]])
        let warehouses = try #require(maps.first { $0["name"] as? String == "example.warehouses" })
        #expect(warehouses["state"] as? String == "failed", "\(status.stdout)")
        #expect((warehouses["reason"] as? String)?.contains(reason) == true, "\(status.stdout)")
        let log = try await fixture.tandem(["log", "--map", "example.warehouses"])
        #expect(log.stdout.contains(reason), "\(log.stdout)")
    }

    static func await(_ fixture: SyncFixture, _ what: String, _ done: @escaping () throws -> Bool) async throws {
        if try await Fixtures.poll(timeout: .seconds(300), every: .milliseconds(200), done) { return }
        Issue.record("\(what) did not happen; engine log:\n\(fixture.engineLog.suffix(3000))")
    }

    @Test(
        "A transform that segfaults on one row of a batch of six: tandem run starts the engine again, the row is parked with class plugin and the signal, transform and key; the other five and another map sync; status and log show the crash"
    )
    func segfaultOnOneRow() async throws {
        let fixture = try Self.fixture("plugin-crash")
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        #expect(engine.isRunning, "\(fixture.engineLog)")

        // One transaction, so one batch: the crashing row in the middle of it.
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustGroup (DATAAREAID, CUSTGROUPID, NAME) VALUES ('usmf', 'G1', 'Before');
            INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME, ISACTIVE) VALUES
                ('usmf', 'W1', 'alpha', 'yes'), ('usmf', 'W2', 'beta', 'no'), ('usmf', 'W3', 'gamma', 'yes'),
                ('usmf', 'W-BOOM', 'BOOM', 'yes'), ('usmf', 'W5', 'delta', 'no'), ('usmf', 'W6', 'epsilon', 'yes');
            """)
        let reason =
            "plugin com.example.warehouses crashed (SIGSEGV) in transform com.example.uppercase on key 'usmf','W-BOOM'"
        var parked: [[String: Any]] = []
        try await Self.await(fixture, "the crashing row parked") {
            let list = try fixture.tandem(["errors", "list", "--class", "plugin", "--json"])
            parked = (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]) ?? []
            return !parked.isEmpty
        }
        #expect(parked.count == 1, "\(parked)")
        #expect(parked.first?["map"] as? String == "example.warehouses", "\(parked)")
        #expect(parked.first?["reason"] as? String == reason, "\(parked)")

        // Every other row of the batch arrived, row by row, upper-cased by the same plugin.
        try await Self.await(fixture, "the other five warehouses") {
            try SideReader.rows(fixture.crm, Self.crmWarehouses).count == 5
        }
        #expect(
            try SideReader.rows(fixture.crm, Self.crmWarehouses) == [
                "usmf|W1|ALPHA", "usmf|W2|BETA", "usmf|W3|GAMMA", "usmf|W5|DELTA", "usmf|W6|EPSILON",
            ])
        // The other map synced through it all, and goes on in the restarted engine.
        try await Self.await(fixture, "the group written before the crash") {
            try SideReader.rows(fixture.crm, Self.crmGroups) == ["usmf|G1|Before"]
        }
        try SideReader.execute(
            fixture.erp, "INSERT INTO CustGroup (DATAAREAID, CUSTGROUPID, NAME) VALUES ('usmf', 'G2', 'After')")
        try await Self.await(fixture, "the group written after the crash") {
            try SideReader.rows(fixture.crm, Self.crmGroups) == ["usmf|G1|Before", "usmf|G2|After"]
        }
        // So does the plugin's own map, for a later row.
        try SideReader.execute(
            fixture.erp, "INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME, ISACTIVE) VALUES ('usmf', 'W7', 'zeta', 'no')")
        try await Self.await(fixture, "a warehouse written after the crash") {
            try SideReader.rows(fixture.crm, Self.crmWarehouses).contains("usmf|W7|ZETA")
        }

        #expect(engine.isRunning, "tandem run kept going: \(fixture.engineLog.suffix(2000))")
        #expect(fixture.engineLog.contains("crashed (SIGSEGV); starting it again"), "\(fixture.engineLog.suffix(2000))")
        let log = try await fixture.tandem(["log", "--map", "example.warehouses"])
        #expect(log.status == 0, "\(log.stderr)")
        #expect(
            log.stdout.contains(
                "plugin com.example.warehouses crashed (SIGSEGV) in transform com.example.uppercase on a batch of 6 changes of map example.warehouses (erp-to-crm)"
            ), "\(log.stdout)")
        #expect(log.stdout.contains(reason), "the parked change is in the log too: \(log.stdout)")
        try await Self.await(fixture, "the crashes rule fired") {
            try fixture.tandem(["log", "--map", "example.warehouses"]).stdout.contains(
                "plugin crashes >= 1 within 1h: measured")
        }
        let status = try await fixture.tandem(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        let line = status.stdout.split(separator: "\n").first { $0.hasPrefix("example.warehouses") }.map(String.init) ?? ""
        #expect(line.contains(" running ") && line.contains("crashed (SIGSEGV)"), "\(status.stdout)")

        // A clean stop still works through the supervisor, with exit status 0.
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
        #expect(fixture.engineLog.contains("engine stopped cleanly"))
    }

    @Test(
        "A plugin that crashes again and again (limit 2): its map is failed with the reason in status, maps list and log; the other map syncs and the engine runs"
    )
    func crashLimit() async throws {
        let fixture = try Self.fixture("plugin-crash-limit", crashLimit: 2)
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        // Two crashing rows in two batches: the first is parked, the second reaches the limit.
        try SideReader.execute(
            fixture.erp, "INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME) VALUES ('usmf', 'W-BOOM', 'BOOM')")
        try await Self.await(fixture, "the first crashing row parked") {
            try fixture.tandem(["errors", "list", "--class", "plugin"]).stdout.contains("W-BOOM")
        }
        try SideReader.execute(
            fixture.erp, "INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME) VALUES ('usmf', 'W-BOOM2', 'BOOM')")
        try await Self.await(fixture, "the map failed") {
            try fixture.tandem(["maps", "list"]).stdout.contains("example.warehouses failed: ")
        }
        let reason =
            "plugin com.example.warehouses crashed 2 times within 3600 s (last: SIGSEGV in transform com.example.uppercase of map example.warehouses)"
        try await Self.expectFailed(fixture, reason: reason)

        // No crash loop: the engine runs, and the other map syncs.
        try SideReader.execute(
            fixture.erp, "INSERT INTO CustGroup (DATAAREAID, CUSTGROUPID, NAME) VALUES ('usmf', 'G1', 'Group one')")
        try await Self.await(fixture, "the other map's row") {
            try SideReader.rows(fixture.crm, Self.crmGroups) == ["usmf|G1|Group one"]
        }
        #expect(engine.isRunning)
        #expect(try SideReader.rows(fixture.crm, Self.crmWarehouses).isEmpty)
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
    }

    @Test(
        "A SIGKILL in a plugin call is forgiven once (kill -9 or the out-of-memory killer is not the row's fault); the same batch killed again is narrowed down and its row parked"
    )
    func sigkillForgivenOnce() async throws {
        let fixture = try Self.fixture("plugin-sigkill")
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME) VALUES
                ('usmf', 'W1', 'alpha'), ('usmf', 'W-KILL', 'KILL'), ('usmf', 'W3', 'gamma');
            """)
        let reason =
            "plugin com.example.warehouses crashed (SIGKILL) in transform com.example.uppercase on key 'usmf','W-KILL'"
        try await Self.await(fixture, "the killed row parked") {
            try fixture.tandem(["errors", "list", "--class", "plugin"]).stdout.contains("W-KILL")
        }
        let parked = try await fixture.tandem(["errors", "list", "--class", "plugin", "--json"])
        #expect(parked.stdout.contains(reason), "\(parked.stdout)")
        try await Self.await(fixture, "the other two warehouses") {
            try SideReader.rows(fixture.crm, Self.crmWarehouses) == ["usmf|W1|ALPHA", "usmf|W3|GAMMA"]
        }
        let log = try await fixture.tandem(["log", "--map", "example.warehouses"]).stdout
        // The first kill is told apart and not blamed; the second, on the same batch, is.
        let forgiven =
            "the engine process was killed (SIGKILL) in a call of plugin com.example.warehouses (transform "
            + "com.example.uppercase, map example.warehouses, erp-to-crm, a batch of 3 changes); not counted against the plugin"
        #expect(log.contains(forgiven), "\(log)")
        #expect(
            log.contains(
                "plugin com.example.warehouses crashed (SIGKILL) in transform com.example.uppercase on a batch of 3 changes"),
            "\(log)")
        #expect(engine.isRunning)
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
    }

    @Test(
        "Initial sync through a transform that segfaults on one row: the command starts its work again, resumes, and parks that row alone with class plugin; every other row arrives"
    )
    func initialSyncContainsCrash() async throws {
        let fixture = try SyncFixture.make("plugin-crash-initial", maps: ["sample.groups"]) {
            $0.replacingOccurrences(of: "maps:\n", with: "maps:\n  - name: example.warehouses\n")
        }
        _ = try Fixtures.cTemplatePlugin(editing: Self.crashingEdits, into: fixture.directory + "/plugins")
        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        try #require(install.status == 0, "\(install.stderr)")
        // Rows that were there before Tandem: initial sync's to bring over, the crashing one among them.
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME, ISACTIVE) VALUES
                ('usmf', 'W1', 'alpha', 'yes'), ('usmf', 'W2', 'beta', 'no'), ('usmf', 'W3', 'gamma', 'yes'),
                ('usmf', 'W-BOOM', 'BOOM', 'yes'), ('usmf', 'W5', 'delta', 'no'), ('usmf', 'W6', 'epsilon', 'yes');
            """)
        let sync = try await fixture.tandem(["maps", "initial-sync", "example.warehouses", "--master", "erp", "--chunk", "4"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stderr.contains("the initial sync process (pid "), "\(sync.stderr)")
        #expect(sync.stderr.contains(") crashed (SIGSEGV); starting it again"), "\(sync.stderr)")
        #expect(
            sync.stdout.contains("example.warehouses: in step from the erp side; 0 row(s) differed (the erp version kept), 1 in the error list"),
            "\(sync.stdout)\n\(sync.stderr)")
        #expect(
            try SideReader.rows(fixture.crm, Self.crmWarehouses) == [
                "usmf|W1|ALPHA", "usmf|W2|BETA", "usmf|W3|GAMMA", "usmf|W5|DELTA", "usmf|W6|EPSILON",
            ])
        let list = try await fixture.tandem(["errors", "list", "--class", "plugin", "--json"])
        let parked = (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(parked.count == 1, "\(list.stdout)")
        #expect(
            parked.first?["reason"] as? String
                == "plugin com.example.warehouses crashed (SIGSEGV) in transform com.example.uppercase on key 'usmf','W-BOOM'",
            "\(parked)")
        let log = try await fixture.tandem(["log", "--map", "example.warehouses"])
        #expect(log.stdout.contains("plugin com.example.warehouses crashed (SIGSEGV) in transform com.example.uppercase"), "\(log.stdout)")
        // The map runs afterwards, as initial sync leaves it.
        let status = try await fixture.tandem(["maps", "list"])
        #expect(status.stdout.contains("running"), "\(status.stdout)")
    }
}
