import Foundation
import GRDB
import TandemEngine
import TandemTestSupport
import Testing

/// The activity log and `tandem log`, with the real `tandem` binary and a
/// real engine process: every event an admin needs is recorded with its
/// actor, the merged view filters and pages exactly, `--follow` streams,
/// and retention prunes history but never data.
@Suite("Activity log", .serialized)
struct ActivityLogTests {
    /// `tandem log --json` with `arguments`, every entry (one page as large as the log).
    static func log(_ fixture: SyncFixture, _ arguments: [String] = []) throws -> [[String: Any]] {
        let result = try fixture.tandem(["log", "--json", "--limit", "100000"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    /// The actor `tandem` commands run as here: `cli:` and the login name.
    static var cliUser: String {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return "cli:\(user)" }
        return "cli:" + String(cString: getpwuid(getuid())!.pointee.pw_name)
    }

    static func events(_ entries: [[String: Any]]) -> [String] { entries.compactMap { $0["event"] as? String } }

    static func entries(_ entries: [[String: Any]], _ event: String) -> [[String: Any]] {
        entries.filter { $0["event"] as? String == event }
    }

    @Test(
        "Every event kind is recorded with time, actor and details: map created, state changes by the CLI user, initial sync, catch-up, plugins loaded and refused, config and mapping changes with before and after, engine started and stopped"
    )
    func everyEvent() async throws {
        let fixture = try SyncFixture.make("activity-events", maps: ["sample.groups", "sample.customers"])
        let user = Self.cliUser
        // A file in the plugin folder that is not a plugin: refused, with the reason.
        try Data("not a plugin".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/plugins/libjunk.so"))
        try SideReader.execute(
            fixture.erp, "INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale'), ('usmf', '20', 'Retail')")
        let initial = try await fixture.tandem(["maps", "initial-sync", "sample.groups"])
        #expect(initial.status == 0, "\(initial.stderr)")
        #expect(try await fixture.tandem(["maps", "run", "sample.customers"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        #expect(try await fixture.tandem(["maps", "pause", "sample.customers"]).status == 0)
        try SideReader.execute(
            fixture.erp, "INSERT INTO CustTable VALUES ('usmf', 'C1', 'Contoso', '10', '100', 'No', 'n', x'')")
        #expect(try await fixture.tandem(["maps", "resume", "sample.customers"]).status == 0)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == 1 }
        try await waitUntil { try Self.events(Self.log(fixture)).contains(ActivityEvent.catchUpFinished) }
        // Edit the environment and a map's settings; the next command that loads them notices.
        let config = fixture.directory + "/tandem.yaml"
        let yaml = try String(contentsOfFile: config, encoding: .utf8)
        try yaml.replacingOccurrences(of: "batch_size: 2000", with: "batch_size: 500")
            .replacingOccurrences(of: "plugin_crash_limit: 5 ", with: "plugin_crash_limit: 3 ")
            .replacingOccurrences(
                of: "  - name: sample.customers\n    direction: both\n    master: erp\n",
                with:
                    "  - name: sample.customers\n    direction: both\n    master: erp\n    conflict_policy: crm-wins\n"
            )
            .write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try await fixture.tandem(["maps", "stop", "sample.customers"]).status == 0)
        kill(engine.processIdentifier, SIGINT)
        #expect(try await engine.awaitExit() == 0)

        let all = try Self.log(fixture)
        let names = Self.events(all)
        for event in [
            ActivityEvent.mapCreated, ActivityEvent.state, ActivityEvent.initialSyncStarted,
            ActivityEvent.initialSyncProgress,
            ActivityEvent.initialSyncFinished, ActivityEvent.engineStarted, ActivityEvent.pluginLoaded,
            ActivityEvent.pluginRefused,
            ActivityEvent.catchUpStarted, ActivityEvent.catchUpFinished, ActivityEvent.configChanged,
            ActivityEvent.mappingChanged,
            ActivityEvent.engineStopped,
        ] {
            #expect(names.contains(event), "no '\(event)' in \(names)")
        }
        // Every entry has a time and an actor; times never go back.
        let times = all.compactMap { $0["at"] as? Double }
        #expect(times.count == all.count && times == times.sorted())
        #expect(
            all.allSatisfy {
                ($0["actor"] as? String)?.isEmpty == false && ($0["time"] as? String)?.hasSuffix("Z") == true
            })

        let created = Self.entries(all, ActivityEvent.mapCreated)
        #expect(Set(created.compactMap { $0["map"] as? String }) == ["sample.groups", "sample.customers"])
        #expect(created.allSatisfy { $0["actor"] as? String == user }, "\(created)")
        #expect(created.allSatisfy { ($0["details"] as? String)?.contains("plugin tandem.samples") == true })
        // Run, pause, resume, stop by the CLI user; the engine's own transitions by the engine.
        let states = Self.entries(all, ActivityEvent.state).filter { $0["map"] as? String == "sample.customers" }
        #expect(
            states.map { "\($0["actor"] as! String) \($0["details"] as! String)" }
                == ["\(user) running", "\(user) paused", "\(user) resuming", "engine running", "\(user) stopped"],
            "\(states)")
        let started = try #require(Self.entries(all, ActivityEvent.initialSyncStarted).first)
        #expect(started["actor"] as? String == user && started["map"] as? String == "sample.groups")
        let progress = Self.entries(all, ActivityEvent.initialSyncProgress)
        #expect(
            progress.contains {
                ($0["details"] as? String)?.contains("master phase") == true
                    && ($0["details"] as? String)?.contains("2/2 rows") == true
            }, "\(progress)")
        #expect(
            (Self.entries(all, ActivityEvent.initialSyncFinished).first?["details"] as? String)?.contains("master erp")
                == true)
        #expect(Self.entries(all, ActivityEvent.catchUpStarted).first?["map"] as? String == "sample.customers")
        #expect(Self.entries(all, ActivityEvent.catchUpFinished).first?["actor"] as? String == "engine")
        let loaded = Self.entries(all, ActivityEvent.pluginLoaded).compactMap { $0["details"] as? String }
        #expect(loaded.contains { $0.hasPrefix("tandem.samples 1.0.0 from ") }, "\(loaded)")
        let refused = try #require(Self.entries(all, ActivityEvent.pluginRefused).first?["details"] as? String)
        #expect(refused.contains("libjunk.so") && refused.contains(": "), "\(refused)")
        let configChange = try #require(Self.entries(all, ActivityEvent.configChanged).first)
        #expect(configChange["details"] as? String == "engine.batch_size: 2000 → 500; engine.plugin_crash_limit: 5 → 3")
        #expect(configChange["actor"] as? String == user)
        let mappingChange = try #require(Self.entries(all, ActivityEvent.mappingChanged).first)
        #expect(mappingChange["map"] as? String == "sample.customers")
        #expect(mappingChange["details"] as? String == "settings.conflict_policy: (unset) → crm-wins")
        // Noticed once: the next load finds nothing new.
        #expect(try await fixture.tandem(["maps", "run", "sample.customers"]).status == 0)
        #expect(Self.entries(try Self.log(fixture), ActivityEvent.configChanged).count == 1)
        #expect(Self.entries(all, ActivityEvent.engineStopped).first?["actor"] as? String == "engine")
    }

    @Test("Alert rules and notification subscriptions added or changed in tandem.yaml are config changes with before and after; a webhook's token, path and header values never reach the activity log")
    func alertConfigChanges() throws {
        let fixture = try SyncFixture.make("activity-alert-config", maps: ["sample.notes"])
        let config = fixture.directory + "/tandem.yaml"
        func write(threshold: Int, token: String) throws {
            let base = try String(contentsOfFile: config, encoding: .utf8)
            let plain = base.components(separatedBy: "\nnotifications:\n").first!
            try (plain + """

                notifications:
                  ops:
                    webhook: https://hooks.example.com/services/\(token)?key=\(token)
                    headers:
                      Authorization: Bearer \(token)
                alerts:
                  - name: app-errors
                    condition: errors
                    class: application
                    threshold: \(threshold)
                    within: 15m
                    notify: [ops]
                    action: pause

                """).write(toFile: config, atomically: true, encoding: .utf8)
        }
        #expect(try fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        try write(threshold: 10, token: "s3cr3tTokenOne")
        #expect(try fixture.tandem(["maps", "pause", "sample.notes"]).status == 0)
        try write(threshold: 20, token: "s3cr3tTokenTwo")
        #expect(try fixture.tandem(["maps", "resume", "sample.notes"]).status == 0)

        let changes = Self.entries(try Self.log(fixture), ActivityEvent.configChanged).compactMap { $0["details"] as? String }
        #expect(changes.count == 2, "\(changes)")
        #expect(
            changes.first?.contains(
                "alerts.app-errors: (unset) → application errors >= 10 within 15m on every map → notify ops, pause") == true,
            "\(changes)")
        #expect(changes.first?.contains("notifications.ops: (unset) → ops (webhook https://hooks.example.com/***), 8 attempts") == true, "\(changes)")
        #expect(
            changes.last
                == "alerts.app-errors: application errors >= 10 within 15m on every map → notify ops, pause → application errors >= 20 within 15m on every map → notify ops, pause",
            "\(changes)")
        let everything = try SideReader.rows(fixture.directory + "/state.sqlite", "SELECT COALESCE(details, '') FROM activity").joined(separator: "\n")
        #expect(!everything.contains("s3cr3tToken"), "\(everything)")
    }

    @Test(
        "A plugin's changed map definition is logged as mapping changed with before and after, and a map taken out of tandem.yaml as map removed"
    )
    func pluginMappingChange() throws {
        let fixture = try SyncFixture.make("activity-plugin", maps: []) {
            $0.replacingOccurrences(
                of: "maps: []", with: "maps:\n  - name: contoso.sites\n  - name: contoso.warehouses\n")
        }
        let plugins = fixture.directory + "/plugins"
        _ = try Fixtures.warehousesExample(into: plugins)
        #expect(try fixture.tandem(["capture", "install", "--create-tables"]).status == 0)
        let run = try fixture.tandem(["maps", "run", "contoso.sites"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            Set(Self.entries(try Self.log(fixture), ActivityEvent.mapCreated).compactMap { $0["map"] as? String }) == [
                "contoso.sites", "contoso.warehouses",
            ])
        // The author makes the sites' NAME flow one way only and ships the plugin again.
        _ = try Fixtures.warehousesExample(
            editing: [
                (
                    #"{ "erp": "NAME", "crm": "msdyn_name", "direction": "<->" }"# + "\n            ],",
                    #"{ "erp": "NAME", "crm": "msdyn_name", "direction": "->" }"# + "\n            ],"
                )
            ],
            into: plugins)
        let config = fixture.directory + "/tandem.yaml"
        try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(
            of: "  - name: contoso.warehouses\n", with: ""
        )
        .write(toFile: config, atomically: true, encoding: .utf8)
        let pause = try fixture.tandem(["maps", "pause", "contoso.sites"])
        #expect(pause.status == 0, "\(pause.stderr)")
        let all = try Self.log(fixture)
        let changed = Self.entries(all, ActivityEvent.mappingChanged)
        #expect(changed.map { $0["map"] as? String } == ["contoso.sites"])
        #expect(changed.first?["details"] as? String == "definition.fields[2].direction: <-> → ->", "\(changed)")
        #expect(changed.first?["actor"] as? String == Self.cliUser)
        let removed = Self.entries(all, ActivityEvent.mapRemoved)
        #expect(removed.map { $0["map"] as? String } == ["contoso.warehouses"])
        #expect((removed.first?["details"] as? String)?.contains("no longer enabled in \(config)") == true)
        // Its history stays reachable by name.
        #expect(try fixture.tandem(["log", "--map", "contoso.warehouses"]).status == 0)
    }

    /// Groups, customers and notes running under an engine, with one conflict
    /// (customer C1 renamed on both sides while paused), one parked change
    /// (note 5000, refused by the CRM) and one activity entry moved three days back.
    static func mixedFixture(_ label: String) async throws -> (SyncFixture, Process) {
        let fixture = try SyncFixture.make(label, maps: ["sample.groups", "sample.customers", "sample.notes"])
        try SideReader.execute(fixture.crm, ErrorTests.validation)
        #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        try SideReader.execute(
            fixture.erp,
            "INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale'); INSERT INTO CustTable VALUES ('usmf', 'C1', 'Contoso', '10', '100', 'No', 'n', x'');"
        )
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == 1 }
        #expect(try await fixture.tandem(["maps", "pause", "sample.customers"]).status == 0)
        // The engine's own word that it paused, not just the state database's.
        try await waitUntil { fixture.engineLog.contains("map sample.customers: running → paused") }
        try SideReader.execute(fixture.erp, "UPDATE CustTable SET NAME = 'erp C1' WHERE ACCOUNTNUM = 'C1'")
        try SideReader.execute(fixture.crm, "UPDATE account SET name = 'crm C1' WHERE accountnumber = 'C1'")
        #expect(try await fixture.tandem(["maps", "resume", "sample.customers"]).status == 0)
        try SideReader.execute(fixture.erp, "INSERT INTO Notes (NOTEID, TEXT) VALUES (4999, 'fine'), (5000, 'poison')")
        try await waitUntil {
            try Self.log(fixture, ["--kind", "error"]).count == 1
                && Self.log(fixture, ["--kind", "conflict"]).count == 1
        }
        let state = try StateStore(path: fixture.directory + "/state.sqlite")
        try state.log(
            actor: "rule:old", map: "sample.notes", event: ActivityEvent.alertFired, details: "long ago, about key 5000"
        )
        try SideReader.execute(
            fixture.directory + "/state.sqlite", "UPDATE activity SET at = at - 3 * 86400000 WHERE actor = 'rule:old'")
        return (fixture, engine)
    }

    @Test(
        "Filters keep what they should and drop what they should not: map, side, kind and event, key, since and until")
    func filters() async throws {
        let (fixture, engine) = try await Self.mixedFixture("activity-filters")
        defer { kill(engine.processIdentifier, SIGKILL) }
        let all = try Self.log(fixture)
        let error = try #require(all.first { $0["kind"] as? String == "error" })
        let conflict = try #require(all.first { $0["kind"] as? String == "conflict" })
        #expect(
            error["id"] as? String == "crm-1" && error["side"] as? String == "crm" && error["key"] as? String == "5000",
            "\(error)")
        #expect(error["map"] as? String == "sample.notes" && error["event"] as? String == "change parked")
        #expect((error["details"] as? String)?.contains("notetext must not start with poison") == true)
        #expect(conflict["map"] as? String == "sample.customers" && conflict["event"] as? String == "conflict detected")
        let conflictSide = try #require(conflict["side"] as? String)
        let conflictNumber = try #require(conflict["id"] as? String)
        #expect(conflictNumber.hasPrefix(conflictSide + "-"))
        // Errors and conflicts are numbered apart (crm-1 may be both): name them with their kind.
        let conflictID = "conflict " + conflictNumber
        let ids = { (entries: [[String: Any]]) in
            Set(entries.compactMap { entry in (entry["id"] as? String).map { "\(entry["kind"]!) \($0)" } })
        }

        // Kinds and events: an entry is kept when its kind or its event is listed.
        #expect(ids(try Self.log(fixture, ["--kind", "error"])) == ["error crm-1"])
        #expect(ids(try Self.log(fixture, ["--kind", "conflict"])) == [conflictID])
        let activity = try Self.log(fixture, ["--kind", "activity"])
        #expect(activity.count == all.count - 2 && activity.allSatisfy { $0["kind"] as? String == "activity" })
        let created = try Self.log(fixture, ["--kind", "map created"])
        #expect(created.count == 3 && created.allSatisfy { $0["event"] as? String == "map created" })
        let mixed = try Self.log(fixture, ["--kind", "error,engine started"])
        #expect(Set(Self.events(mixed)) == ["change parked", "engine started"])

        // Map: the notes map's entries only (its error, its activity), not the customers' conflict.
        let notes = try Self.log(fixture, ["--map", "sample.notes"])
        #expect(notes.allSatisfy { $0["map"] as? String == "sample.notes" })
        #expect(ids(notes).contains("error crm-1") && !ids(notes).contains(conflictID))
        #expect(Self.events(notes).contains("map created") && Self.events(notes).contains("alert fired"))
        let two = try Self.log(
            fixture, ["--map", "sample.notes", "--map", "sample.customers", "--kind", "error,conflict"])
        #expect(ids(two) == ["error crm-1", conflictID])

        // Side: errors and conflicts that side holds; activity has no side.
        let crm = try Self.log(fixture, ["--side", "crm"])
        #expect(crm.allSatisfy { $0["side"] as? String == "crm" } && ids(crm).contains("error crm-1"))
        #expect(ids(crm).contains(conflictID) == (conflictSide == "crm"))
        let erp = try Self.log(fixture, ["--side", "erp"])
        #expect(!ids(erp).contains("error crm-1") && erp.allSatisfy { $0["side"] as? String == "erp" })
        #expect(ids(erp).contains(conflictID) == (conflictSide == "erp"))

        // Key: in the stored form and typed plainly; activity that names the key.
        let byKey = try Self.log(fixture, ["--key", "5000"])
        #expect(ids(byKey).contains("error crm-1") && !ids(byKey).contains(conflictID))
        #expect(Self.events(byKey).contains("alert fired"))
        let storedKey = try #require(conflict["key"] as? String)
        let plainKey = storedKey.replacingOccurrences(of: "'", with: "")
        for key in [storedKey, plainKey] {
            #expect(
                ids(try Self.log(fixture, ["--key", key, "--kind", "conflict,error"])) == [conflictID], "--key \(key)")
        }
        #expect(try Self.log(fixture, ["--key", "no-such-key"]).isEmpty)

        // Time: the entry moved three days back is before --since 2d, and alone before --until 2d.
        let recent = try Self.log(fixture, ["--since", "2d"])
        #expect(recent.count == all.count - 1 && !Self.events(recent).contains("alert fired"))
        #expect(Self.events(try Self.log(fixture, ["--until", "2d"])) == ["alert fired"])
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let day = formatter.string(from: Date().addingTimeInterval(-2 * 86_400))
        #expect(Self.events(try Self.log(fixture, ["--until", day])) == ["alert fired"])
        #expect(try Self.log(fixture, ["--since", "1h", "--until", "30m"]).isEmpty)

        // The text view: one line per entry with the error's ID and key.
        let text = try await fixture.tandem(["log", "--kind", "error"])
        #expect(
            text.stdout.contains("error     change parked") && text.stdout.contains("crm-1")
                && text.stdout.contains("key 5000"),
            "\(text.stdout)")
    }

    @Test("Paging: consecutive pages are disjoint, newest first, and together cover every entry exactly once")
    func paging() async throws {
        let (fixture, engine) = try await Self.mixedFixture("activity-paging")
        defer { kill(engine.processIdentifier, SIGKILL) }
        let state = try StateStore(path: fixture.directory + "/state.sqlite")
        for index in 0..<230 {
            try state.log(actor: "rule:bulk", map: nil, event: ActivityEvent.alertCleared, details: "entry \(index)")
        }
        kill(engine.processIdentifier, SIGINT)
        #expect(try await engine.awaitExit() == 0)
        let all = try Self.log(fixture)
        #expect(all.count > 230)
        var seen: [String] = []
        var before: String?
        var pages = 0
        while pages < 100 {
            let result = try await fixture.tandem(
                ["log", "--json", "--limit", "40"] + (before.map { ["--before", $0] } ?? []))
            #expect(result.status == 0, "\(result.stderr)")
            let page = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            pages += 1
            seen = page.compactMap { $0["cursor"] as? String } + seen
            guard result.stderr.contains("older entries: tandem log --before ") else { break }
            #expect(page.count == 40)
            before = try #require(page.first?["cursor"] as? String)
            #expect(result.stderr.contains(before!))
        }
        #expect(pages == (all.count + 39) / 40)
        #expect(Set(seen).count == seen.count, "pages overlap")
        #expect(seen == all.compactMap { $0["cursor"] as? String }, "pages do not cover the log in order")
        // Filters page too: the newest 100 of 230, oldest first.
        let cleared = try await fixture.tandem(["log", "--json", "--limit", "100", "--kind", "alert cleared"])
        #expect(cleared.stderr.contains("older entries"))
        let first = try #require(try JSONSerialization.jsonObject(with: Data(cleared.stdout.utf8)) as? [[String: Any]])
        #expect(first.first?["details"] as? String == "entry 130" && first.last?["details"] as? String == "entry 229")
    }

    @Test("--follow prints an entry written after it started, as a JSON line, and ends on SIGINT")
    func follow() async throws {
        let fixture = try SyncFixture.make("activity-follow", maps: ["sample.groups"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.tandemExecutable)
        process.arguments = [
            "log", "--follow", "--json", "--env", fixture.directory, "--kind", "activity", "--limit", "5",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["TANDEM_BUNDLED_PLUGINS": fixture.bundled]) {
            $1
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let lines = LineCollector(output.fileHandleForReading)
        // First the newest entries (init created the map).
        try await waitUntil(timeout: .seconds(120)) { lines.lines.contains { $0.contains("map created") } }
        #expect(try await fixture.tandem(["maps", "run", "sample.groups"]).status == 0)
        let state = try StateStore(path: fixture.directory + "/state.sqlite")
        try state.log(
            actor: "rule:follow", map: "sample.groups", event: ActivityEvent.alertFired,
            details: "written after --follow started")
        try await waitUntil(timeout: .seconds(120)) {
            lines.lines.contains { $0.contains("written after --follow started") }
        }
        let fired = try #require(lines.lines.first { $0.contains("rule:follow") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(fired.utf8)) as? [String: Any])
        #expect(object["event"] as? String == "alert fired" && object["actor"] as? String == "rule:follow")
        let running = try #require(lines.lines.firstIndex { $0.contains("\"details\":\"running\"") }, "\(lines.lines)")
        let alert = try #require(lines.lines.firstIndex { $0.contains("rule:follow") })
        #expect(running < alert)
        #expect(lines.lines.filter { $0.contains("rule:follow") }.count == 1)
        kill(process.processIdentifier, SIGINT)
        #expect(try await process.awaitExit(timeout: .seconds(10)) == 0)
    }

    @Test(
        "Retention: the engine prunes activity and resolved conflicts past log retention in chunks, keeps parked changes and open conflicts, and logs a summary only when it pruned"
    )
    func retention() async throws {
        let fixture = try SyncFixture.make("activity-retention", maps: ["sample.groups"]) {
            $0 + "\nlog:\n  retention_days: 7\n  conflict_retention_days: 2\n"
        }
        let state = try StateStore(path: fixture.directory + "/state.sqlite")
        for index in 0..<2500 {
            try state.log(
                actor: "rule:old", map: "sample.groups", event: ActivityEvent.alertFired, details: "old \(index)")
        }
        try state.log(
            actor: "rule:young", map: "sample.groups", event: ActivityEvent.alertFired, details: "six days old")
        let day = 86_400_000.0
        try SideReader.execute(
            fixture.directory + "/state.sqlite",
            """
            UPDATE activity SET at = at - 8 * \(day) WHERE actor = 'rule:old';
            UPDATE activity SET at = at - 6 * \(day) WHERE actor = 'rule:young';
            """)
        let now = Date().timeIntervalSince1970 * 1000
        let old = now - 30 * day
        let resolvedYesterday = now - day
        // On the CRM side: a conflict resolved long ago, one detected long ago but resolved
        // yesterday, an open one from long ago, and a parked change from long ago.
        try SideReader.execute(
            fixture.crm,
            """
            INSERT INTO _tandem_conflicts (map, key, policy, winner, source, source_seq, target_seq, at, status, resolved_at)
            VALUES ('sample.groups', '''usmf'',''1''', 'erp-wins', 'erp', 'erp', 1, 1, \(old), 'resolved', \(old)),
                   ('sample.groups', '''usmf'',''2''', 'manual', 'erp', 'erp', 2, 2, \(old), 'resolved', \(resolvedYesterday)),
                   ('sample.groups', '''usmf'',''3''', 'manual', 'none', 'erp', 3, 3, \(old), 'open', NULL);
            INSERT INTO _tandem_parked (map, source, seq, tbl, op, key, row, at, kind, reason, parked_at)
            VALUES ('sample.groups', 'erp', 4, 'CustGroup', 'I', '''usmf'',''4''', NULL, \(old), 'error', 'refused', \(old));
            """)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await waitUntil { try Self.events(Self.log(fixture)).contains(ActivityEvent.logPruned) }
        let all = try Self.log(fixture)
        let pruned = Self.entries(all, ActivityEvent.logPruned)
        #expect(
            pruned.map { $0["details"] as? String } == [
                "pruned 2500 activity entries older than 7 days; 1 resolved conflicts older than 2 days"
            ],
            "\(pruned)")
        #expect(!all.contains { $0["actor"] as? String == "rule:old" })
        #expect(all.contains { $0["actor"] as? String == "rule:young" })
        #expect(
            try SideReader.rows(fixture.crm, "SELECT key FROM _tandem_conflicts ORDER BY id") == [
                "'usmf','2'", "'usmf','3'",
            ])
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 1)
        #expect(try Self.log(fixture, ["--kind", "error"]).count == 1)
        // Nothing left to prune: a restart writes no second summary.
        kill(engine.processIdentifier, SIGINT)
        #expect(try await engine.awaitExit() == 0)
        let again = try fixture.startEngine()
        defer { kill(again.processIdentifier, SIGKILL) }
        try await waitUntil { try Self.entries(Self.log(fixture), ActivityEvent.engineStarted).count == 2 }
        try await Task.sleep(for: .seconds(1))
        #expect(Self.entries(try Self.log(fixture), ActivityEvent.logPruned).count == 1)
    }

    @Test(
        "Bad input names the problem and the fix: unknown kind, bad time, unknown map, bad side, bad cursor, retention out of range in tandem.yaml"
    )
    func badInput() throws {
        let fixture = try SyncFixture.make("activity-bad", maps: ["sample.groups"])
        func failure(_ arguments: [String]) throws -> String {
            let result = try fixture.tandem(["log"] + arguments)
            #expect(result.status != 0, "\(arguments) succeeded")
            return result.stderr
        }
        #expect(
            try failure(["--kind", "warnings"]).contains(
                "--kind 'warnings' is neither a kind (activity, error, conflict) nor an event (engine started,"))
        #expect(
            try failure(["--since", "yesterday"]).contains(
                "--since 'yesterday' is neither a duration (30s, 15m, 2h, 7d) nor a date"))
        #expect(try failure(["--until", "5x"]).contains("--until '5x' is neither a duration"))
        #expect(
            try failure(["--since", "1h", "--until", "2h"]).contains(
                "--since 1h is not before --until 2h; nothing can match"))
        let map = try failure(["--map", "sample.nope"])
        #expect(
            map.contains(
                "--map 'sample.nope': no such map in \(fixture.directory)/tandem.yaml (enabled: sample.groups) nor in the log"
            ), "\(map)")
        #expect(try failure(["--side", "both"]).contains("--side must be erp or crm, not 'both'"))
        #expect(
            try failure(["--before", "yesterday"]).contains(
                "'yesterday' is not a log cursor; use the one `tandem log` printed"))
        #expect(try failure(["--limit", "0"]).contains("--limit must be at least 1, not 0"))
        #expect(
            try failure(["--follow", "--before", "1:0:1"]).contains(
                "--follow shows the newest entries and what comes next; leave out --before"))

        let config = fixture.directory + "/tandem.yaml"
        let yaml = try String(contentsOfFile: config, encoding: .utf8)
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).count
        try (yaml + "\nlog:\n  retention_days: -1\n").write(toFile: config, atomically: true, encoding: .utf8)
        let negative = try failure([])
        #expect(
            negative.contains("tandem.yaml:\(lines + 2):19: log.retention_days: -1 is out of range; use 1...36500"),
            "\(negative)")
        try (yaml + "\nlog:\n  keep_days: 3\n").write(toFile: config, atomically: true, encoding: .utf8)
        #expect(
            try failure([]).contains(
                "log.keep_days: unknown setting 'keep_days'; expected one of retention_days, conflict_retention_days"))
    }
}

/// Collects a pipe's lines as they arrive, on a thread of its own.
final class LineCollector: @unchecked Sendable {
    // Guarded by `lock`: the reading thread appends, the test reads.
    private var collected: [String] = []
    private let lock = NSLock()

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            var buffer = Data()
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                buffer.append(data)
                while let newline = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    lock.withLock { collected.append(line) }
                }
            }
        }
        thread.start()
    }

    /// The complete lines so far.
    var lines: [String] { lock.withLock { collected } }
}
