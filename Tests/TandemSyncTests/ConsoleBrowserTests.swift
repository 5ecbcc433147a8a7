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
    /// Where the screenshots are kept as test artefacts.
    static let screenshots = Fixtures.repositoryRoot + "/.build/console-screenshots"

    @Test("Log in, pause a map, write a row, see it queued on the page, resume, see the queue drain")
    func pauseQueueResume() async throws {
        if let missing = Browser.missing {
            throw FixtureError(
                "CI=true and the browser test cannot run: \(missing) missing; apt-get install chromium chromium-driver && python3 -m pip install selenium (.ci/run does)"
            )
        }
        let fixture = try SyncFixture.make("console-browser", maps: ["sample.notes"])
        let run = try await fixture.tandem(["maps", "run", "sample.notes"])
        #expect(run.status == 0, "\(run.stderr)")
        let engine = try await Fixtures.offPool { try fixture.startEngine() }
        defer { kill(engine.processIdentifier, SIGKILL) }
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: Self.screenshots)

        let browser = try await Fixtures.run(
            "/usr/bin/env",
            [
                "python3", Fixtures.repositoryRoot + "/Tests/Fixtures/console_browser.py", console.url, console.token,
                fixture.erp,
                "sample.notes", Self.screenshots,
            ], environment: ["CHROMIUM": Browser.chromium, "CHROMEDRIVER": Browser.chromedriver])
        #expect(browser.status == 0, "stdout: \(browser.stdout)\nstderr: \(browser.stderr)")
        #expect(
            browser.stdout.split(separator: "\n") == [
                "step: the maps page with the map running", "step: the map paused",
                "step: one change queued ERP to CRM",
                "step: the queue drained and the map running", "step: the errors page",
            ], "\(browser.stdout)")
        for page in ["login", "maps", "maps-queued", "maps-drained", "errors"] {
            #expect(
                FileManager.default.fileExists(atPath: "\(Self.screenshots)/\(page).png"), "no screenshot of \(page)")
        }
        // What the page showed is what happened: the row arrived, and the clicks were erin's.
        #expect(
            try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 42") == [
                "from the browser test"
            ])
        let log = try await fixture.tandem(["log", "--json", "--map", "sample.notes"])
        let entries = try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]] ?? []
        let byErin = entries.filter { $0["actor"] as? String == "console:erin" }.compactMap { $0["details"] as? String }
        #expect(byErin == ["paused", "resuming"], "\(entries)")
        #expect(try await console.stop() == 0)
    }
}
