import Foundation
import TandemTestSupport
import Testing

/// A change whose parent never comes (a reference in the wrong case) used
/// to wait for ever as "waiting for its parent", never an error. After
/// `engine.parent_wait_s` it is one: in `tandem errors list`, in `tandem
/// status` and to alert rules; the engine as a real process.
@Suite("A change that waits for its parent too long is an error", .serialized)
struct ParentWaitTests {
    @Test(
        "A customer naming group 'gold' when only 'GOLD' exists is overdue after parent_wait_s: listed with what to check, counted in status, and an errors rule pauses the map"
    )
    func wrongCase() async throws {
        let fixture = try AlertTests.make(
            "parent-wait", maps: ["sample.groups", "sample.customers"],
            """
            alerts:
              check_interval_ms: 200
              rules:
                - {name: stuck, maps: [sample.customers], condition: errors, class: application, threshold: 1, within: 15m, action: pause}
            """)
        let config = fixture.directory + "/tandem.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(text.contains("parent_wait_s: 3600"), "the init template names the setting")
        try text.replacingOccurrences(of: "parent_wait_s: 3600", with: "parent_wait_s: 5")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustGroup VALUES ('usmf', 'GOLD', 'Gold customers');
            INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, CUSTGROUP) VALUES ('usmf', 'C1', 'Contoso', 'gold');
            """)
        try await waitUntil { try ErrorTests.entries(fixture).count == 1 }
        let waiting = try #require(try ErrorTests.entries(fixture).first)
        #expect(waiting["kind"] as? String == "parent", "\(waiting)")
        // Within the wait it is not an error yet: the rule has not fired.
        // The state is read first, so if the entry is still not overdue
        // after it, the map was running at a time the change was within
        // its wait (a busy machine may pass the 5 s before this line).
        let state = try AlertTests.mapState(fixture, "sample.customers")
        if try ErrorTests.entries(fixture).first?["overdue"] as? Bool != true {
            #expect(state.hasPrefix("running|"), "\(state)")
        }

        try await waitUntil { try ErrorTests.entries(fixture).first?["overdue"] as? Bool == true }
        let overdue = try #require(try ErrorTests.entries(fixture).first)
        #expect(overdue["kind"] as? String == "parent" && overdue["errorClass"] as? String == "application")
        let reason = overdue["reason"] as? String ?? ""
        #expect(
            reason.contains("waits for its parent in map sample.groups: text 'gold' is not on the crm side yet"),
            "\(reason)"
        )
        #expect(
            reason.contains(
                "longer than engine.parent_wait_s (5s): check that the value matches the parent's key exactly, case included, and that the parent's map runs"
            ), "\(reason)")
        let list = try await fixture.tandem(["errors", "list"])
        #expect(list.stdout.contains("parent, overdue"), "\(list.stdout)")

        let status = try await fixture.tandem(["status"])
        #expect(status.stdout.contains("1 waited over 5s for a parent row (`tandem errors list`)"), "\(status.stdout)")

        try await waitUntil { try AlertTests.mapState(fixture, "sample.customers").hasPrefix("paused|rule:stuck|") }
        #expect(
            try AlertTests.mapState(fixture, "sample.customers")
                == "paused|rule:stuck|alert rule stuck: application errors >= 1 within 15m, measured 1")
    }
}
