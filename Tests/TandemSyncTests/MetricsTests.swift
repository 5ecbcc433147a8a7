import Foundation
import TandemEngine
import TandemTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `tandem run --metrics`: a real engine process serving Prometheus text over
/// real HTTP, scraped while rows written by the sqlite3 CLI sync, fail, queue
/// up behind a pause and catch up.
@Suite("Prometheus metrics", .serialized)
struct MetricsTests {
    /// One scrape: the raw text and its samples, by series (`name{label="value",...}`, labels sorted).
    struct Scrape {
        let text: String
        let contentType: String?
        let samples: [String: Double]

        /// The sample of `name` with exactly `labels`, if the scrape has it.
        func value(_ name: String, _ labels: [String: String]) -> Double? {
            samples[Self.series(name, labels)]
        }

        static func series(_ name: String, _ labels: [String: String]) -> String {
            name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",")
                + "}"
        }

        /// Parses the text exposition format's sample lines (`name{labels} value`); comments are skipped.
        static func parse(_ text: String) -> [String: Double] {
            var samples: [String: Double] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                    continue
                }
                let series = line[..<space]
                guard let open = series.firstIndex(of: "{"), series.hasSuffix("}") else {
                    samples[String(series)] = value
                    continue
                }
                var labels: [String: String] = [:]
                for pair in series[series.index(after: open)..<series.index(before: series.endIndex)].split(
                    separator: ",")
                {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
                samples[Self.series(String(series[..<open]), labels)] = value
            }
            return samples
        }
    }

    static func scrape(_ url: URL) async throws -> Scrape {
        let (data, response) = try await URLSession.shared.data(from: url)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        let text = String(decoding: data, as: UTF8.self)
        return Scrape(
            text: text, contentType: http.value(forHTTPHeaderField: "Content-Type"), samples: Scrape.parse(text))
    }

    /// Scrapes until `condition` holds (gauges move once a second); returns the last scrape.
    static func scrape(
        _ url: URL, until condition: (Scrape) -> Bool, timeout: Duration = .seconds(30)
    ) async throws -> Scrape {
        let deadline = ContinuousClock.now + timeout
        var last = try await scrape(url)
        while !condition(last), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            last = try await scrape(url)
        }
        return last
    }

    /// Whether `tandem status --json` says an engine holds the environment.
    static func engineRunning(_ fixture: SyncFixture) throws -> Bool? {
        let status = try fixture.tandem(["status", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        return object?["engineRunning"] as? Bool
    }

    /// `sqlite3 PATH SQL`: an application writing its own database.
    static func sqlite3(_ path: String, _ sql: String) throws {
        let result = try Fixtures.run("/usr/bin/env", ["sqlite3", "-cmd", ".timeout 30000", path, sql])
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func insertNotes(_ path: String, from first: Int, to last: Int) throws {
        try sqlite3(
            path,
            """
            WITH RECURSIVE n(i) AS (SELECT \(first) UNION ALL SELECT i + 1 FROM n WHERE i < \(last))
            INSERT INTO Notes (NOTEID, TEXT) SELECT i, 'note ' || i FROM n;
            """)
    }

    @Test(
        "tandem run --metrics 127.0.0.1:0: applied, errors by class, queue while paused, lag and the latency histogram, over real HTTP"
    )
    func scrapeWhileSyncing() async throws {
        let fixture = try ErrorTests.notesFixture("metrics")
        let engine = try fixture.startEngine(["--metrics", "127.0.0.1:0"])
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        #expect(engine.isRunning, "\(fixture.engineLog)")

        // Port 0: the engine prints the port it got.
        let log = fixture.engineLog
        let line = try #require(
            log.split(separator: "\n").first { $0.hasPrefix("metrics at http://127.0.0.1:") }, "\(log)")
        let url = try #require(URL(string: String(line.dropFirst("metrics at ".count))))
        #expect(url.path == "/metrics")
        #expect((url.port ?? 0) > 0)
        let notes = ["direction": "erp-to-crm", "map": "sample.notes"]
        let back = ["direction": "crm-to-erp", "map": "sample.notes"]

        // Before any change: every series exists at zero.
        let empty = try await Self.scrape(url)
        #expect(empty.contentType?.hasPrefix("text/plain; version=0.0.4") == true, "\(empty.contentType ?? "none")")
        #expect(empty.value("tandem_changes_applied_total", notes) == 0, "\(empty.text)")
        #expect(empty.value("tandem_changes_applied_total", back) == 0)
        // Each metric is described and typed once.
        for metric in EngineMetric.all {
            #expect(
                empty.text.components(separatedBy: "# HELP \(metric.name) \(metric.help)\n").count == 2,
                "\(metric.name)")
            #expect(
                empty.text.components(separatedBy: "# TYPE \(metric.name) \(metric.type)\n").count == 2,
                "\(metric.name)")
        }

        // N good rows and one the CRM refuses.
        let count = 300
        try Self.insertNotes(fixture.erp, from: 1, to: count)
        try Self.sqlite3(fixture.erp, "INSERT INTO Notes (NOTEID, TEXT) VALUES (\(count + 1), 'poison')")
        try await waitUntil {
            try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == count
                && SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 1
        }
        // The counters move just after the side's commit: wait for them rather than race them.
        let synced = try await Self.scrape(url) {
            $0.value("tandem_changes_applied_total", notes) == Double(count)
                && $0.value("tandem_errors_total", notes.merging(["class": "application"]) { $1 }) == 1
        }
        #expect(synced.value("tandem_changes_applied_total", notes) == Double(count), "\(synced.text)")
        #expect(synced.value("tandem_changes_applied_total", back) == 0)
        #expect(
            synced.value("tandem_errors_total", notes.merging(["class": "application"]) { $1 }) == 1, "\(synced.text)")
        for errorClass in ["plugin", "transient", "conflict"] {
            #expect(synced.value("tandem_errors_total", notes.merging(["class": errorClass]) { $1 }) == 0)
        }
        #expect(synced.value("tandem_conflicts_total", notes) == 0)
        // The histogram: one observation per applied change, cumulative buckets up to +Inf.
        #expect(synced.value("tandem_apply_latency_seconds_count", notes) == Double(count), "\(synced.text)")
        #expect(
            synced.value("tandem_apply_latency_seconds_bucket", notes.merging(["le": "+Inf"]) { $1 }) == Double(count))
        let sum = try #require(synced.value("tandem_apply_latency_seconds_sum", notes))
        #expect(sum > 0)
        let buckets = synced.samples.filter {
            $0.key.hasPrefix("tandem_apply_latency_seconds_bucket{direction=\"erp-to-crm\"")
        }
        #expect(buckets.count >= 10, "\(buckets)")
        #expect(buckets.values.allSatisfy { $0 <= Double(count) })

        // Paused: rows queue up, and the gauges say so (they move once a second).
        #expect(try await fixture.tandem(["maps", "pause", "sample.notes"]).status == 0)
        let queued = 40
        try Self.insertNotes(fixture.erp, from: 1001, to: 1000 + queued)
        let paused = try await Self.scrape(url) { $0.value("tandem_queue_depth", notes) == Double(queued) }
        #expect(paused.value("tandem_queue_depth", notes) == Double(queued), "\(paused.text)")
        #expect(paused.value("tandem_parked_changes", notes) == 1)
        #expect(paused.value("tandem_lag_changes", notes) == Double(queued + 1))
        #expect((paused.value("tandem_lag_seconds", notes) ?? 0) > 0)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == count)

        // Resumed: the queue drains to 0 and every queued change is counted once.
        #expect(try await fixture.tandem(["maps", "resume", "sample.notes"]).status == 0)
        let resumed = try await Self.scrape(url) {
            $0.value("tandem_queue_depth", notes) == 0
                && $0.value("tandem_changes_applied_total", notes) == Double(count + queued)
        }
        #expect(resumed.value("tandem_queue_depth", notes) == 0, "\(resumed.text)")
        #expect(resumed.value("tandem_lag_seconds", notes) == 0)
        #expect(resumed.value("tandem_changes_applied_total", notes) == Double(count + queued))
        #expect(resumed.value("tandem_apply_latency_seconds_count", notes) == Double(count + queued))
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == count + queued)

        // A 404 for anything else, and `tandem status` works as before while the engine serves metrics.
        let (_, other) = try await URLSession.shared.data(from: try #require(URL(string: "/other", relativeTo: url)))
        #expect((other as? HTTPURLResponse)?.statusCode == 404)
        #expect(try Self.engineRunning(fixture) == true)

        // SIGTERM stops the engine and the server with it.
        kill(engine.processIdentifier, SIGTERM)
        engine.waitUntilExit()
        #expect(engine.terminationStatus == 0, "\(fixture.engineLog)")
        #expect(fixture.engineLog.contains("engine stopped cleanly"))
        #expect(!fixture.engineLog.contains(" error "), "\(fixture.engineLog)")
        await #expect(throws: (any Error).self) { _ = try await URLSession.shared.data(from: url) }
    }

    @Test("Manual conflicts count as conflicts and as errors of class conflict")
    func manualConflicts() async throws {
        let keys = ConflictTests.keys
        let fixture = try SyncFixture.make("metrics-conflicts", maps: ["sample.groups", "sample.customers"]) { yaml in
            yaml.replacingOccurrences(
                of: "  - name: sample.customers\n    direction: both\n    master: erp\n",
                with: "  - name: sample.customers\n    direction: both\n    master: erp\n    conflict_policy: manual\n")
        }
        #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"]).status == 0)
        let engine = try fixture.startEngine(["--metrics", "127.0.0.1:0"])
        defer { kill(engine.processIdentifier, SIGKILL) }
        let line = try #require(fixture.engineLog.split(separator: "\n").first { $0.hasPrefix("metrics at ") })
        let url = try #require(URL(string: String(line.dropFirst("metrics at ".count))))
        try Self.sqlite3(
            fixture.erp,
            "INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale');\n"
                + keys.map {
                    "INSERT INTO CustTable VALUES ('usmf', '\($0)', 'original \($0)', '10', '100', 'No', 'n', x'');"
                }
                .joined(separator: "\n"))
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == keys.count }
        #expect(try await fixture.tandem(["maps", "pause", "sample.customers"]).status == 0)
        // The engine's own word that it paused, not just the state database's.
        try await waitUntil { fixture.engineLog.contains("map sample.customers: running → paused") }
        try Self.sqlite3(fixture.erp, ConflictTests.erpRenames)
        try Self.sqlite3(fixture.crm, ConflictTests.crmRenames)
        #expect(try await fixture.tandem(["maps", "resume", "sample.customers"]).status == 0)
        try await waitUntil { try ConflictTests.conflicts(fixture, ["--open"]).count == keys.count }

        func total(_ scrape: Scrape, _ name: String, _ labels: [String: String] = [:]) -> Double {
            ["erp-to-crm", "crm-to-erp"].reduce(0) { sum, direction in
                sum
                    + (scrape.value(name, labels.merging(["direction": direction, "map": "sample.customers"]) { $1 })
                        ?? 0)
            }
        }
        let scrape = try await Self.scrape(url) { total($0, "tandem_conflicts_total") == Double(keys.count) }
        #expect(total(scrape, "tandem_conflicts_total") == Double(keys.count), "\(scrape.text)")
        #expect(total(scrape, "tandem_errors_total", ["class": "conflict"]) == Double(keys.count))
        #expect(total(scrape, "tandem_errors_total", ["class": "application"]) == 0)
        // The ERP's inserts arrived before the pause; nothing of the conflicting edits did.
        #expect(
            scrape.value("tandem_changes_applied_total", ["direction": "erp-to-crm", "map": "sample.customers"])
                == Double(keys.count))
    }

    @Test("A side locked past the busy timeout counts transient errors, and its changes still arrive exactly once")
    func transientErrors() async throws {
        let fixture = try SyncFixture.make("metrics-transient", maps: ["sample.notes"]) {
            $0.replacingOccurrences(of: "busy_timeout_s: 30", with: "busy_timeout_s: 1")
        }
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine(["--metrics", "127.0.0.1:0"])
        defer { kill(engine.processIdentifier, SIGKILL) }
        let line = try #require(fixture.engineLog.split(separator: "\n").first { $0.hasPrefix("metrics at ") })
        let url = try #require(URL(string: String(line.dropFirst("metrics at ".count))))
        let notes = ["direction": "erp-to-crm", "map": "sample.notes"]
        let holder = try SideReader.holdWriteLock(fixture.crm, seconds: 4)
        try Self.insertNotes(fixture.erp, from: 1, to: 10)
        #expect(try await holder.awaitExit() == 0)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10 }
        let scrape = try await Self.scrape(url) { $0.value("tandem_changes_applied_total", notes) == 10 }
        #expect(
            (scrape.value("tandem_errors_total", notes.merging(["class": "transient"]) { $1 }) ?? 0) >= 1,
            "\(scrape.text)")
        #expect(scrape.value("tandem_errors_total", notes.merging(["class": "application"]) { $1 }) == 0)
        #expect(scrape.value("tandem_changes_applied_total", notes) == 10)
    }

    @Test("A malformed --metrics address and a taken port are refused with errors that say what to do")
    func badAddresses() async throws {
        let fixture = try SyncFixture.make("metrics-errors", maps: ["sample.notes"])
        let cases: [(String, String)] = [
            (
                "127.0.0.1",
                "--metrics '127.0.0.1': no port; give HOST:PORT, e.g. --metrics 127.0.0.1:9464 (port 0 picks a free port)"
            ),
            (":9464", "--metrics ':9464': no host; give HOST:PORT"),
            (
                "127.0.0.1:99999",
                "--metrics '127.0.0.1:99999': the port '99999' is not a number from 0 to 65535; give HOST:PORT"
            ),
            ("127.0.0.1:http", "--metrics '127.0.0.1:http': the port 'http' is not a number from 0 to 65535"),
            (
                "::1:9464",
                "--metrics '::1:9464': '::1' is not a host name or IP address (write an IPv6 address in brackets: [::1]:9464)"
            ),
        ]
        for (address, message) in cases {
            let result = try await fixture.tandem(["run", "--metrics", address])
            #expect(result.status == 64, "\(address): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(address): \(result.stderr)")
            #expect(!result.stderr.contains("engine running"))
        }

        // The help teaches the option and names every metric.
        let help = try await fixture.tandem(["run", "--help"]).stdout
        #expect(help.contains("--metrics <HOST:PORT>"), "\(help)")
        for metric in EngineMetric.all {
            #expect(help.contains(metric.name), "\(metric.name)")
        }

        // A port another program listens on.
        let output = Pipe()
        let listener = try SideReader.python(
            """
            import socket, sys, time
            s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
            print(s.getsockname()[1], flush=True)
            time.sleep(120)
            """, [], output: output)
        defer { kill(listener.processIdentifier, SIGKILL) }
        let portLine = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)), "\(portLine)")
        let taken = try await fixture.tandem(["run", "--metrics", "127.0.0.1:\(port)"])
        #expect(taken.status == 1, "\(taken.stderr)")
        #expect(
            taken.stderr.contains(
                "--metrics 127.0.0.1:\(port): cannot listen there, the port is taken (address already in use); choose another port, or 0 for any free one"
            ),
            "\(taken.stderr)")
        #expect(!taken.stderr.contains("engine running"))
        // The environment is free again: the refused run released it.
        #expect(try Self.engineRunning(fixture) == false)
    }
}
