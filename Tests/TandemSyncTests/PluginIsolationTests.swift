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
                        if (end - start == 4 && memcmp(in_data + start, "SLOW", 4) == 0) {
                            sleep(3);
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

    @Test(
        "A plugin that crashes its host process again and again (limit 2) fails its map with the reason in maps list, status and log; the other map syncs and the engine process is never restarted"
    )
    func hostCrashLimit() async throws {
        try await Self.expectLimit(
            "isolated-crash-limit", settings: "{isolation: process, call_timeout_ms: 2000}", name: "BOOM",
            reason:
                "plugin com.example.warehouses crashed 2 times within 600 s (last: SIGSEGV in transform com.example.uppercase of map example.warehouses); fix the plugin, restart `tandem run`, then `tandem maps resume example.warehouses`"
        )
    }

    @Test(
        "A plugin whose calls hang again and again (limit 2): each call killed at call_timeout_ms counts as a crash, and the map fails naming the timeout; the other map syncs"
    )
    func hostHangLimit() async throws {
        try await Self.expectLimit(
            "isolated-hang-limit", settings: "{isolation: process, call_timeout_ms: 1000}", name: "HANG",
            reason:
                "plugin com.example.warehouses crashed or hung 2 times within 600 s (last: no answer within 1000 ms in transform com.example.uppercase of map example.warehouses); fix the plugin, restart `tandem run`, then `tandem maps resume example.warehouses`"
        )
    }

    /// With `plugin_crash_limit: 2`, two rows named `name` (each crashes or
    /// hangs the transform) in two batches: the first is parked (its batch's
    /// failure counts, its own narrowing call does not), the second reaches
    /// the limit and fails the map with `reason`; the other map syncs on and
    /// the engine process is never restarted.
    static func expectLimit(_ label: String, settings: String, name: String, reason: String) async throws {
        let fixture = try Self.fixture(label, settings: settings)
        let config = fixture.directory + "/tandem.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try #require(text.contains("plugin_crash_limit: 5 "))
        try text.replacingOccurrences(of: "plugin_crash_limit: 5 ", with: "plugin_crash_limit: 2 ")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        let insert = "INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME, ISACTIVE) VALUES "
        try SideReader.execute(fixture.erp, insert + "('usmf', 'W-\(name)', '\(name)', 'yes')")
        try await PluginCrashTests.await(fixture, "the first failing row parked") { try Self.parked(fixture).count == 1 }
        #expect(!(try await fixture.tandem(["maps", "list"]).stdout.contains("example.warehouses failed")))
        try SideReader.execute(fixture.erp, insert + "('usmf', 'W-\(name)2', '\(name)', 'yes')")
        try await PluginCrashTests.await(fixture, "the map failed") {
            try fixture.tandem(["maps", "list"]).stdout.contains("example.warehouses failed: ")
        }
        try await PluginCrashTests.expectFailed(fixture, reason: reason)
        try SideReader.execute(
            fixture.erp, "INSERT INTO CustGroup (DATAAREAID, CUSTGROUPID, NAME) VALUES ('usmf', 'G1', 'Group one')")
        try await PluginCrashTests.await(fixture, "the other map's row") {
            try SideReader.rows(fixture.crm, PluginCrashTests.crmGroups) == ["usmf|G1|Group one"]
        }
        #expect(engine.isRunning)
        #expect(!fixture.engineLog.contains("starting it again"), "\(fixture.engineLog.suffix(2000))")
    }

    @Test(
        "A host process inside a call that never returns ends with its engine: kill -9 of tandem run and its engine process leaves no plugin host behind"
    )
    func hostEndsWithEngine() async throws {
        // A call timeout far past the test: only the engine's death can end this call.
        let fixture = try Self.fixture("isolated-orphan", settings: "{isolation: process, call_timeout_ms: 600000}")
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        try SideReader.execute(
            fixture.erp,
            "INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME, ISACTIVE) VALUES ('usmf', 'W-HANG', 'HANG', 'yes');")
        var host: Int32?
        try await PluginCrashTests.await(fixture, "a plugin host process asleep in the hanging transform") {
            host = Self.hostProcesses(of: fixture).first { Self.sleeping($0) }
            return host != nil
        }
        let pid = try #require(host)
        let parent = try #require(Self.parent(of: pid))
        kill(engine.processIdentifier, SIGKILL)
        kill(parent, SIGKILL)
        var left = "alive"
        try await PluginCrashTests.await(fixture, "the plugin host process \(pid) ended after its engine \(parent)") {
            left = Self.state(of: pid) ?? "gone"
            return left == "gone" || left == "Z"
        }
        #expect(left == "gone" || left == "Z", "plugin host \(pid) is \(left)")
    }

    @Test(
        "In the engine's process, a call past engine.plugin_call_stuck_s is reported stuck in the log and in status (text and JSON), and again when it returns"
    )
    func stuckInProcess() async throws {
        let fixture = try Self.fixture("stuck-in-process", settings: "{isolation: in-process}")
        let config = fixture.directory + "/tandem.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try #require(text.contains("plugin_call_stuck_s: 30 "))
        try text.replacingOccurrences(of: "plugin_call_stuck_s: 30 ", with: "plugin_call_stuck_s: 1 ")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let engine = try fixture.startEngine()
        var enginePID: Int32?
        defer {
            if engine.isRunning { kill(engine.processIdentifier, SIGKILL) }
            if let enginePID { kill(enginePID, SIGKILL) }
        }
        // A call that takes 3 s: reported stuck after 1 s, then returned; its rows arrive.
        try SideReader.execute(
            fixture.erp,
            "INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME, ISACTIVE) VALUES ('usmf', 'W-SLOW', 'SLOW', 'yes');")
        try await PluginCrashTests.await(fixture, "the slow row synced") {
            try SideReader.rows(fixture.crm, PluginCrashTests.crmWarehouses) == ["usmf|W-SLOW|SLOW"]
        }
        var log = ""
        try await PluginCrashTests.await(fixture, "the slow call's return logged") {
            log = try fixture.tandem(["log", "--map", "example.warehouses"]).stdout
            return log.contains("plugin call returned")
        }
        #expect(
            log.contains(
                "(engine.plugin_call_stuck_s: 1), on a batch of 1 change of map example.warehouses (erp-to-crm) from key 'usmf','W-SLOW'; the map waits for it. In the engine's process a call cannot be stopped: restart `tandem run` after fixing the plugin, or set plugins.settings.com.example.warehouses.isolation: process to have such a call stopped and its row parked"
            ), "\(log)")
        #expect(log.contains("plugin com.example.warehouses has not returned from transform com.example.uppercase for "), "\(log)")
        #expect(log.contains("plugin com.example.warehouses returned from transform com.example.uppercase after "), "\(log)")
        #expect(log.contains("on map example.warehouses (erp-to-crm); it had been reported stuck"), "\(log)")
        let quiet = try await fixture.tandem(["status", "--json"])
        let quietReport = try #require(try JSONSerialization.jsonObject(with: Data(quiet.stdout.utf8)) as? [String: Any])
        #expect((quietReport["stuckCalls"] as? [Any])?.isEmpty == true, "\(quiet.stdout)")
        enginePID = ((quietReport["engine"] as? [String: Any])?["pid"] as? Int).map(Int32.init)

        // A call that never returns: status names it while the engine is stuck in it.
        try SideReader.execute(
            fixture.erp,
            "INSERT INTO InventWarehouse (DATAAREAID, WAREHOUSEID, NAME, ISACTIVE) VALUES ('usmf', 'W-HANG', 'HANG', 'yes'), ('usmf', 'W2', 'beta', 'no');")
        var stuck: [[String: Any]] = []
        try await PluginCrashTests.await(fixture, "the hanging call in status") {
            let status = try fixture.tandem(["status", "--json"])
            let report = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            stuck = report?["stuckCalls"] as? [[String: Any]] ?? []
            return !stuck.isEmpty
        }
        #expect(stuck.count == 1, "\(stuck)")
        #expect(stuck.first?["plugin"] as? String == "com.example.warehouses")
        #expect(stuck.first?["map"] as? String == "example.warehouses")
        #expect(stuck.first?["changes"] as? Int == 2)
        #expect(stuck.first?["firstKey"] as? String == "'usmf','W-HANG'")
        let status = try await fixture.tandem(["status"])
        #expect(
            status.stdout.contains(
                "plugin call com.example.warehouses: transform com.example.uppercase has not returned for "),
            "\(status.stdout)")
        #expect(
            status.stdout.contains(
                "; map example.warehouses (erp-to-crm) waits for it (a batch of 2 from 'usmf','W-HANG'). It cannot be stopped in the engine's process: fix the plugin and restart `tandem run`, or set plugins.settings.com.example.warehouses.isolation: process"
            ), "\(status.stdout)")
    }

    /// The plugin host processes started for `fixture`'s environment.
    static func hostProcesses(of fixture: SyncFixture) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.count > 1 && arguments[1] == "plugin-host"
                && arguments.contains { $0.hasPrefix(fixture.directory) }
        }
    }

    /// True while a thread of `pid` sleeps, as the transform does on `HANG` (the host serves on a thread of
    /// the Swift runtime's, not its main thread).
    static func sleeping(_ pid: Int32) -> Bool {
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return threads.contains { thread in
            let wchan = (try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/wchan", encoding: .utf8)) ?? ""
            let call = (try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/syscall", encoding: .utf8)) ?? ""
            // x86-64's nanosleep and clock_nanosleep, for a kernel that hides wchan.
            return wchan.contains("nanosleep") || call.hasPrefix("35 ") || call.hasPrefix("230 ")
        }
    }

    /// The fields of `/proc/PID/stat` after the command's name (state, parent, …), nil once `pid` is gone.
    static func stat(of pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
    }

    /// The state letter of `pid` (R, S, Z…), nil once it is gone.
    static func state(of pid: Int32) -> String? { stat(of: pid)?.first.map(String.init) }

    /// The parent of `pid`.
    static func parent(of pid: Int32) -> Int32? { stat(of: pid).flatMap { $0.count > 1 ? Int32($0[1]) : nil } }

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
