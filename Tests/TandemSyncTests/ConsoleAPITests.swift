import Foundation
import TandemTestSupport
import Testing

/// The admin console's REST API (issue 20), through a real `tandem console`
/// process, real HTTP and real SQLite sides: every route works with the
/// token, goes through the CLI's own operations and logs `console:USER`;
/// every refusal says what is wrong and changes nothing.
@Suite("Console API")
struct ConsoleAPITests {
    /// The maps' states as `tandem maps list --json` says, by name.
    private func states(_ fixture: SyncFixture) async throws -> [String: String] {
        let list = try await fixture.tandem(["maps", "list", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        let entries = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        return Dictionary(entries.map { ($0["name"] as? String ?? "", $0["state"] as? String ?? "") }) { $1 }
    }

    /// The activity log's entries as `tandem log --json` says.
    private func activity(_ fixture: SyncFixture) async throws -> [[String: Any]] {
        let log = try await fixture.tandem(["log", "--json", "--limit", "1000"])
        #expect(log.status == 0, "\(log.stderr)")
        return try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]] ?? []
    }

    /// A fixture whose three sample maps run (no engine: the console's changes are states, as the CLI's are).
    private func runningFixture(_ label: String) async throws -> SyncFixture {
        let fixture = try SyncFixture.make(label)
        let run = try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers", "sample.notes"])
        #expect(run.status == 0, "\(run.stderr)")
        return fixture
    }

    @Test(
        "init makes console.token readable by its owner alone; an older environment gets one at the first start, and is told"
    )
    func token() async throws {
        let fixture = try SyncFixture.make("console-token", maps: ["sample.notes"])
        let path = fixture.directory + "/console.token"
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600, "mode \(String(mode, radix: 8))")
        let token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit), "\(token)")

        // An environment made before the console: no token file yet.
        try FileManager.default.removeItem(atPath: path)
        let console = try await ConsoleProcess.start(fixture)
        #expect(console.token != token)
        let made = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(made == 0o600)
        #expect(try await console.stop() == 0)
        let said = try String(contentsOfFile: console.log, encoding: .utf8)
        #expect(
            said.contains("note: made \(path) (mode 0600) for this environment, which was created before the console"),
            "\(said)")

        // A token others can read protects nothing: refused, with the fix.
        chmod(path, 0o644)
        let open = try await fixture.tandem(["console", "--listen", "127.0.0.1:0"])
        #expect(open.status != 0)
        #expect(open.stderr.contains("\(path) is readable by others (mode 644); `chmod 600 \(path)`"), "\(open.stderr)")
    }

    @Test("A non-loopback address is refused until TLS exists, and a bad one names the form to use")
    func loopbackOnly() async throws {
        let fixture = try SyncFixture.make("console-listen", maps: ["sample.notes"])
        let wide = try await fixture.tandem(["console", "--listen", "0.0.0.0:8780"])
        #expect(wide.status != 0)
        #expect(
            wide.stderr.contains(
                "--listen '0.0.0.0:8780': 0.0.0.0 is not a loopback address, and the console serves other machines only over TLS, which it does not support yet; listen on 127.0.0.1"
            ), "\(wide.stderr)")
        let bad = try await fixture.tandem(["console", "--listen", "127.0.0.1"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--listen '127.0.0.1': no port; give HOST:PORT"), "\(bad.stderr)")
    }

    @Test(
        "The maps overview and run, pause, resume and stop with the token: the CLI's operation, logged as console:USER")
    func lifecycle() async throws {
        let fixture = try await runningFixture("console-lifecycle")
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }

        let maps = try await console.request("GET", "/api/v1/maps")
        #expect(maps.status == 200, "\(maps)")
        let overview = try #require(maps.json as? [String: Any])
        let lines = try #require(overview["maps"] as? [[String: Any]])
        #expect(lines.map { $0["name"] as? String } == ["sample.groups", "sample.customers", "sample.notes"])
        #expect(lines.allSatisfy { $0["state"] as? String == "running" }, "\(lines)")
        let notes = try #require(lines.last?["directions"] as? [[String: Any]])
        #expect(notes.map { $0["direction"] as? String } == ["erp-to-crm", "crm-to-erp"])
        #expect(notes.allSatisfy { $0["queued"] as? Int == 0 }, "\(notes)")
        #expect(overview["engineRunning"] as? Bool == false)

        // A change on the ERP side is queued (no engine runs), and the overview counts it.
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'queued')")
        let queued = try await console.request("GET", "/api/v1/maps")
        let queuedNotes =
            ((queued.json as? [String: Any])?["maps"] as? [[String: Any]])?.last?["directions"] as? [[String: Any]]
        #expect(queuedNotes?.first?["queued"] as? Int == 1, "\(queued)")

        let steps: [(String, String, String)] = [
            ("pause", "running", "paused"), ("resume", "paused", "resuming"), ("stop", "resuming", "stopped"),
            ("run", "stopped", "resuming"),
        ]
        for (action, from, to) in steps {
            let reply = try await console.request(
                "POST", "/api/v1/maps/sample.notes/\(action)", headers: ["X-Tandem-User": "alice"])
            #expect(reply.status == 200, "\(action): \(reply)")
            let answer = try #require(reply.json as? [String: Any])
            let transitions = answer["transitions"] as? [[String: Any]] ?? []
            #expect(transitions.count == 1, "\(reply)")
            #expect(transitions.first?["map"] as? String == "sample.notes")
            #expect(
                transitions.first?["from"] as? String == from && transitions.first?["to"] as? String == to, "\(reply)")
            #expect(answer["engineRunning"] as? Bool == false)
            #expect(answer["rowsNotCarried"] as? [String: Int] == [:], "\(reply)")
            #expect(try await states(fixture)["sample.notes"] == to)
        }
        // The same refusal as `tandem maps resume` on a map that is not paused, as a 409; nothing changes.
        let again = try await console.request("POST", "/api/v1/maps/sample.groups/resume", body: "{}")
        #expect(again.status == 200, "\(again)")
        let pauseGroups = try await console.request("POST", "/api/v1/maps/sample.groups/stop")
        #expect(pauseGroups.status == 200)
        let answer = pauseGroups.json as? [String: Any]
        #expect(answer?["dependentsUnchanged"] as? [String] == ["sample.customers"], "\(pauseGroups)")
        let notPaused = try await console.request("POST", "/api/v1/maps/sample.groups/resume")
        #expect(notPaused.status == 409, "\(notPaused)")
        #expect(
            notPaused.error?.error
                == "map 'sample.groups' is stopped, not paused; `tandem maps run sample.groups` starts it")
        #expect(try await states(fixture)["sample.groups"] == "stopped")

        // Each change is an activity entry by console:USER (admin by default).
        let entries = try await activity(fixture).filter {
            ($0["actor"] as? String)?.hasPrefix("console:") == true && $0["event"] as? String == "state"
        }
        let described = entries.map { "\($0["actor"] ?? "") \($0["map"] ?? "") \($0["details"] ?? "")" }
        #expect(described.filter { $0.hasPrefix("console:alice sample.notes") }.count == 4, "\(described)")
        #expect(described.contains("console:admin sample.groups stopped"), "\(described)")

        // The log, paged by cursor, newest first.
        let first = try await console.request("GET", "/api/v1/log?map=sample.notes&limit=2")
        #expect(first.status == 200, "\(first)")
        let page = try #require(first.json as? [String: Any])
        let pageEntries = try #require(page["entries"] as? [[String: Any]])
        #expect(pageEntries.count == 2)
        #expect(pageEntries.map { $0["details"] as? String } == ["resuming", "stopped"], "\(pageEntries)")
        #expect(pageEntries.first?["actor"] as? String == "console:alice")
        let next = try #require(page["next"] as? String)
        let older = try await console.request("GET", "/api/v1/log?map=sample.notes&limit=2&before=\(next)")
        let olderEntries = (older.json as? [String: Any])?["entries"] as? [[String: Any]] ?? []
        #expect(olderEntries.map { $0["details"] as? String } == ["resuming", "paused"], "\(older)")
        #expect(try await console.stop() == 0)
    }

    @Test(
        "Errors: listed, retried and discarded by id through the engine's request path; unknown and malformed ids change nothing"
    )
    func errors() async throws {
        let fixture = try ErrorTests.notesFixture("console-errors")
        let engine = try await Fixtures.offPool { try fixture.startEngine() }
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp, "INSERT INTO Notes VALUES (1, 'fine'), (7, 'poison pill'), (8, 'poison too')")
        try await waitUntil { try ErrorTests.entries(fixture).count == 2 }
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }

        let list = try await console.request("GET", "/api/v1/errors?map=sample.notes")
        #expect(list.status == 200, "\(list)")
        let entries = try #require(list.json as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(
            entries.allSatisfy { ($0["reason"] as? String)?.contains("notetext must not start with poison") == true },
            "\(entries)")
        let ids = entries.compactMap { $0["id"] as? String }

        let unknown = try await console.request("POST", "/api/v1/errors/crm-999999/retry")
        #expect(unknown.status == 404, "\(unknown)")
        #expect(unknown.error?.error == "there is no parked change crm-999999 (applied or discarded already?)")
        let malformed = try await console.request("POST", "/api/v1/errors/nonsense/discard")
        #expect(malformed.status == 400, "\(malformed)")
        #expect(malformed.error?.hint == "GET /api/v1/errors lists the entries and their ids (crm-12)")
        let badClass = try await console.request("GET", "/api/v1/errors?class=mystery")
        #expect(badClass.status == 400 && badClass.error?.error == "'mystery' is not an error class", "\(badClass)")
        #expect(try ErrorTests.entries(fixture).count == 2)

        // Fixed at the source's target, the retried change applies.
        try SideReader.execute(fixture.crm, "DROP TRIGGER crm_validate_insert")
        let retried = try await console.request(
            "POST", "/api/v1/errors/\(ids[0])/retry", headers: ["X-Tandem-User": "bob"])
        #expect(retried.status == 200, "\(retried)")
        #expect((retried.json as? [[String: Any]])?.first?["outcome"] as? String == "applied", "\(retried)")
        let discarded = try await console.request(
            "POST", "/api/v1/errors/\(ids[1])/discard", headers: ["X-Tandem-User": "bob"])
        #expect((discarded.json as? [[String: Any]])?.first?["outcome"] as? String == "discarded", "\(discarded)")
        #expect(try ErrorTests.entries(fixture).isEmpty)
        let byBob = try await activity(fixture).filter { $0["actor"] as? String == "console:bob" }
        #expect(byBob.count >= 2, "\(byBob)")
        #expect(try await console.stop() == 0)
    }

    @Test(
        "Refusals: bad token 401, no credentials 401, cookie without CSRF 403, bad JSON 400, unknown map 404, foreign Host 421; nothing changes"
    )
    func refusals() async throws {
        let fixture = try await runningFixture("console-refusals")
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }
        let before = try await activity(fixture).count

        let badToken = try await console.request(
            "POST", "/api/v1/maps/sample.notes/pause", headers: ["Authorization": "Bearer not-the-token"], bearer: false
        )
        #expect(badToken.status == 401, "\(badToken)")
        #expect(badToken.error?.error == "the Authorization header does not carry this console's token")
        #expect(badToken.error?.hint == "send Authorization: Bearer TOKEN with the token in ENV/console.token")
        let none = try await console.request("GET", "/api/v1/maps", bearer: false)
        #expect(none.status == 401 && none.error?.error == "no credentials, or the session has ended", "\(none)")
        let wrongLogin = try await console.request(
            "POST", "/login", headers: ["Content-Type": "application/json"], body: #"{"token": "guess"}"#, bearer: false
        )
        #expect(
            wrongLogin.status == 401 && wrongLogin.error?.error == "that is not this console's token", "\(wrongLogin)")
        #expect(wrongLogin.header("Set-Cookie") == nil)

        // A session: the cookie is HttpOnly and SameSite=Strict; it reads, but changes need the CSRF token.
        let (cookie, csrf, login) = try await console.login(user: "carol")
        #expect(login.status == 200, "\(login)")
        let setCookie = try #require(login.header("Set-Cookie"))
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), "\(setCookie)")
        let read = try await console.request("GET", "/api/v1/maps", headers: ["Cookie": cookie], bearer: false)
        #expect(read.status == 200, "\(read)")
        let noCSRF = try await console.request(
            "POST", "/api/v1/maps/sample.notes/pause", headers: ["Cookie": cookie], bearer: false)
        #expect(noCSRF.status == 403, "\(noCSRF)")
        #expect(
            noCSRF.error?.error
                == "this change came with the session cookie but without the session's CSRF token (X-CSRF-Token)")
        let wrongCSRF = try await console.request(
            "POST", "/api/v1/maps/sample.notes/pause",
            headers: ["Cookie": cookie, "X-CSRF-Token": String(csrf.reversed())],
            bearer: false)
        #expect(wrongCSRF.status == 403, "\(wrongCSRF)")

        let badJSON = try await console.request("POST", "/api/v1/maps/sample.notes/pause", body: "{withDependents: yes")
        #expect(badJSON.status == 400 && badJSON.error?.error == "the body is not a JSON object", "\(badJSON)")
        #expect(badJSON.error?.hint == #"send a JSON object such as {"withDependencies": true}"#)
        let unknownKey = try await console.request("POST", "/api/v1/maps/sample.notes/pause", body: #"{"force": true}"#)
        #expect(
            unknownKey.status == 400 && unknownKey.error?.error == "the body's key 'force' is not known here",
            "\(unknownKey)")
        let notBool = try await console.request(
            "POST", "/api/v1/maps/sample.notes/pause", body: #"{"withDependents": 1}"#)
        #expect(
            notBool.status == 400 && notBool.error?.error == "the body's values are not all true or false", "\(notBool)"
        )
        let unknownMap = try await console.request("POST", "/api/v1/maps/sample.nope/pause")
        #expect(unknownMap.status == 404, "\(unknownMap)")
        #expect(
            unknownMap.error?.error
                == "map 'sample.nope' is not enabled in this environment (enabled: sample.groups, sample.customers, sample.notes)"
        )
        let badUser = try await console.request(
            "POST", "/api/v1/maps/sample.notes/pause", headers: ["X-Tandem-User": "a b"])
        #expect(
            badUser.status == 400 && badUser.error?.error == "'a b' is not a user name the activity log can record",
            "\(badUser)")
        let rebound = try await console.request("GET", "/api/v1/maps", headers: ["Host": "attacker.example:8780"])
        #expect(rebound.status == 421, "\(rebound)")
        #expect(
            rebound.error?.error
                == "the request is addressed to 'attacker.example:8780', not to this machine's loopback address")
        let badCursor = try await console.request("GET", "/api/v1/log?before=nonsense")
        #expect(badCursor.status == 400, "\(badCursor)")

        // Nothing changed: every map still runs, and the activity log has no new entry.
        #expect(try await states(fixture).values.allSatisfy { $0 == "running" })
        #expect(try await activity(fixture).count == before)

        // With the CSRF token the same change goes through, as carol; logout ends the session.
        let paused = try await console.request(
            "POST", "/api/v1/maps/sample.notes/pause", headers: ["Cookie": cookie, "X-CSRF-Token": csrf], bearer: false)
        #expect(paused.status == 200, "\(paused)")
        #expect(try await states(fixture)["sample.notes"] == "paused")
        #expect(try await activity(fixture).contains { $0["actor"] as? String == "console:carol" })
        let logout = try await console.request(
            "POST", "/logout", headers: ["Cookie": cookie, "X-CSRF-Token": csrf], bearer: false)
        #expect(logout.status == 200, "\(logout)")
        let after = try await console.request("GET", "/api/v1/maps", headers: ["Cookie": cookie], bearer: false)
        #expect(after.status == 401, "\(after)")
        #expect(try await console.stop() == 0)
    }

    @Test("Pages: a page without a session goes to the login page; with one it carries the CSRF token and a strict CSP")
    func pages() async throws {
        let fixture = try SyncFixture.make("console-pages", maps: ["sample.notes"])
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }
        let anonymous = try await console.request("GET", "/maps", bearer: false)
        #expect(anonymous.status == 303 && anonymous.header("Location") == "/login", "\(anonymous)")
        let form = try await console.request(
            "POST", "/login", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "token=wrong&user=dave",
            bearer: false)
        #expect(form.status == 401 && form.body.contains("that is not this console&#39;s token"), "\(form)")
        let (cookie, csrf, _) = try await console.login()
        let page = try await console.request("GET", "/maps", headers: ["Cookie": cookie], bearer: false)
        #expect(page.status == 200, "\(page)")
        #expect(page.body.contains(#"<meta name="csrf-token" content="\#(csrf)">"#))
        #expect(page.header("Content-Security-Policy")?.contains("script-src 'self'") == true, "\(page)")
        // No secret in the page: the token itself never is.
        #expect(!page.body.contains(console.token))
        #expect(try await console.stop() == 0)
    }

    @Test("docs/console-openapi.yaml lists exactly the server's API routes")
    func openAPI() async throws {
        let fixture = try SyncFixture.make("console-openapi", maps: ["sample.notes"])
        let listed = try await fixture.tandem(["console", "--list-routes"])
        #expect(listed.status == 0, "\(listed.stderr)")
        // The API: /api/ routes and the POSTs (login, logout); the pages and assets are HTML, not API.
        let server = Set(
            listed.stdout.split(separator: "\n").map(String.init).filter {
                $0.contains(" /api/") || $0.hasPrefix("POST ")
            })
        #expect(server.count == 14, "\(server.sorted())")
        let document = try String(
            contentsOfFile: Fixtures.repositoryRoot + "/docs/console-openapi.yaml", encoding: .utf8)
        var documented: Set<String> = []
        var path: String?
        var inPaths = false
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
            } else if inPaths, line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if inPaths, let path, line.hasPrefix("    "), !line.hasPrefix("     "),
                let method = ["get:", "post:", "put:", "patch:", "delete:"].first(where: { line.dropFirst(4) == $0 })
            {
                documented.insert("\(method.dropLast().uppercased()) \(path)")
            } else if inPaths, !line.isEmpty, !line.hasPrefix(" ") {
                inPaths = false
            }
        }
        #expect(
            documented == server,
            "only documented: \(documented.subtracting(server)); only served: \(server.subtracting(documented))")
    }
}
