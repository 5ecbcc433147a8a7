import Foundation
import TandemTestSupport
import Testing

/// `tandem maps list` says why a map is not running: who paused or stopped
/// it, when, and the reason given (it used to say so only for failed maps,
/// although OPERATIONS.md promises it for an alert rule's pause too).
@Suite("tandem maps list says why a map is paused or stopped")
struct MapsListTests {
    @Test(
        "An operator's pause and stop are listed with who did it, when, and the command that goes on; --json has them")
    func operatorPauseAndStop() throws {
        let fixture = try SyncFixture.make("maps-list-why", maps: ["sample.groups", "sample.notes"])
        #expect(try fixture.tandem(["maps", "run", "sample.groups", "sample.notes"]).status == 0)
        let running = try fixture.tandem(["maps", "list"])
        #expect(running.status == 0, "\(running.stderr)")
        #expect(!running.stdout.contains(" by cli:"), "\(running.stdout)")

        #expect(try fixture.tandem(["maps", "pause", "sample.notes"]).status == 0)
        #expect(try fixture.tandem(["maps", "stop", "sample.groups"]).status == 0)
        let list = try fixture.tandem(["maps", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.range(
                    of:
                        #"^sample\.notes paused by cli:\S+ \d+s ago \(no reason given\); `tandem maps resume sample\.notes` goes on$"#,
                    options: .regularExpression) != nil
            }, "\(list.stdout)")
        #expect(
            lines.contains {
                $0.range(
                    of:
                        #"^sample\.groups stopped by cli:\S+ \d+s ago \(no reason given\); `tandem maps run sample\.groups` goes on$"#,
                    options: .regularExpression) != nil
            }, "\(list.stdout)")

        let json = try fixture.tandem(["maps", "list", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let notes = try #require(entries.first { $0["name"] as? String == "sample.notes" })
        #expect((notes["changedBy"] as? String)?.hasPrefix("cli:") == true, "\(json.stdout)")
        #expect(notes["changedAt"] is Double, "\(json.stdout)")
    }
}
