import Foundation
import TandemTestSupport
import Testing

/// Alert rules and notifications with the engine as a real process on real
/// SQLite sides: each condition firing and not firing, the pause and stop
/// actions (and that a pause loses nothing), and delivery to a real HTTP
/// server, a command and a file, with retries and secrets kept out of logs.
@Suite("Alert rules and notifications", .serialized)
struct AlertTests {
    /// An environment with `maps` running and `extra` appended to its tandem.yaml.
    static func make(
        _ label: String, maps: [String] = ["sample.groups", "sample.notes"], _ extra: String
    ) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: maps) { $0 + "\n" + extra + "\n" }
        let run = try fixture.tandem(["maps", "run"] + maps)
        #expect(run.status == 0, "\(run.stderr)")
        return fixture
    }

    /// Activity entries of `event` as `actor|map|details`, oldest first.
    static func activity(_ fixture: SyncFixture, _ event: String) throws -> [String] {
        try SideReader.rows(
            fixture.directory + "/state.sqlite",
            "SELECT actor || '|' || COALESCE(map, '') || '|' || COALESCE(details, '') FROM activity WHERE event = '\(event)' ORDER BY id"
        )
    }

    /// The rules that fired, in order (`rule:<name>|map`).
    static func fired(_ fixture: SyncFixture) throws -> [String] {
        try activity(fixture, "alert fired").map { $0.split(separator: "|").prefix(2).joined(separator: "|") }
    }

    static func jsonLines(_ path: String) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    static func mapState(_ fixture: SyncFixture, _ map: String) throws -> String {
        try SideReader.rows(
            fixture.directory + "/state.sqlite",
            "SELECT state || '|' || changed_by || '|' || COALESCE(reason, '') FROM maps WHERE name = '\(map)'"
        ).first ?? ""
    }

    /// Waits a few check intervals, for tests that something did not happen (more).
    static func settle() async throws { try await Task.sleep(for: .milliseconds(1200)) }

    // MARK: Conditions

    @Test(
        "Errors by class within a window: fires once for its class, map and threshold, not for another class, another map or a higher threshold; a short window clears on its own"
    )
    func errorsByClass() async throws {
        let fixture = try Self.make(
            "alert-errors",
            """
            notifications:
              audit:
                file: notices.jsonl
            alerts:
              check_interval_ms: 200
              rules:
                - name: app-errors
                  maps: [sample.notes]
                  condition: errors
                  class: application
                  threshold: 2
                  within: 15m
                  notify: [audit]
                - name: recent-app-errors
                  condition: errors
                  class: application
                  threshold: 2
                  within: 12s
                - name: plugin-errors
                  condition: errors
                  class: plugin
                  threshold: 1
                  within: 15m
                - name: many-errors
                  condition: errors
                  threshold: 3
                  within: 15m
                - name: group-errors
                  maps: [sample.groups]
                  condition: errors
                  threshold: 1
                  within: 15m
                # Parked changes count in the queue depth of a running map.
                - name: parked-queue
                  maps: [sample.notes]
                  condition: queue-depth
                  threshold: 2
            """)
        try SideReader.execute(fixture.crm, ErrorTests.validation)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'fine'), (2, 'poison a'), (3, 'poison b')")
        try await waitUntil { try Self.fired(fixture).contains("rule:app-errors|sample.notes") }
        // The 12 s window passes while both errors stay parked: that rule clears by itself.
        try await waitUntil {
            try Self.activity(fixture, "alert cleared").contains {
                $0.hasPrefix("rule:recent-app-errors|sample.notes|")
            }
        }
        try await Self.settle()
        #expect(
            Set(try Self.fired(fixture))
                == ["rule:app-errors|sample.notes", "rule:recent-app-errors|sample.notes", "rule:parked-queue|sample.notes"])
        #expect(try Self.fired(fixture).count == 3)
        let entry = try #require(try Self.activity(fixture, "alert fired").first { $0.hasPrefix("rule:app-errors|") })
        #expect(
            entry == "rule:app-errors|sample.notes|application errors >= 2 within 15m: measured 2; notify audit",
            "\(entry)")
        let cleared = try Self.activity(fixture, "alert cleared")
        #expect(
            cleared == ["rule:recent-app-errors|sample.notes|application errors >= 2 within 12s: measured 0"],
            "\(cleared)")

        let notices = Self.jsonLines(fixture.directory + "/notices.jsonl")
        #expect(notices.count == 1, "\(notices)")
        let notice = try #require(notices.first)
        #expect(notice["event"] as? String == "fired")
        #expect(notice["environment"] as? String == "env")
        #expect(notice["rule"] as? String == "app-errors")
        #expect(notice["map"] as? String == "sample.notes")
        #expect(notice["condition"] as? String == "errors")
        #expect(notice["errorClass"] as? String == "application")
        #expect(notice["windowSeconds"] as? Int == 900)
        #expect(notice["value"] as? Double == 2)
        #expect(notice["threshold"] as? Int == 2)
        #expect(notice["actions"] as? [String] == ["notify audit"])
        #expect((notice["time"] as? String)?.hasSuffix("Z") == true, "\(notice)")

        // `tandem alerts`: the rules with where they fired, and the outbox.
        let listed = try await fixture.tandem(["alerts", "list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let rules = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let firedOn = Dictionary(
            uniqueKeysWithValues: rules.map { rule in
                (rule["name"] as! String, (rule["fired"] as! [[String: Any]]).map { $0["map"] as! String })
            })
        #expect(
            firedOn == [
                "app-errors": ["sample.notes"], "recent-app-errors": [], "plugin-errors": [], "many-errors": [], "group-errors": [],
                "parked-queue": ["sample.notes"],
            ], "\(firedOn)")
        #expect(rules.first?["condition"] as? String == "application errors >= 2 within 15m")
        #expect(rules.first?["actions"] as? [String] == ["notify audit"])
        let table = try await fixture.tandem(["alerts", "list"])
        #expect(table.stdout.contains("app-errors") && table.stdout.contains("sample.notes ("), "\(table.stdout)")
        let outbox = try await fixture.tandem(["alerts", "notifications", "--json"])
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(outbox.stdout.utf8)) as? [[String: Any]])
        #expect(sent.map { "\($0["subscription"]!) \($0["rule"]!) \($0["status"]!) \($0["attempts"]!)" } == ["audit app-errors delivered 1"], "\(sent)")
        #expect(try await fixture.tandem(["alerts", "notifications", "--status", "failed"]).stdout == "no notifications failed\n")
        let bad = try await fixture.tandem(["alerts", "notifications", "--status", "lost"])
        #expect(bad.status != 0 && bad.stderr.contains("--status must be pending, delivered or failed, not 'lost'"), "\(bad.stderr)")
    }

    @Test(
        "Lag in changes, queue depth and lag in seconds fire at their thresholds on a paused map and clear after resume; higher thresholds never fire"
    )
    func lagAndQueue() async throws {
        let fixture = try Self.make(
            "alert-lag",
            """
            notifications:
              audit:
                file: lag.jsonl
            alerts:
              check_interval_ms: 200
              rules:
                - {name: lag-5, maps: [sample.notes], condition: lag-changes, threshold: 5, notify: [audit]}
                - {name: lag-many, condition: lag-changes, threshold: 1000}
                - {name: queue-5, maps: [sample.notes], condition: queue-depth, threshold: 5}
                - {name: queue-many, condition: queue-depth, threshold: 1000}
                - {name: late-2s, maps: [sample.notes], condition: lag-seconds, threshold: 2}
                - {name: late-hour, condition: lag-seconds, threshold: 3600}
            """)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        #expect(try await fixture.tandem(["maps", "pause", "sample.notes"]).status == 0)
        try SideReader.execute(
            fixture.erp,
            "INSERT INTO Notes VALUES (1, 'a'), (2, 'b'), (3, 'c'); UPDATE Notes SET TEXT = 'a2' WHERE NOTEID = 1")
        // Four queued changes: below 5 for the count rules; older than 2 s after a while.
        try await waitUntil { try Self.fired(fixture) == ["rule:late-2s|sample.notes"] }
        #expect(try Self.activity(fixture, "alert fired").first?.contains("lag >= 2 s: measured ") == true)
        let late = try Self.activity(fixture, "alert fired")
        #expect(late.first?.hasSuffix("s (erp-to-crm)") == true, "\(late)")
        try SideReader.execute(fixture.erp, "DELETE FROM Notes WHERE NOTEID = 3")
        try await waitUntil { try Self.fired(fixture).count == 3 }
        try await Self.settle()
        let fired = try Self.activity(fixture, "alert fired")
        #expect(fired.count == 3, "\(fired)")
        #expect(fired.contains("rule:lag-5|sample.notes|lag >= 5 changes: measured 5 (erp-to-crm); notify audit"), "\(fired)")
        #expect(fired.contains("rule:queue-5|sample.notes|queue depth >= 5: measured 5 (erp-to-crm)"), "\(fired)")

        #expect(try await fixture.tandem(["maps", "resume", "sample.notes"]).status == 0)
        try await waitUntil { try Self.activity(fixture, "alert cleared").count == 3 }
        let cleared = try Self.activity(fixture, "alert cleared").map {
            $0.split(separator: "|").first.map(String.init) ?? ""
        }
        #expect(Set(cleared) == ["rule:lag-5", "rule:queue-5", "rule:late-2s"])
        // The subscriber heard the rule fire and then clear, with the value each time.
        try await waitUntil { Self.jsonLines(fixture.directory + "/lag.jsonl").count == 2 }
        let heard = Self.jsonLines(fixture.directory + "/lag.jsonl")
        #expect(heard.map { "\($0["event"]!) \($0["rule"]!) \($0["value"]!)" } == ["fired lag-5 5", "cleared lag-5 0"], "\(heard)")
        #expect((heard.last?["summary"] as? String)?.hasPrefix("Tandem env: rule lag-5 cleared on map sample.notes: lag >= 5 changes: measured 0") == true, "\(heard)")
        #expect(
            try SideReader.rows(fixture.crm, "SELECT annotationid || notetext FROM annotation ORDER BY 1") == [
                "1a2", "2b",
            ])
    }

    @Test("Conflicts within a window fire at the threshold; a higher threshold does not")
    func conflicts() async throws {
        let fixture = try Self.make(
            "alert-conflicts", maps: ["sample.notes"],
            """
            alerts:
              check_interval_ms: 200
              rules:
                - {name: conflicted, condition: conflicts, threshold: 2, within: 1h}
                - {name: very-conflicted, condition: conflicts, threshold: 50, within: 1h}
            """)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'one'), (2, 'two'), (3, 'three')")
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 3 }
        #expect(try await fixture.tandem(["maps", "pause", "sample.notes"]).status == 0)
        try await Self.settle()
        try SideReader.execute(fixture.erp, "UPDATE Notes SET TEXT = 'erp ' || NOTEID WHERE NOTEID IN (1, 2)")
        try SideReader.execute(
            fixture.crm, "UPDATE annotation SET notetext = 'crm ' || annotationid WHERE annotationid IN (1, 2)")
        #expect(try Self.fired(fixture).isEmpty)
        #expect(try await fixture.tandem(["maps", "resume", "sample.notes"]).status == 0)
        try await waitUntil { try Self.fired(fixture) == ["rule:conflicted|sample.notes"] }
        try await Self.settle()
        #expect(try Self.fired(fixture) == ["rule:conflicted|sample.notes"])
        let recorded =
            try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_conflicts")
            + SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_conflicts")
        #expect(recorded >= 2)
        #expect(
            try Self.activity(fixture, "alert fired").first?.hasPrefix(
                "rule:conflicted|sample.notes|conflicts >= 2 within 1h: measured ") == true)
    }

    // MARK: Actions

    @Test(
        "A rule pauses a map (actor rule:NAME, with the reason); a left-running rule fires for it and not for the map still running; changes written while paused catch up row for row on resume"
    )
    func pauseLosesNothing() async throws {
        let fixture = try Self.make(
            "alert-pause",
            """
            notifications:
              audit:
                file: notices.jsonl
            alerts:
              check_interval_ms: 200
              rules:
                - {name: poison-pause, maps: [sample.notes], condition: errors, class: application, threshold: 1, within: 15m, action: pause}
                - {name: notes-left, maps: [sample.notes], condition: left-running, notify: audit}
                - {name: groups-left, maps: [sample.groups], condition: left-running, notify: audit}
            """)
        try SideReader.execute(fixture.crm, ErrorTests.validation)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO Notes SELECT i, CASE WHEN i = 50 THEN 'poison' ELSE 'note ' || i END FROM n"
        )
        try await waitUntil { try Self.mapState(fixture, "sample.notes").hasPrefix("paused|") }
        #expect(
            try Self.mapState(fixture, "sample.notes")
                == "paused|rule:poison-pause|alert rule poison-pause: application errors >= 1 within 15m, measured 1")
        #expect(
            try Self.activity(fixture, "state").last
                == "rule:poison-pause|sample.notes|paused: alert rule poison-pause: application errors >= 1 within 15m, measured 1"
        )
        // `maps list` says who paused the map and why, as OPERATIONS.md promises.
        let list = try await fixture.tandem(["maps", "list"])
        #expect(
            list.stdout.range(
                of: #"sample\.notes paused by rule:poison-pause \d+s ago: alert rule poison-pause: application errors >= 1 within 15m, measured 1\n"#,
                options: .regularExpression) != nil, "\(list.stdout)")
        try await waitUntil { try Self.fired(fixture).contains("rule:notes-left|sample.notes") }
        #expect(
            try Self.activity(fixture, "alert fired").last
                == "rule:notes-left|sample.notes|map left running: map is paused; notify audit")
        // Delivered by the notifier thread, shortly after the firing.
        try await waitUntil { !Self.jsonLines(fixture.directory + "/notices.jsonl").isEmpty }
        #expect(Self.jsonLines(fixture.directory + "/notices.jsonl").map { $0["rule"] as? String } == ["notes-left"])

        // While paused: a writer keeps going (inserts, updates, deletes); nothing is applied.
        let applied = try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation")
        let writer = try fixture.startWriter("erp", ["--ops", "600", "--seed", "5", "--keys", "300"])
        #expect(try await writer.awaitExit() == 0)
        try SideReader.execute(fixture.erp, "UPDATE Notes SET TEXT = 'fixed' WHERE NOTEID = 50")
        try await Self.settle()
        #expect(
            try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == applied,
            "a paused map applied changes")
        #expect(try Self.fired(fixture) == ["rule:poison-pause|sample.notes", "rule:notes-left|sample.notes"])

        // Resume (the rule stays fired: no second pause) and retry the parked change: the sides converge.
        try SideReader.execute(fixture.crm, "DROP TRIGGER crm_validate_insert; DROP TRIGGER crm_validate_update")
        #expect(try await fixture.tandem(["maps", "resume", "sample.notes"]).status == 0)
        try await waitUntil { try Self.mapState(fixture, "sample.notes").hasPrefix("running|") }
        let retry = try await fixture.tandem(["errors", "retry", "--all"])
        #expect(retry.status == 0, "\(retry.stdout)\(retry.stderr)")
        let (erp, crm) = try await SideReader.awaitNotesConverged(fixture)
        #expect(erp.count > 100)
        #expect(erp == crm, "sides differ: \(SideReader.differences(erp, crm))")
        try await waitUntil { try Self.activity(fixture, "alert cleared").count == 2 }
        #expect(try Self.fired(fixture).count == 2)
        #expect(try Self.mapState(fixture, "sample.notes").hasPrefix("running|"))
    }

    @Test("A rule with action stop stops the map; `tandem maps run` restarts it and what queued meanwhile arrives")
    func stopAction() async throws {
        let fixture = try Self.make(
            "alert-stop", maps: ["sample.notes"],
            """
            alerts:
              check_interval_ms: 200
              rules:
                - {name: poison-stop, condition: errors, threshold: 1, within: 15m, action: stop}
            """)
        try SideReader.execute(fixture.crm, ErrorTests.validation)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'poison')")
        try await waitUntil { try Self.mapState(fixture, "sample.notes").hasPrefix("stopped|") }
        #expect(
            try Self.mapState(fixture, "sample.notes")
                == "stopped|rule:poison-stop|alert rule poison-stop: any errors >= 1 within 15m, measured 1")
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (2, 'two'), (3, 'three')")
        try await Self.settle()
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 0)
        let run = try await fixture.tandem(["maps", "run", "sample.notes"])
        #expect(run.status == 0, "\(run.stderr)")
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 2 }
        // The rule is still fired (the error is still parked): it does not stop the map again.
        try await Self.settle()
        #expect(try Self.mapState(fixture, "sample.notes").hasPrefix("running|"))
        #expect(try Self.fired(fixture) == ["rule:poison-stop|sample.notes"])
    }

    // MARK: Notifications

    /// Starts `Tests/Fixtures/webhook_server.py`; returns it with its port and record file.
    static func startWebhookServer(_ fixture: SyncFixture, failFirst: Int) async throws -> (Process, Int, String) {
        let portFile = fixture.directory + "/webhook.port"
        let records = fixture.directory + "/webhook-requests.jsonl"
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "python3", Fixtures.repositoryRoot + "/Tests/Fixtures/webhook_server.py", portFile, records,
            String(failFirst),
        ]
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        try await waitUntil(timeout: .seconds(20)) { FileManager.default.fileExists(atPath: portFile) }
        let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8)))
        return (server, port, records)
    }

    static let secrets = ["tok3n-path", "qv-s3cret", "hdr-s3cret-value", "pw-s3cret", "dead-tok3n", "user:"]

    @Test(
        "Webhook: a real HTTP server gets the JSON body with the Authorization header, after two HTTP 500s with growing backoff; an unreachable one gives up after its attempts; no secret reaches a log"
    )
    func webhookDeliveryAndRetry() async throws {
        let fixture = try SyncFixture.make("alert-webhook", maps: ["sample.notes"])
        let (server, port, records) = try await Self.startWebhookServer(fixture, failFirst: 2)
        defer { kill(server.processIdentifier, SIGKILL) }
        let config = fixture.directory + "/tandem.yaml"
        try
            (try String(contentsOfFile: config, encoding: .utf8) + """

                notifications:
                  hook:
                    webhook: http://127.0.0.1:\(port)/hooks/T0/tok3n-path?token=qv-s3cret
                    headers:
                      Authorization: Bearer hdr-s3cret-value
                    retry: {attempts: 5, backoff_ms: 300}
                  dead:
                    webhook: http://user:pw-s3cret@127.0.0.1:1/x/dead-tok3n
                    retry: {attempts: 2, backoff_ms: 100}
                alerts:
                  check_interval_ms: 200
                  rules:
                    - {name: notes-left, maps: [sample.notes], condition: left-running, notify: [hook, dead]}

                """).write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        #expect(try await fixture.tandem(["maps", "pause", "sample.notes"]).status == 0)

        try await waitUntil { Self.jsonLines(records).count == 3 }
        try await waitUntil { try !Self.activity(fixture, "notification failed").isEmpty }
        try await Self.settle()
        let requests = Self.jsonLines(records)
        #expect(requests.count == 3, "no more requests after a success: \(requests)")
        #expect(requests.map { $0["status"] as? Int } == [500, 500, 200])
        for request in requests {
            #expect(request["method"] as? String == "POST")
            #expect(request["path"] as? String == "/hooks/T0/tok3n-path?token=qv-s3cret")
            let headers = (request["headers"] as? [String: String]) ?? [:]
            #expect(headers["Authorization"] == "Bearer hdr-s3cret-value", "\(headers)")
            #expect(headers["Content-Type"] == "application/json", "\(headers)")
            #expect(request["body"] as? String == requests[0]["body"] as? String, "every attempt sends the same body")
        }
        // Backoff: 300 ms after the first failure, 600 ms after the second.
        let times = requests.compactMap { $0["t"] as? Double }
        #expect(times.count == 3)
        if times.count == 3 {
            #expect(times[1] - times[0] >= 0.28, "\(times)")
            #expect(times[2] - times[1] >= 0.58, "\(times)")
        }
        let body = try #require(
            try JSONSerialization.jsonObject(with: Data(((requests.first?["body"] as? String) ?? "").utf8))
                as? [String: Any])
        #expect(body["event"] as? String == "fired")
        #expect(body["environment"] as? String == "env")
        #expect(body["rule"] as? String == "notes-left")
        #expect(body["map"] as? String == "sample.notes")
        #expect(body["condition"] as? String == "left-running")
        #expect(body["conditionText"] as? String == "map left running")
        #expect(body["value"] as? Double == 1)
        #expect(body["threshold"] as? Int == 1)
        #expect(body["actions"] as? [String] == ["notify hook", "notify dead"])
        #expect(
            body["summary"] as? String
                == "Tandem env: rule notes-left fired on map sample.notes: map left running: map is paused; notify hook, notify dead"
        )
        let time = try #require(body["time"] as? String)
        #expect(try Date(time, strategy: .iso8601).timeIntervalSinceNow > -120, "\(time)")

        let delivered = try Self.activity(fixture, "notification delivered")
        #expect(
            delivered == [
                "engine|sample.notes|hook (webhook http://127.0.0.1:\(port)/***): rule notes-left, map sample.notes: attempt 3"
            ], "\(delivered)")
        let failed = try Self.activity(fixture, "notification failed")
        #expect(failed.count == 1)
        #expect(
            failed.first?.hasPrefix(
                "engine|sample.notes|dead (webhook http://127.0.0.1:1/***): rule notes-left, map sample.notes: gave up after 2 attempts: the request failed (URL error"
            ) == true,
            "\(failed)")
        #expect(
            fixture.engineLog.contains(
                "notification to hook (webhook http://127.0.0.1:\(port)/***) failed (attempt 1 of 5), retrying in 300 ms: the server answered HTTP 500"
            ), "\(fixture.engineLog)")

        // No secret anywhere an operator reads: the engine's log, the activity log, the outbox.
        let everything =
            try SideReader.rows(fixture.directory + "/state.sqlite", "SELECT COALESCE(details, '') FROM activity")
            + SideReader.rows(
                fixture.directory + "/state.sqlite",
                "SELECT COALESCE(last_error, '') || subscription FROM notifications")
            + [fixture.engineLog]
        for secret in Self.secrets {
            #expect(
                !everything.contains { $0.contains(secret) },
                "\(secret) leaked: \(everything.filter { $0.contains(secret) })")
        }
    }

    @Test(
        "Command and file subscriptions receive the JSON (on stdin, as a line); a failing command is retried, then reported with its exit status"
    )
    func commandAndFile() async throws {
        let fixture = try Self.make(
            "alert-command", maps: ["sample.notes"],
            """
            notifications:
              script:
                command: [/bin/sh, -c, "cat >> command-notices.jsonl; echo >> command-notices.jsonl"]
              broken:
                command: [/bin/sh, -c, "cat > /dev/null; echo 'no route to pager' >&2; exit 3"]
                retry: {attempts: 2, backoff_ms: 100}
              audit:
                file: notices.jsonl
            alerts:
              check_interval_ms: 200
              rules:
                - {name: notes-left, condition: left-running, notify: [script, broken, audit]}
            """)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        #expect(try await fixture.tandem(["maps", "stop", "sample.notes"]).status == 0)
        try await waitUntil {
            try !Self.activity(fixture, "notification failed").isEmpty
                && Self.activity(fixture, "notification delivered").count == 2
        }
        let fromCommand = Self.jsonLines(fixture.directory + "/command-notices.jsonl")
        let fromFile = Self.jsonLines(fixture.directory + "/notices.jsonl")
        #expect(fromCommand.count == 1 && fromFile.count == 1)
        #expect(fromCommand.first?["rule"] as? String == "notes-left")
        #expect(
            fromCommand.first?["summary"] as? String
                == "Tandem env: rule notes-left fired on map sample.notes: map left running: map is stopped; notify script, notify broken, notify audit"
        )
        #expect(fromFile.first?["summary"] as? String == fromCommand.first?["summary"] as? String)
        let failed = try Self.activity(fixture, "notification failed")
        #expect(
            failed == [
                "engine|sample.notes|broken (command /bin/sh): rule notes-left, map sample.notes: gave up after 2 attempts: /bin/sh exited with status 3: no route to pager"
            ], "\(failed)")
    }

    @Test("A notification pending when the engine stops is delivered by the next engine")
    func outboxSurvivesRestart() async throws {
        let fixture = try SyncFixture.make("alert-restart", maps: ["sample.notes"])
        // A port nothing listens on yet: take a free one from a server and stop it.
        let (probe, port, records) = try await Self.startWebhookServer(fixture, failFirst: 0)
        // SIGKILL: processes started from the test runner have SIGTERM blocked.
        kill(probe.processIdentifier, SIGKILL)
        probe.waitUntilExit()
        try FileManager.default.removeItem(atPath: fixture.directory + "/webhook.port")
        let config = fixture.directory + "/tandem.yaml"
        try
            (try String(contentsOfFile: config, encoding: .utf8) + """

                notifications:
                  hook:
                    webhook: http://127.0.0.1:\(port)/hook
                    retry: {attempts: 50, backoff_ms: 100, max_backoff_s: 1}
                alerts:
                  check_interval_ms: 200
                  rules:
                    - {name: notes-left, condition: left-running, notify: hook}

                """).write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        var engine = try fixture.startEngine()
        #expect(try await fixture.tandem(["maps", "pause", "sample.notes"]).status == 0)
        try await waitUntil {
            try SideReader.scalar(
                fixture.directory + "/state.sqlite", "SELECT COALESCE(MAX(attempts), 0) FROM notifications") >= 2
        }
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
        #expect(
            try SideReader.rows(fixture.directory + "/state.sqlite", "SELECT status FROM notifications") == ["pending"])

        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "python3", Fixtures.repositoryRoot + "/Tests/Fixtures/webhook_server.py",
            fixture.directory + "/webhook.port", records, "0",
            String(port),
        ]
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL) }
        try await waitUntil(timeout: .seconds(20)) {
            FileManager.default.fileExists(atPath: fixture.directory + "/webhook.port")
        }
        engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await waitUntil { Self.jsonLines(records).count == 1 }
        try await waitUntil { try Self.activity(fixture, "notification delivered").count == 1 }
        try await Self.settle()
        // Fired once (the firing survived the restart too): one notification, delivered once.
        #expect(Self.jsonLines(records).count == 1)
        #expect(try Self.fired(fixture) == ["rule:notes-left|sample.notes"])
        #expect(Self.jsonLines(records).first?["path"] as? String == "/hook")
    }
}
