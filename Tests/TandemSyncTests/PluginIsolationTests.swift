import Foundation
import TandemTestSupport
import Testing

/// Issue 17 §3, "Out-of-process isolation": with `isolation: process` the
/// crashing C transform of PluginCrashTests runs in a `tandem plugin-host`
/// process. A segfault or a hang there ends that process only: the engine
/// process that `tandem run` started is never restarted, the row is parked
/// with class `plugin`, and the rest of the batch and the other map sync.
@Suite("A plugin in its own process costs its row, never the engine", .serialized)
struct PluginIsolationTests {
    /// PluginCrashTests' edits, and a transform that never returns on the name `HANG`.
    static let edits: [(String, String)] =
        PluginCrashTests.crashingEdits + [
            (
                "for (int32_t k = start; k < end; k++) {",
                """
                while (end - start == 4 && memcmp(in_data + start, "HANG", 4) == 0) {
                            sleep(1);
                        }
                        for (int32_t k = start; k < end; k++) {
                """
            )
        ]

    /// An environment with map `example.warehouses` (its plugin in a host process) and `sample.groups`, both running.
    static func fixture(
        _ label: String, settings: String = "{isolation: process, call_timeout_ms: 2000}"
    ) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: ["sample.groups"]) {
            $0.replacingOccurrences(of: "maps:\n", with: "maps:\n  - name: example.warehouses\n")
                .replacingOccurrences(
                    of: "\nplugins:\n", with: "\nplugins:\n  settings:\n    com.example.warehouses: \(settings)\n")
        }
        _ = try Fixtures.cTemplatePlugin(editing: edits, into: fixture.directory + "/plugins")
        let install = try fixture.tandem(["capture", "install", "--create-tables"])
        try #require(install.status == 0, "\(install.stderr)")
        let run = try fixture.tandem(["maps", "run", "sample.groups", "example.warehouses"])
        try #require(run.status == 0, "\(run.stderr)")
        return fixture
    }

    /// The changes parked with class `plugin`.
    static func parked(_ fixture: SyncFixture) throws -> [[String: Any]] {
        let list = try fixture.tandem(["errors", "list", "--class", "plugin", "--json"])
        return (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test(
        "A transform that segfaults on one row of six in a host process: the row is parked with the signal, transform and key, the other five and another map sync, and the engine process runs on"
    )
    func segfault() async throws {
        let fixture = try Self.fixture("isolated-crash")
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustGroup (DATAAREAID, CUSTGROUPID, NAME) VALUES ('usmf', 'G1', 'Before');
            INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME, ISACTIVE) VALUES
                ('usmf', 'W1', 'alpha', 'yes'), ('usmf', 'W2', 'beta', 'no'), ('usmf', 'W3', 'gamma', 'yes'),
                ('usmf', 'W-BOOM', 'BOOM', 'yes'), ('usmf', 'W5', 'delta', 'no'), ('usmf', 'W6', 'epsilon', 'yes');
            """)
        var parked: [[String: Any]] = []
        try await PluginCrashTests.await(fixture, "the crashing row parked") {
            parked = try Self.parked(fixture)
            return !parked.isEmpty
        }
        #expect(parked.count == 1, "\(parked)")
        #expect(parked.first?["map"] as? String == "example.warehouses", "\(parked)")
        #expect(
            parked.first?["reason"] as? String
                == "plugin com.example.warehouses crashed (SIGSEGV) in transform com.example.uppercase on key 'usmf','W-BOOM'",
            "\(parked)")
        try await PluginCrashTests.await(fixture, "the other five warehouses") {
            try SideReader.rows(fixture.crm, PluginCrashTests.crmWarehouses).count == 5
        }
        #expect(
            try SideReader.rows(fixture.crm, PluginCrashTests.crmWarehouses) == [
                "usmf|W1|ALPHA", "usmf|W2|BETA", "usmf|W3|GAMMA", "usmf|W5|DELTA", "usmf|W6|EPSILON",
            ])
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustGroup (DATAAREAID, CUSTGROUPID, NAME) VALUES ('usmf', 'G2', 'After');
            INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME, ISACTIVE) VALUES ('usmf', 'W7', 'zeta', 'no');
            """)
        try await PluginCrashTests.await(fixture, "a group and a warehouse written after the crash") {
            try SideReader.rows(fixture.crm, PluginCrashTests.crmGroups) == ["usmf|G1|Before", "usmf|G2|After"]
                && SideReader.rows(fixture.crm, PluginCrashTests.crmWarehouses).contains("usmf|W7|ZETA")
        }
        // Each host process crash is in the log: the batch's, then the row's alone.
        let log = try await fixture.tandem(["log", "--map", "example.warehouses"])
        #expect(
            log.stdout.contains(
                "plugin com.example.warehouses crashed (SIGSEGV) in transform com.example.uppercase in its plugin host process on a batch of 6 changes of map example.warehouses (erp-to-crm)"
            ), "\(log.stdout)")
        #expect(log.stdout.contains("while narrowing down a failed batch, on 1 change of map"), "\(log.stdout)")
        // The engine process itself never crashed: tandem run did not have to start it again.
        #expect(engine.isRunning)
        #expect(!fixture.engineLog.contains("starting it again"), "\(fixture.engineLog.suffix(2000))")
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
    }

    @Test(
        "A transform that never returns on one row: past call_timeout_ms its host process is killed and the row parked as a plugin timeout; the rest syncs"
    )
    func timeout() async throws {
        let fixture = try Self.fixture("isolated-timeout", settings: "{isolation: process, call_timeout_ms: 1500}")
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME, ISACTIVE) VALUES
                ('usmf', 'W1', 'alpha', 'yes'), ('usmf', 'W-HANG', 'HANG', 'yes'), ('usmf', 'W3', 'gamma', 'no');
            INSERT INTO CustGroup (DATAAREAID, CUSTGROUPID, NAME) VALUES ('usmf', 'G1', 'During');
            """)
        var parked: [[String: Any]] = []
        try await PluginCrashTests.await(fixture, "the hanging row parked") {
            parked = try Self.parked(fixture)
            return !parked.isEmpty
        }
        #expect(
            parked.first?["reason"] as? String
                == "plugin com.example.warehouses timeout: transform com.example.uppercase did not return within 1500 ms on key 'usmf','W-HANG' (call_timeout_ms); its host process was killed",
            "\(parked)")
        try await PluginCrashTests.await(fixture, "the other rows") {
            try SideReader.rows(fixture.crm, PluginCrashTests.crmWarehouses) == ["usmf|W1|ALPHA", "usmf|W3|GAMMA"]
                && SideReader.rows(fixture.crm, PluginCrashTests.crmGroups) == ["usmf|G1|During"]
        }
        let log = try await fixture.tandem(["log", "--map", "example.warehouses"])
        #expect(
            log.stdout.contains(
                "plugin com.example.warehouses timeout: transform com.example.uppercase did not return within 1500 ms (call_timeout_ms) in its plugin host process"
            ), "\(log.stdout)")
        #expect(engine.isRunning)
        #expect(!fixture.engineLog.contains("starting it again"), "\(fixture.engineLog.suffix(2000))")
    }

    @Test("A bad isolation value is refused by the CLI, naming the setting and the values it takes")
    func badValue() async throws {
        let fixture = try SyncFixture.make("isolated-bad-value", maps: ["sample.groups"]) {
            $0.replacingOccurrences(
                of: "\nplugins:\n", with: "\nplugins:\n  settings:\n    com.example.warehouses: {isolation: sandbox}\n")
        }
        let status = try await fixture.tandem(["status"])
        #expect(status.status != 0)
        #expect(
            status.stderr.contains(
                "plugins.settings.com.example.warehouses.isolation: 'sandbox' is not one of in-process, process"),
            "\(status.stderr)")
    }
}
