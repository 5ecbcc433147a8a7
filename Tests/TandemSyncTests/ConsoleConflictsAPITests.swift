import Foundation
import TandemTestSupport
import Testing

/// The console's conflicts API (issue 20), through a real `tandem console`, a
/// real engine and real SQLite sides: the list is `tandem conflicts list`'s
/// with both versions paired field by field; a resolution is `tandem
/// conflicts resolve`'s operator request, logged as `console:USER`; every
/// refusal says what is wrong and changes nothing.
@Suite("Console conflicts API")
struct ConsoleConflictsAPITests {
    /// The conflict views of a `GET /api/v1/conflicts` answer.
    private func views(_ reply: ConsoleProcess.Reply) throws -> [[String: Any]] {
        let answer = try #require(reply.json as? [String: Any], "\(reply)")
        return try #require(answer["conflicts"] as? [[String: Any]], "\(reply)")
    }

    /// The view of the conflict on `key` among `views`.
    private func view(_ views: [[String: Any]], key: String) throws -> [String: Any] {
        try #require(views.first { ($0["conflict"] as? [String: Any])?["key"] as? String == "'usmf','\(key)'" })
    }

    /// The field of `view` whose ERP column is `erp`.
    private func field(_ view: [String: Any], erp: String) throws -> [String: Any] {
        let fields = try #require(view["fields"] as? [[String: Any]])
        return try #require(fields.first { $0["erp"] as? String == erp }, "\(fields)")
    }

    @Test(
        "Conflicts listed open first with both versions side by side; resolved with erp, crm and merged as console:USER; every refusal says why and changes nothing"
    )
    func listAndResolve() async throws {
        let (fixture, engine) = try await ConflictTests.pausedFixture("console-conflicts", policy: "manual")
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await ConflictTests.editBothAndResume(fixture, erp: ConflictTests.erpRenames, crm: ConflictTests.crmCredit)
        let keys = ConflictTests.keys
        try await waitUntil { try ConflictTests.conflicts(fixture, ["--open"]).count == keys.count }
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }

        // The list: the CLI's entries, each with both versions paired by the map's fields.
        let list = try await console.request("GET", "/api/v1/conflicts")
        #expect(list.status == 200, "\(list)")
        let all = try views(list)
        #expect(all.count == keys.count)
        let cli = try await Fixtures.offPool { try ConflictTests.conflicts(fixture) }
        #expect(
            Set(all.compactMap { ($0["conflict"] as? [String: Any])?["id"] as? String })
                == Set(cli.compactMap { $0["id"] as? String }))
        let c1 = try view(all, key: "C1")
        let entry = try #require(c1["conflict"] as? [String: Any])
        #expect(entry["status"] as? String == "open" && entry["policy"] as? String == "manual", "\(entry)")
        let name = try field(c1, erp: "NAME")
        #expect(name["crm"] as? String == "name")
        #expect(name["erpValue"] as? String == "'erp C1'" && name["crmValue"] as? String == "'original C1'", "\(name)")
        #expect(name["changedBy"] as? [String] == ["erp"], "\(name)")
        let credit = try field(c1, erp: "CREDITLIMIT")
        #expect(credit["erpValue"] as? String == "'100'" && credit["crmValue"] as? String == "'99.5'", "\(credit)")
        #expect(credit["changedBy"] as? [String] == ["crm"], "\(credit)")
        let account = try field(c1, erp: "ACCOUNTNUM")
        #expect(account["erpValue"] as? String == "'C1'" && account["changedBy"] as? [String] == [], "\(account)")
        // The token never travels in an answer.
        #expect(!list.body.contains(console.token))
        let c1ID = try #require(entry["id"] as? String)
        func id(_ key: String) throws -> String {
            try #require((try view(all, key: key)["conflict"] as? [String: Any])?["id"] as? String)
        }

        // Refusals, each with its words; none changes anything.
        let before = try await Fixtures.offPool {
            (try ConflictTests.erpRows(fixture), try ConflictTests.crmRows(fixture))
        }
        let resolve = "/api/v1/conflicts/\(c1ID)/resolve"
        let unknown = try await console.request(
            "POST", "/api/v1/conflicts/crm-999999/resolve", body: #"{"take": "erp"}"#)
        #expect(unknown.status == 404, "\(unknown)")
        #expect(unknown.error?.error == "there is no conflict crm-999999")
        #expect(unknown.error?.hint == "GET /api/v1/conflicts lists the recorded ones")
        let sideless = try await console.request("POST", "/api/v1/conflicts/7/resolve", body: #"{"take": "erp"}"#)
        #expect(sideless.status == 400, "\(sideless)")
        #expect(
            sideless.error?.error
                == "conflict ID '7' needs its side: crm-7 or erp-7, as `tandem conflicts list` shows")
        let badTake = try await console.request("POST", resolve, body: #"{"take": "both"}"#)
        #expect(badTake.status == 400, "\(badTake)")
        #expect(badTake.error?.error == "take must be erp, crm or merged, not 'both'")
        #expect(badTake.error?.hint == #"send {"take": "erp"}, "crm" or "merged""#)
        let noTake = try await console.request("POST", resolve, body: "{}")
        #expect(noTake.status == 400 && noTake.error?.error == "the body has no 'take'", "\(noTake)")
        let badJSON = try await console.request("POST", resolve, body: "{take: erp")
        #expect(badJSON.status == 400 && badJSON.error?.error == "the body is not a JSON object", "\(badJSON)")
        let extra = try await console.request("POST", resolve, body: #"{"take": "erp", "force": true}"#)
        #expect(extra.status == 400 && extra.error?.error == "the body's key 'force' is not known here", "\(extra)")
        let (cookie, csrf, _) = try await console.login(user: "carol")
        let noCSRF = try await console.request(
            "POST", resolve, headers: ["Cookie": cookie, "Content-Type": "application/json"],
            body: #"{"take": "erp"}"#, bearer: false)
        #expect(noCSRF.status == 403, "\(noCSRF)")
        #expect(
            noCSRF.error?.error
                == "this change came with the session cookie but without the session's CSRF token (X-CSRF-Token)")
        let badOpen = try await console.request("GET", "/api/v1/conflicts?open=maybe")
        #expect(badOpen.status == 400 && badOpen.error?.error == "open 'maybe' is neither true nor false", "\(badOpen)")
        let badMap = try await console.request("GET", "/api/v1/conflicts?map=sample.nope")
        #expect(badMap.status == 404, "\(badMap)")
        #expect(try await Fixtures.offPool { try ConflictTests.conflicts(fixture, ["--open"]).count } == keys.count)
        let after = try await Fixtures.offPool {
            (try ConflictTests.erpRows(fixture), try ConflictTests.crmRows(fixture))
        }
        #expect(after.0 == before.0 && after.1 == before.1)
        let log = try await fixture.tandem(["log", "--json", "--limit", "1000"])
        #expect(!log.stdout.contains("console:"), "\(log.stdout)")

        // Decided from the console: C1 for the CRM, C2 for the ERP (bob, with the token), C3 merged
        // (carol, with her session and its CSRF token); both sides end with the same row.
        let crm = try await console.request(
            "POST", resolve, headers: ["X-Tandem-User": "bob"], body: #"{"take": "crm"}"#)
        #expect(crm.status == 200, "\(crm)")
        let result = (crm.json as? [[String: Any]])?.first
        #expect(result?["outcome"] as? String == "resolved" && result?["detail"] as? String == "crm wins", "\(crm)")
        let erp = try await console.request(
            "POST", "/api/v1/conflicts/\(try id("C2"))/resolve", headers: ["X-Tandem-User": "bob"],
            body: #"{"take": "erp"}"#)
        #expect(erp.status == 200, "\(erp)")
        let merged = try await console.request(
            "POST", "/api/v1/conflicts/\(try id("C3"))/resolve",
            headers: ["Cookie": cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json"],
            body: #"{"take": "merged"}"#, bearer: false)
        #expect(merged.status == 200, "\(merged)")
        #expect((merged.json as? [[String: Any]])?.first?["detail"] as? String == "merged", "\(merged)")
        let expected = ["C1|original C1|99.5", "C2|erp C2|100", "C3|erp C3|99.5"]
        try await waitUntil {
            try Array(ConflictTests.erpRows(fixture).prefix(3)) == expected
                && Array(ConflictTests.crmRows(fixture).prefix(3)) == expected
        }
        #expect(Array(try ConflictTests.erpRows(fixture).prefix(3)) == expected)
        #expect(Array(try ConflictTests.crmRows(fixture).prefix(3)) == expected)

        // Open ones first now: C4 and C5, then the three decided, newest first, each saying by whom.
        let now = try views(try await console.request("GET", "/api/v1/conflicts"))
        let statuses = now.compactMap { ($0["conflict"] as? [String: Any])?["status"] as? String }
        #expect(statuses == ["open", "open", "resolved", "resolved", "resolved"], "\(statuses)")
        let decidedBy = now.suffix(3).compactMap { ($0["conflict"] as? [String: Any])?["resolvedBy"] as? String }
        #expect(decidedBy == ["console:carol", "console:bob", "console:bob"], "\(decidedBy)")
        let open = try views(try await console.request("GET", "/api/v1/conflicts?open=true"))
        #expect(open.count == 2)

        // Deciding again: the engine's refusal, as a 409, and the row stays as decided.
        let twice = try await console.request("POST", resolve, body: #"{"take": "erp"}"#)
        #expect(twice.status == 409, "\(twice)")
        #expect(twice.error?.error == "conflict \(c1ID) is not open: crm wins: taken by console:bob (by console:bob)")
        #expect(Array(try ConflictTests.erpRows(fixture).prefix(1)) == ["C1|original C1|99.5"])

        // Each decision is an activity entry of its user.
        let entries = try await fixture.tandem(["log", "--json", "--limit", "1000"])
        let activity = try JSONSerialization.jsonObject(with: Data(entries.stdout.utf8)) as? [[String: Any]] ?? []
        let resolved = activity.filter { $0["event"] as? String == "conflict resolved" }
            .map { "\($0["actor"] as? String ?? "") \($0["details"] as? String ?? "")" }
        #expect(resolved.contains("console:bob \(c1ID): crm wins: taken by console:bob"), "\(resolved)")
        #expect(resolved.filter { $0.hasPrefix("console:carol ") }.count == 1, "\(resolved)")
        #expect(try await console.stop() == 0)
    }
}
