import Foundation
import TandemTestSupport
import Testing

/// What the browser test runs with: Debian's Chromium and chromedriver, and python3's selenium.
enum Browser {
    /// What the browser test needs that this machine lacks, or nil.
    static let missing: String? = {
        var lacking: [String] = []
        if !FileManager.default.isExecutableFile(atPath: chromium) { lacking.append("chromium (\(chromium))") }
        if !FileManager.default.isExecutableFile(atPath: chromedriver) {
            lacking.append("chromedriver (\(chromedriver))")
        }
        if (try? Fixtures.run("/usr/bin/env", ["python3", "-c", "import selenium"]).status) != 0 {
            lacking.append("python3's selenium")
        }
        return lacking.isEmpty ? nil : lacking.joined(separator: ", ")
    }()

    /// Debian's paths, or CHROMIUM and CHROMEDRIVER.
    static let chromium = ProcessInfo.processInfo.environment["CHROMIUM"] ?? "/usr/bin/chromium"
    static let chromedriver = ProcessInfo.processInfo.environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver"
}

/// The admin console's pages in a real headless Chromium (issue 20), driven
/// by selenium from `Tests/Fixtures/console_browser.py`, with the engine and
/// the console as real processes and real SQLite sides. Without Chromium,
/// chromedriver or selenium the suite is skipped, except in CI (`CI=true`),
/// where it runs and fails: a CI run must not pass having seen no browser.
@Suite("Console in a browser", .enabled(if: Browser.missing == nil || PostgreSQLTestEnvironment.inCI))
struct ConsoleBrowserTests {
    /// Where the screenshots are kept as test artefacts, one folder per scenario.
    static let screenshots = Fixtures.repositoryRoot + "/.build/console-screenshots"

    /// Fails, in CI, when the browser is missing (outside CI the suite is skipped then).
    private func requireBrowser() throws {
        if let missing = Browser.missing {
            throw FixtureError(
                "CI=true and the browser test cannot run: \(missing) missing; apt-get install chromium chromium-driver && python3 -m pip install selenium (.ci/run does)"
            )
        }
    }

    /// Runs `console_browser.py SCENARIO` against `console` with `database` and `map`; returns its
    /// status and output, and the folder its screenshots went to.
    private func drive(
        _ scenario: String, _ console: ConsoleProcess, database: String, map: String = "sample.notes"
    ) async throws -> (
        status: Int32, stdout: String, stderr: String, shots: String
    ) {
        let shots = Self.screenshots + "/" + scenario
        try? FileManager.default.removeItem(atPath: shots)
        let result = try await Fixtures.run(
            "/usr/bin/env",
            [
                "python3", Fixtures.repositoryRoot + "/Tests/Fixtures/console_browser.py", scenario, console.url,
                console.token, database, map, shots,
            ], environment: ["CHROMIUM": Browser.chromium, "CHROMEDRIVER": Browser.chromedriver])
        return (result.status, result.stdout, result.stderr, shots)
    }

    /// The details of the activity entries of sample.notes made by console:erin, oldest first.
    private func byErin(_ fixture: SyncFixture) async throws -> [String] {
        let log = try await fixture.tandem(["log", "--json", "--map", "sample.notes"])
        let entries = try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]] ?? []
        return entries.filter { $0["actor"] as? String == "console:erin" }.compactMap { $0["details"] as? String }
    }

    @Test("Log in, pause a map, write a row, see it queued on the page, resume, see the queue drain")
    func pauseQueueResume() async throws {
        try requireBrowser()
        let fixture = try SyncFixture.make("console-browser", maps: ["sample.notes"])
        let run = try await fixture.tandem(["maps", "run", "sample.notes"])
        #expect(run.status == 0, "\(run.stderr)")
        let engine = try await Fixtures.offPool { try fixture.startEngine() }
        defer { kill(engine.processIdentifier, SIGKILL) }
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }

        let browser = try await drive("pause-resume", console, database: fixture.erp)
        #expect(browser.status == 0, "stdout: \(browser.stdout)\nstderr: \(browser.stderr)")
        #expect(
            browser.stdout.split(separator: "\n") == [
                "step: the maps page with the map running", "step: the map paused",
                "step: one change queued ERP to CRM",
                "step: the queue drained and the map running", "step: the errors page",
            ], "\(browser.stdout)")
        for page in ["login", "maps", "maps-queued", "maps-drained", "errors"] {
            #expect(FileManager.default.fileExists(atPath: "\(browser.shots)/\(page).png"), "no screenshot of \(page)")
        }
        // What the page showed is what happened: the row arrived, and the clicks were erin's.
        #expect(
            try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 42") == [
                "from the browser test"
            ])
        #expect(try await byErin(fixture) == ["paused", "resuming"])
        #expect(try await console.stop() == 0)
    }

    @Test("See a parked row on the errors page with its reason, fix the cause, retry it from the page, see it applied")
    func retryParkedRow() async throws {
        try requireBrowser()
        let fixture = try ErrorTests.notesFixture("console-browser-retry")
        let engine = try await Fixtures.offPool { try fixture.startEngine() }
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (7, 'poison pill')")
        try await waitUntil { try ErrorTests.entries(fixture).count == 1 }
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }

        let browser = try await drive("retry", console, database: fixture.crm)
        #expect(browser.status == 0, "stdout: \(browser.stdout)\nstderr: \(browser.stderr)")
        let lines = browser.stdout.split(separator: "\n")
        #expect(
            lines.filter { $0.hasPrefix("step: ") } == [
                "step: the maps page with the map running", "step: one parked change",
                "step: the change applied on retry", "step: the error list empty",
            ], "\(browser.stdout)")
        #expect(lines.contains { $0.hasPrefix("reason: ") && $0.contains("notetext must not start with poison") })
        for page in ["login", "maps", "errors-parked", "errors-retried"] {
            #expect(FileManager.default.fileExists(atPath: "\(browser.shots)/\(page).png"), "no screenshot of \(page)")
        }
        #expect(
            try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 7") == [
                "poison pill"
            ])
        #expect(try ErrorTests.entries(fixture, ["--all"]).isEmpty)
        // The retry is erin's in the log (she did nothing else).
        let log = try await fixture.tandem(["log", "--json"])
        #expect(log.stdout.contains(#""actor" : "console:erin""#), "\(log.stdout)")
        #expect(try await console.stop() == 0)
    }

    @Test(
        "Resolve a conflict: both versions side by side with the changed fields highlighted, CRM clicked, both sides equal"
    )
    func resolveConflict() async throws {
        try requireBrowser()
        let (fixture, engine) = try await ConflictTests.pausedFixture("console-browser-conflict", policy: "manual")
        defer { kill(engine.processIdentifier, SIGKILL) }
        // One key changed on both sides while the map was paused: one conflict waits.
        try await ConflictTests.editBothAndResume(
            fixture, erp: "UPDATE CustTable SET NAME = 'erp C1' WHERE ACCOUNTNUM = 'C1';",
            crm: "UPDATE account SET creditlimit = '99.5' WHERE accountnumber = 'C1';")
        try await waitUntil { try ConflictTests.conflicts(fixture, ["--open"]).count == 1 }
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }

        let browser = try await drive("conflict", console, database: fixture.erp, map: "sample.customers")
        #expect(browser.status == 0, "stdout: \(browser.stdout)\nstderr: \(browser.stderr)")
        let lines = browser.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.filter { $0.hasPrefix("step: ") } == [
                "step: the maps page with the map running", "step: one open conflict",
                "step: the conflict resolved for the CRM", "step: no open conflict",
            ], "\(browser.stdout)")
        // The page showed both versions, the field each side changed highlighted as that side's.
        #expect(
            lines.filter { $0.hasPrefix("changed: ") } == [
                "changed: changed-erp NAME='erp C1' | name='original C1'",
                "changed: changed-crm CREDITLIMIT='100' | creditlimit='99.5'",
            ], "\(browser.stdout)")
        for page in ["login", "maps", "conflicts-open", "conflicts-resolved"] {
            #expect(FileManager.default.fileExists(atPath: "\(browser.shots)/\(page).png"), "no screenshot of \(page)")
        }
        // What the page said is what happened: both sides hold the CRM's version of C1.
        let expected = "C1|original C1|99.5"
        try await waitUntil {
            try ConflictTests.erpRows(fixture).first == expected && ConflictTests.crmRows(fixture).first == expected
        }
        #expect(try ConflictTests.erpRows(fixture).first == expected)
        #expect(try ConflictTests.crmRows(fixture).first == expected)
        let open = try await Fixtures.offPool { try ConflictTests.conflicts(fixture, ["--open"]) }
        #expect(open.isEmpty)
        let log = try await fixture.tandem(["log", "--json", "--map", "sample.customers"])
        let entries = try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(
            entries.contains {
                $0["event"] as? String == "conflict resolved" && $0["actor"] as? String == "console:erin"
            }, "\(log.stdout)")
        #expect(try await console.stop() == 0)
    }

    @Test(
        "See the dependency graph: one node per map with its state, the run order, a node recoloured when its map pauses"
    )
    func dependencyGraph() async throws {
        try requireBrowser()
        let fixture = try await ConsoleDependenciesAPITests.fixture("console-browser-dependencies")
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }

        let browser = try await drive("dependencies", console, database: fixture.erp, map: "companies")
        #expect(browser.status == 0, "stdout: \(browser.stdout)\nstderr: \(browser.stderr)")
        let lines = browser.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.filter { $0.hasPrefix("step: ") } == [
                "step: the maps page with the map running", "step: the graph", "step: the node recoloured paused",
            ], "\(browser.stdout)")
        let nodes = lines.filter { $0.hasPrefix("node: ") }.map { $0.dropFirst("node: ".count) }
        #expect(nodes.count == StandardEnvironment.maps.count, "\(nodes)")
        #expect(Set(nodes.map { String($0.split(separator: " ")[0]) }) == Set(StandardEnvironment.maps))
        #expect(nodes.contains("companies running") && nodes.contains("currencies paused"), "\(nodes)")
        let order = try #require(lines.first { $0.hasPrefix("order: ") })
        #expect(order.hasPrefix("order: ") && order.contains("companies") && order.contains(" | "), "\(order)")
        for page in ["login", "maps", "dependencies", "dependencies-paused"] {
            #expect(FileManager.default.fileExists(atPath: "\(browser.shots)/\(page).png"), "no screenshot of \(page)")
        }
        // The pause was real, and erin's.
        let list = try await fixture.tandem(["maps", "list", "--json"])
        let maps = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(maps.first { $0["name"] as? String == "companies" }?["state"] as? String == "paused", "\(list.stdout)")
        let log = try await fixture.tandem(["log", "--json", "--map", "companies"])
        #expect(log.stdout.contains(#""actor" : "console:erin""#), "\(log.stdout)")
        #expect(try await console.stop() == 0)
    }
}
