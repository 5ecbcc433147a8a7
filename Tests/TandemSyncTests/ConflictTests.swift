import Foundation
import TandemTestSupport
import Testing

/// Conflict policies with the engine and two writer processes as real
/// processes. The map is paused while both applications edit the same
/// customers, so that every edited key is a conflict when it resumes.
@Suite("Conflicts", .serialized)
struct ConflictTests {
    static let keys = ["C1", "C2", "C3", "C4", "C5"]

    /// An environment whose sample.customers map has `policy`, five customers in step, the map paused.
    static func pausedFixture(_ label: String, policy: String, extra: String = "") async throws -> (SyncFixture, Process) {
        let fixture = try SyncFixture.make(label, maps: ["sample.groups", "sample.customers"]) { yaml in
            yaml.replacingOccurrences(
                of: "  - name: sample.customers\n    direction: both\n    master: erp\n",
                with: "  - name: sample.customers\n    direction: both\n    master: erp\n    conflict_policy: \(policy)\n\(extra)")
        }
        #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"]).status == 0)
        // Off the cooperative pool: starting waits up to 30 s for the engine to say it runs.
        let engine = try await Fixtures.offPool { try fixture.startEngine() }
        try SideReader.execute(
            fixture.erp,
            "INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale');\n"
                + keys.map { "INSERT INTO CustTable VALUES ('usmf', '\($0)', 'original \($0)', '10', '100', 'No', 'n', x'');" }
                .joined(separator: "\n"))
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == keys.count }
        let paused = try await fixture.tandem(["maps", "pause", "sample.customers"])
        #expect(paused.status == 0, "\(paused.stderr)")
        // The engine's own word that it paused, not just the state database's.
        try await waitUntil { fixture.engineLog.contains("map sample.customers: running → paused") }
        return (fixture, engine)
    }

    /// Runs `sql` in its own Python process (an application), after `delay` seconds.
    static func writer(_ path: String, _ sql: String, delay: Double = 0) throws -> Process {
        try SideReader.python(
            "import sqlite3, sys, time; time.sleep(float(sys.argv[3])); "
                + "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60); c.executescript(sys.argv[2])",
            [path, sql, String(delay)])
    }

    /// Both applications edit every key at once (ERP first when `crmDelay` > 0), then the map resumes.
    static func editBothAndResume(_ fixture: SyncFixture, erp: String, crm: String, crmDelay: Double = 0) async throws {
        let erpWriter = try writer(fixture.erp, erp)
        if crmDelay > 0 {
            // The CRM edit must be the newer one: it starts only after the ERP writer committed
            // (a fixed head start alone is not enough on a loaded machine).
            #expect(try await erpWriter.awaitExit() == 0)
        }
        let crmWriter = try writer(fixture.crm, crm, delay: crmDelay)
        #expect(try await erpWriter.awaitExit() == 0)
        #expect(try await crmWriter.awaitExit() == 0)
        #expect(try await fixture.tandem(["maps", "resume", "sample.customers"]).status == 0)
    }

    static func erpRows(_ fixture: SyncFixture) throws -> [String] {
        try SideReader.rows(fixture.erp, "SELECT ACCOUNTNUM || '|' || NAME || '|' || CREDITLIMIT FROM CustTable ORDER BY ACCOUNTNUM")
    }

    static func crmRows(_ fixture: SyncFixture) throws -> [String] {
        try SideReader.rows(fixture.crm, "SELECT accountnumber || '|' || name || '|' || creditlimit FROM account ORDER BY accountnumber")
    }

    static func conflicts(_ fixture: SyncFixture, _ extra: [String] = []) throws -> [[String: Any]] {
        let result = try fixture.tandem(["conflicts", "list", "--json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    static let erpRenames = keys.map { "UPDATE CustTable SET NAME = 'erp \($0)' WHERE ACCOUNTNUM = '\($0)';" }.joined(separator: "\n")
    static let crmRenames = keys.map { "UPDATE account SET name = 'crm \($0)' WHERE accountnumber = '\($0)';" }.joined(separator: "\n")
    static let crmCredit = keys.map { "UPDATE account SET creditlimit = '99.5' WHERE accountnumber = '\($0)';" }.joined(separator: "\n")

    @Test(
        "Side priority and newest-wins: every edited key is one recorded conflict, and both sides end with the winner's row",
        arguments: [("erp-wins", "erp"), ("crm-wins", "crm"), ("newest-wins", "crm")])
    func priority(policy: String, winner: String) async throws {
        let (fixture, engine) = try await Self.pausedFixture("conflict-\(policy)", policy: policy)
        defer { kill(engine.processIdentifier, SIGKILL) }
        // The CRM application writes 0.3 s after the ERP one: newer.
        try await Self.editBothAndResume(fixture, erp: Self.erpRenames, crm: Self.crmRenames, crmDelay: 0.3)
        let expected = Self.keys.map { "\($0)|\(winner) \($0)|100" }
        try await waitUntil { try Self.erpRows(fixture) == expected && Self.crmRows(fixture) == expected }
        #expect(try Self.erpRows(fixture) == expected)
        #expect(try Self.crmRows(fixture) == expected)
        let recorded = try Self.conflicts(fixture)
        #expect(recorded.count == Self.keys.count, "\(recorded)")
        #expect(recorded.allSatisfy { $0["winner"] as? String == winner && $0["policy"] as? String == policy && $0["status"] as? String == "resolved" })
        // Both versions are kept.
        let first = try #require(recorded.first)
        #expect((first["sourceRow"] as? [String: String])?["NAME"] == "'erp C1'", "\(first)")
        #expect((first["targetRow"] as? [String: String])?["name"] == "'crm C1'", "\(first)")
        if policy == "newest-wins" { #expect((first["outcome"] as? String)?.contains("a tie goes to erp") == true) }
    }

    @Test("Merge: the ERP renames and the CRM credit limits (different columns) both survive on both sides; the same column keeps ERP's value")
    func merge() async throws {
        let (fixture, engine) = try await Self.pausedFixture("conflict-merge", policy: "merge")
        defer { kill(engine.processIdentifier, SIGKILL) }
        // C5 is also renamed on the CRM side: that column keeps ERP's value, the credit limit merges.
        try await Self.editBothAndResume(
            fixture, erp: Self.erpRenames, crm: Self.crmCredit + "\nUPDATE account SET name = 'crm C5' WHERE accountnumber = 'C5';")
        let expected = Self.keys.map { "\($0)|erp \($0)|99.5" }
        try await waitUntil { try Self.erpRows(fixture) == expected && Self.crmRows(fixture) == expected }
        #expect(try Self.erpRows(fixture) == expected)
        #expect(try Self.crmRows(fixture) == expected)
        let recorded = try Self.conflicts(fixture)
        #expect(recorded.count == Self.keys.count)
        #expect(recorded.allSatisfy { $0["winner"] as? String == "merged" }, "\(recorded)")
        let c5 = try #require(recorded.first { $0["key"] as? String == "'usmf','C5'" })
        #expect((c5["outcome"] as? String)?.contains("both changed name (erp's value kept)") == true, "\(c5)")
        #expect(c5["sourceChanged"] as? [String] == ["name"])
        #expect(c5["targetChanged"] as? [String] == ["creditlimit", "name"])
    }

    @Test("Merge with field_policies: a column both sides changed is won by the side its field policy names (the CRM's name here)")
    func mergeFieldPolicy() async throws {
        let (fixture, engine) = try await Self.pausedFixture("conflict-field", policy: "merge", extra: "    field_policies: {name: crm-wins}\n")
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await Self.editBothAndResume(
            fixture, erp: Self.erpRenames + "\nUPDATE CustTable SET CREDITLIMIT = '7' WHERE ACCOUNTNUM = 'C5';",
            crm: "UPDATE account SET name = 'crm C5', creditlimit = '8' WHERE accountnumber = 'C5';")
        // C5: the name goes to the CRM (its field policy), the credit limit to the ERP (the default).
        let expected = ["C1|erp C1|100", "C2|erp C2|100", "C3|erp C3|100", "C4|erp C4|100", "C5|crm C5|7"]
        try await waitUntil { try Self.erpRows(fixture) == expected && Self.crmRows(fixture) == expected }
        #expect(try Self.erpRows(fixture) == expected)
        #expect(try Self.crmRows(fixture) == expected)
        // The ERP's two updates of C5 (name, then credit limit) are two conflicts with the CRM's one edit.
        let outcomes = try Self.conflicts(fixture).filter { $0["key"] as? String == "'usmf','C5'" }.compactMap { $0["outcome"] as? String }
        #expect(outcomes.count == 2)
        #expect(outcomes.contains { $0.hasSuffix("both changed name (crm's value kept)") }, "\(outcomes)")
        #expect(outcomes.contains { $0.hasSuffix("both changed creditlimit (erp's value kept)") }, "\(outcomes)")
    }

    @Test("Manual: conflicts wait with both versions kept apart; resolve --take crm, --take erp and --take merged each end the row in step")
    func manual() async throws {
        let (fixture, engine) = try await Self.pausedFixture("conflict-manual", policy: "manual")
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await Self.editBothAndResume(fixture, erp: Self.erpRenames, crm: Self.crmCredit)
        try await waitUntil { try Self.conflicts(fixture, ["--open"]).count == Self.keys.count }
        // Nothing travelled: each side keeps its own edit while the conflicts wait.
        #expect(try Self.erpRows(fixture) == Self.keys.map { "\($0)|erp \($0)|100" })
        #expect(try Self.crmRows(fixture) == Self.keys.map { "\($0)|original \($0)|99.5" })
        let open = try Self.conflicts(fixture, ["--open"])
        func id(_ key: String) throws -> String {
            try #require(open.first { $0["key"] as? String == "'usmf','\(key)'" }?["id"] as? String)
        }
        // The error list shows them as conflicts, and errors retry refuses them.
        let errors = try await fixture.tandem(["errors", "list", "--class", "conflict", "--json"])
        #expect(errors.stdout.components(separatedBy: "\"kind\" : \"conflict\"").count - 1 == Self.keys.count, "\(errors.stdout)")
        let shown = try await fixture.tandem(["conflicts", "show", try id("C1")])
        #expect(shown.stdout.contains("erp changed name") && shown.stdout.contains("crm changed creditlimit"), "\(shown.stdout)")

        let crm = try await fixture.tandem(["conflicts", "resolve", try id("C1"), "--take", "crm"])
        #expect(crm.status == 0, "\(crm.stdout)\(crm.stderr)")
        let erp = try await fixture.tandem(["conflicts", "resolve", try id("C2"), "--take", "erp"])
        #expect(erp.status == 0, "\(erp.stdout)\(erp.stderr)")
        let merged = try await fixture.tandem(["conflicts", "resolve", try id("C3"), "--take", "merged"])
        #expect(merged.status == 0, "\(merged.stdout)\(merged.stderr)")
        let expected = [
            "C1|original C1|99.5", "C2|erp C2|100", "C3|erp C3|99.5",
        ]
        try await waitUntil { try Array(Self.erpRows(fixture).prefix(3)) == expected && Array(Self.crmRows(fixture).prefix(3)) == expected }
        #expect(Array(try Self.erpRows(fixture).prefix(3)) == expected)
        #expect(Array(try Self.crmRows(fixture).prefix(3)) == expected)
        // C4 and C5 still wait, each side with its own edit.
        #expect(Array(try Self.erpRows(fixture).suffix(2)) == ["C4|erp C4|100", "C5|erp C5|100"])
        #expect(Array(try Self.crmRows(fixture).suffix(2)) == ["C4|original C4|99.5", "C5|original C5|99.5"])
        #expect(try Self.conflicts(fixture, ["--open"]).count == 2)
        // The ERP change that lost C1's conflict left the error list; the log keeps it and says why.
        let lost = try await fixture.tandem(["log", "--kind", "error", "--key", "usmf,C1"])
        #expect(
            lost.stdout.contains("; discarded (it lost conflict \(try id("C1")), resolved by cli:")
                && lost.stdout.contains("for crm) by cli:"), "\(lost.stdout)")

        // Deciding twice, or with a bad --take, says what is wrong.
        let twice = try await fixture.tandem(["conflicts", "resolve", try id("C1"), "--take", "erp"])
        #expect(twice.status == 1)
        #expect(twice.stdout.contains("is not open: crm wins: taken by cli"), "\(twice.stdout)")
        let bad = try await fixture.tandem(["conflicts", "resolve", try id("C4"), "--take", "both"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--take must be erp, crm or merged, not 'both'"), "\(bad.stderr)")
        let retried = try await fixture.tandem(["errors", "retry", "--all"])
        #expect(retried.stdout.contains("no parked changes") || retried.stdout.contains("waits for a conflict"), "\(retried.stdout)")
    }

    @Test(
        "Bad input to tandem conflicts names the problem",
        arguments: [
            (["conflicts", "resolve", "crm-999", "--take", "erp"], "there is no conflict crm-999"),
            (["conflicts", "resolve", "7", "--take", "erp"], "conflict ID '7' needs its side: crm-7 or erp-7, as `tandem conflicts list` shows"),
            (["conflicts", "show", "crm-999"], "there is no conflict crm-999"),
            (["conflicts", "list", "--map", "nope"], "map 'nope' is not enabled in this environment"),
            (["conflicts", "list", "--since", "yesterday"], "--since 'yesterday' is neither a duration"),
            (["conflicts", "resolve", "crm-1"], "Missing expected argument '--take <take>'"),
        ])
    func badInput(arguments: [String], expected: String) throws {
        let fixture = try SyncFixture.make("conflicts-bad", maps: ["sample.notes"])
        let result = try fixture.tandem(arguments)
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains(expected), "\(result.stdout)\(result.stderr)")
    }
}
