import Foundation
import TandemTestSupport
import Testing

/// `tandem write`: synchronous write-through, with and without a running
/// engine, refusals, bad input, and SIGKILL between the two commits.
@Suite("Write-through", .serialized)
struct WriteTests {
    static func notes(_ fixture: SyncFixture) throws -> (erp: [String], crm: [String]) {
        (
            try SideReader.rows(fixture.erp, "SELECT quote(NOTEID) || ',' || quote(TEXT) FROM Notes ORDER BY NOTEID"),
            try SideReader.rows(fixture.crm, "SELECT quote(annotationid) || ',' || quote(notetext) FROM annotation ORDER BY annotationid")
        )
    }

    @Test("A write lands on both sides before the command returns, with or without a running engine; a refusal on the other side leaves both unchanged")
    func bothOrNeither() async throws {
        let fixture = try ErrorTests.notesFixture("write")
        // No engine: the command carries the write out itself.
        let first = try await fixture.tandem(["write", "erp", "Notes", #"{"NOTEID": 1, "TEXT": "hello, ΚΑΛΗΜΕΡΑ"}"#])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("wrote 1 row(s): erp.Notes → crm.annotation (sample.notes)"), "\(first.stdout)")
        #expect(try Self.notes(fixture).crm == ["1,'hello, ΚΑΛΗΜΕΡΑ'"])

        // The CRM side's validation refuses one row of two: neither side keeps either.
        let refused = try await fixture.tandem(["write", "erp", "Notes", #"[{"NOTEID": 2, "TEXT": "fine"}, {"NOTEID": 3, "TEXT": "poison"}]"#])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("key 3: the crm side refused the row: notetext must not start with poison"), "\(refused.stderr)")
        #expect(try Self.notes(fixture).erp == ["1,'hello, ΚΑΛΗΜΕΡΑ'"])
        #expect(try Self.notes(fixture).crm == ["1,'hello, ΚΑΛΗΜΕΡΑ'"])

        // With the engine running, it carries the write out between batches.
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        let viaEngine = try await fixture.tandem(["write", "erp", "Notes", "--json", #"[{"NOTEID": 4, "TEXT": "via engine"}, {"NOTEID": 5, "TEXT": null}]"#])
        #expect(viaEngine.status == 0, "\(viaEngine.stderr)")
        #expect(viaEngine.stdout.contains("\"rows\" : 2"), "\(viaEngine.stdout)")
        #expect(try Self.notes(fixture).crm == ["1,'hello, ΚΑΛΗΜΕΡΑ'", "4,'via engine'", "5,NULL"])
        // From the CRM side too, and a delete.
        #expect(try await fixture.tandem(["write", "crm", "annotation", #"{"annotationid": 9, "notetext": "from crm"}"#]).status == 0)
        #expect(try await fixture.tandem(["write", "erp", "Notes", "--delete", #"{"NOTEID": 1}"#]).status == 0)
        let expected = ["4,'via engine'", "5,NULL", "9,'from crm'"]
        #expect(try Self.notes(fixture).erp == expected)
        #expect(try Self.notes(fixture).crm == expected)
        // The engine reads those changes later and does not apply them twice: the markers are consumed.
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_written") == 0 }
        try await waitUntil { try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_written") == 0 }
        #expect(try Self.notes(fixture).erp == expected)
        #expect(try Self.notes(fixture).crm == expected)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        #expect(!fixture.engineLog.contains("did not reach"), "\(fixture.engineLog)")
    }

    @Test("SIGKILL between the two commits: the first side keeps the write, and the engine applies it to the other side once it runs")
    func killBetweenCommits() async throws {
        let fixture = try ErrorTests.notesFixture("write-kill")
        let killed = try await fixture.tandem(
            ["write", "erp", "Notes", #"[{"NOTEID": 1, "TEXT": "one"}, {"NOTEID": 2, "TEXT": "two"}]"#],
            environment: ["TANDEM_FAULT": "kill-between-commits"])
        #expect(killed.status == SIGKILL, "\(killed)")
        #expect(try Self.notes(fixture).erp == ["1,'one'", "2,'two'"])
        #expect(try Self.notes(fixture).crm.isEmpty)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await waitUntil { try Self.notes(fixture).crm.count == 2 }
        let (erp, crm) = try Self.notes(fixture)
        #expect(erp == crm)
        #expect(fixture.engineLog.contains("which did not reach the crm side"), "\(fixture.engineLog)")
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        // The killed command's request stayed queued; the engine does not carry it out a second time
        // (it would overwrite whatever the rows became since): the ERP holds only the first write's changes.
        try await waitUntil {
            try SideReader.rows(fixture.directory + "/state.sqlite", "SELECT result FROM requests WHERE done_at IS NOT NULL").count == 1
        }
        let result = try SideReader.rows(fixture.directory + "/state.sqlite", "SELECT result FROM requests").joined()
        #expect(result.contains("is gone; not carried out: what it wrote before it stopped reaches the other side through capture"), "\(result)")
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes WHERE tbl = 'Notes'") == 2)
    }

    @Test(
        "Bad input to tandem write names the problem and changes nothing",
        arguments: [
            (["write", "pim", "Notes", "{}"], "'pim' is not a side; use erp or crm"),
            (["write", "erp", "Nope", #"{"a": 1}"#], "no enabled map syncs erp table 'Nope' to the crm side (tables that do: Notes)"),
            (["write", "erp", "Notes", #"{"NOTEID": 1,"#], "the rows are not valid JSON"),
            (["write", "erp", "Notes", "[]"], "no rows to write: the JSON array is empty"),
            (["write", "erp", "Notes", "42"], "the rows must be a JSON object or an array of objects"),
            (["write", "erp", "Notes", #"{"NOTEID": "seven", "TEXT": "x"}"#], "row 1, column NOTEID is INTEGER: \"seven\" is text, give an integer"),
            (["write", "erp", "Notes", #"{"NOTEID": 1.5, "TEXT": "x"}"#], "row 1, column NOTEID is INTEGER: give an integer"),
            (["write", "erp", "Notes", #"{"NOTEID": 1, "TEXT": 12}"#], "row 1, column TEXT is TEXT: give the value as a JSON string"),
            (["write", "erp", "Notes", #"{"TEXT": "no key"}"#], "row 1: key column NOTEID is missing (the key of Notes is NOTEID)"),
            (["write", "erp", "Notes", #"{"NOTEID": 1, "TITLE": "x"}"#], "row 1: erp table Notes has no column 'TITLE' (columns: NOTEID, TEXT)"),
            (["write", "erp", "Notes", #"{"NOTEID": 1, "TEXT": [1]}"#], "row 1, column TEXT: a value must be a string, a number"),
        ])
    func badInput(arguments: [String], expected: String) throws {
        let fixture = try ErrorTests.notesFixture("write-bad")
        let result = try fixture.tandem(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(try Self.notes(fixture).erp.isEmpty)
        #expect(try Self.notes(fixture).crm.isEmpty)
    }

    @Test(
        "A row the map's filter leaves out is reported as staying on the first side, with the filter named, in text and JSON; the rows that went through are reported as written"
    )
    func filteredRow() throws {
        let fixture = try SyncFixture.make("write-filter", maps: ["sample.notes"]) {
            $0.replacingOccurrences(
                of: "  - name: sample.notes\n", with: "  - name: sample.notes\n    filters:\n      erp_to_crm: \"NOTEID lt 100\"\n")
        }
        #expect(try fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let leftOut =
            "the filter of map sample.notes leaves it out of crm.annotation (filters.erp_to_crm in tandem.yaml: NOTEID lt 100), "
            + "so it stays on the erp side; change the row or the filter to sync it"

        // One row passes, one does not: the first is written, the second stays on the ERP side, and both are said.
        let mixed = try fixture.tandem(["write", "erp", "Notes", #"[{"NOTEID": 1, "TEXT": "in"}, {"NOTEID": 150, "TEXT": "out"}]"#])
        #expect(mixed.status == 0, "\(mixed.stderr)")
        let lines = mixed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(mixed.stdout)")
        #expect(lines.first?.hasPrefix("wrote 1 row(s): erp.Notes → crm.annotation (sample.notes) in ") == true, "\(mixed.stdout)")
        #expect(lines.last == "wrote 1 row(s) to erp.Notes only (key 150): \(leftOut)", "\(mixed.stdout)")
        #expect(try Self.notes(fixture).erp == ["1,'in'", "150,'out'"])
        #expect(try Self.notes(fixture).crm == ["1,'in'"])

        // Only a filtered row: nothing claims the CRM has it.
        let alone = try fixture.tandem(["write", "erp", "Notes", #"{"NOTEID": 151, "TEXT": "out too"}"#])
        #expect(alone.status == 0, "\(alone.stderr)")
        #expect(alone.stdout == "wrote 1 row(s) to erp.Notes only (key 151): \(leftOut)\n", "\(alone.stdout)")

        let json = try fixture.tandem(["write", "erp", "Notes", "--json", #"[{"NOTEID": 152, "TEXT": "x"}, {"NOTEID": 2, "TEXT": "y"}]"#])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        #expect(object["rows"] as? Int == 2)
        #expect(object["carried"] as? Int == 1)
        #expect(object["targets"] as? [String] == ["crm.annotation"])
        let entries = try #require(object["leftOut"] as? [[String: Any]], "\(json.stdout)")
        #expect(entries.count == 1)
        #expect(entries.first?["map"] as? String == "sample.notes")
        #expect(entries.first?["target"] as? String == "crm.annotation")
        #expect(entries.first?["filter"] as? String == "NOTEID lt 100")
        #expect(entries.first?["filterOrigin"] as? String == "filters.erp_to_crm in tandem.yaml")
        #expect(entries.first?["keys"] as? [String] == ["152"])
        #expect(entries.first?["onlyOrigin"] as? Bool == true)
        #expect(try Self.notes(fixture).crm == ["1,'in'", "2,'y'"])

        // A delete of a row the filter leaves out is not carried either, and says so.
        let deleted = try fixture.tandem(["write", "erp", "Notes", "--delete", #"{"NOTEID": 151}"#])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(
            deleted.stdout
                == "wrote 1 row(s) to erp.Notes only (key 151): the filter of map sample.notes leaves it out of crm.annotation "
                + "(filters.erp_to_crm in tandem.yaml: NOTEID lt 100), so the delete is not carried there\n",
            "\(deleted.stdout)")

        // Every row through: the output is as before, with no left-out line.
        let through = try fixture.tandem(["write", "erp", "Notes", #"{"NOTEID": 3, "TEXT": "z"}"#])
        #expect(through.stdout.hasPrefix("wrote 1 row(s): erp.Notes → crm.annotation (sample.notes) in "), "\(through.stdout)")
        #expect(through.stdout.split(separator: "\n").count == 1, "\(through.stdout)")
    }

    @Test("An oversized value, and a write to a paused map, are refused and change nothing")
    func oversizedAndPaused() throws {
        let fixture = try ErrorTests.notesFixture("write-limits")
        let file = fixture.directory + "/big.json"
        try #"{"NOTEID": 1, "TEXT": "\#(String(repeating: "x", count: (16 << 20) + 1))"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let big = try fixture.tandem(["write", "erp", "Notes", "--file", file])
        #expect(big.status != 0)
        #expect(big.stderr.contains("row 1, column TEXT: 16777217 bytes is over the 16 MB Tandem writes"), "\(big.stderr)")
        #expect(try fixture.tandem(["maps", "pause", "sample.notes"]).status == 0)
        let paused = try fixture.tandem(["write", "erp", "Notes", #"{"NOTEID": 1, "TEXT": "x"}"#])
        #expect(paused.status != 0)
        #expect(paused.stderr.contains("map sample.notes is paused, so the write would not reach the crm side"), "\(paused.stderr)")
        #expect(try Self.notes(fixture).erp.isEmpty)
        #expect(try Self.notes(fixture).crm.isEmpty)
    }
}
