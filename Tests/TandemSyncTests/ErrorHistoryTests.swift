import Foundation
import TandemTestSupport
import Testing

/// `tandem log` keeps the errors that left the error list: a side deletes a
/// parked change once it is retried and applied, or discarded, and the log
/// used to forget it with it ("what failed yesterday" had no answer).
@Suite("tandem log keeps retried and discarded errors", .serialized)
struct ErrorHistoryTests {
    private static func errors(_ fixture: SyncFixture, _ extra: [String] = []) throws -> [String: [String: Any]] {
        let result = try fixture.tandem(["log", "--kind", "error", "--json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        let entries = (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        return Dictionary(entries.map { ($0["id"] as? String ?? "", $0) }) { first, _ in first }
    }

    @Test(
        "A discarded and a retried error stay in tandem log under their IDs and parking time, saying how they left, by whom and when; --side and --key find them"
    )
    func history() async throws {
        let fixture = try ErrorTests.notesFixture("error-history")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (7, 'poison seven'), (8, 'poison eight')")
        try await waitUntil { try ErrorTests.entries(fixture).count == 2 }
        var ids: [String: String] = [:]
        for entry in try ErrorTests.entries(fixture) { ids[entry["key"] as? String ?? ""] = entry["id"] as? String }
        let seven = try #require(ids["7"])
        let eight = try #require(ids["8"])
        let parked = try Self.errors(fixture)
        #expect(Set(parked.keys) == [seven, eight], "\(parked)")

        let discard = try await fixture.tandem(["errors", "discard", eight])
        #expect(discard.status == 0, "\(discard.stdout)\(discard.stderr)")
        // The CRM application's rule is lifted, so the retry applies.
        try SideReader.execute(fixture.crm, "DROP TRIGGER crm_validate_insert")
        let retry = try await fixture.tandem(["errors", "retry", seven])
        #expect(retry.status == 0, "\(retry.stdout)\(retry.stderr)")
        #expect(try ErrorTests.entries(fixture, ["--all"]).isEmpty)

        let kept = try Self.errors(fixture)
        #expect(Set(kept.keys) == [seven, eight], "\(kept)")
        for id in [seven, eight] {
            let entry = try #require(kept[id])
            // Still where it happened: at its parking time, as the change it was.
            #expect(entry["time"] as? String == parked[id]?["time"] as? String, "\(entry)")
            #expect(entry["event"] as? String == "change parked")
            #expect(entry["side"] as? String == "crm")
            #expect((entry["details"] as? String)?.contains("notetext must not start with poison") == true, "\(entry)")
        }
        let cleared = #"by cli:\S+ at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$"#
        #expect(
            (kept[seven]?["details"] as? String)?.range(
                of: "; applied on retry " + cleared, options: .regularExpression)
                != nil, "\(String(describing: kept[seven]))")
        #expect(
            (kept[eight]?["details"] as? String)?.range(of: "; discarded " + cleared, options: .regularExpression)
                != nil, "\(String(describing: kept[eight]))")

        #expect(try Self.errors(fixture, ["--side", "erp"]).isEmpty)
        #expect(Set(try Self.errors(fixture, ["--side", "crm"]).keys) == [seven, eight])
        // One key's story in text: parked, then discarded by whom.
        let story = try await fixture.tandem(["log", "--key", "8"])
        #expect(story.stdout.contains("change parked") && story.stdout.contains("discarded by cli:"), "\(story.stdout)")
        #expect(story.stdout.contains("parked change discarded"), "\(story.stdout)")
        #expect(!story.stdout.contains(seven), "\(story.stdout)")
        // `errors show` of a cleared ID says how it left instead of "no such entry".
        let shown = try await fixture.tandem(["errors", "show", eight])
        #expect(shown.status != 0)
        #expect(
            shown.stderr.range(
                of: "\(eight) is no longer parked: discarded " + #"by cli:\S+ at \S+; `tandem log --key 8` shows its story"#,
                options: .regularExpression) != nil, "\(shown.stderr)")
        let retried = try await fixture.tandem(["log", "--kind", "errors retried"])
        #expect(retried.stdout.contains("\(seven) (key 7): applied"), "\(retried.stdout)")
    }
}
