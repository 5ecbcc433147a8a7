import Foundation
import GRDB
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// The operator commands that read a whole side, run as the real `tandem`
/// process in a mixed environment (ERP on the test PostgreSQL server, CRM on
/// a SQLite file): `maps compare` with PostgreSQL as target and as source,
/// the counts of what a filter leaves out (compare, status, validate),
/// `maps recover --resend` and `state rebuild`, and `tandem log`.
@Suite(
    "Operator commands on a PostgreSQL side", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
struct PostgreSQLCommandsTests {
    static func compare(_ fixture: SyncFixture, _ arguments: [String]) throws -> (status: Int32, maps: [[String: Any]])
    {
        let result = try fixture.tandem(["maps", "compare", "--json"] + arguments)
        let maps = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        return (result.status, maps)
    }

    /// A mixed environment of `maps` on a schema of its own; `edit` changes its tandem.yaml.
    static func environment(
        _ label: String, maps: [String], url: String, schema: String, edit: @escaping (String) -> String = { $0 }
    ) throws -> SyncFixture {
        try SyncFixture.make(
            label, maps: maps, initArguments: ["--with-dependencies", "--erp", url, "--schema", schema], edit: edit)
    }

    @Test(
        "maps compare with a PostgreSQL target table other maps share: rows the map's other direction filters out are other maps', not only on the target"
    )
    func compareSharedPostgreSQLTable() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try SyncFixture.make(
                "pg-compare-shared", maps: ["sample.notes"], initArguments: ["--crm", url, "--schema", schema],
                edit: CompareTests.sharedTable)
            try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'one')")
            _ = try await server.query(
                "INSERT INTO annotation VALUES (1, 'one'), (50, 'crm own'), (500, 'another map''s')")
            CompareTests.expectOtherMaps(try Self.compare(fixture, ["sample.notes"]))
        }
    }

    @Test(
        "maps compare with PostgreSQL as target: a numeric keeps its scale yet 10.5 and 10.50 are in step; a differing value, a row the server cannot read ('abc' for a numeric), a NUL byte, a missing row and a target-only row are each named"
    )
    func compareIntoPostgreSQL() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try Self.environment("pg-compare-target", maps: ["sample.notes"], url: url, schema: schema) {
                $0.replacingOccurrences(
                    of: "  - name: sample.notes\n    direction: both",
                    with: "  - name: sample.notes\n    direction: crm-to-erp")
            }
            _ = try await server.query(
                #"ALTER TABLE "Notes" ALTER COLUMN "TEXT" TYPE numeric(12,2) USING "TEXT"::numeric"#)
            _ = try await server.query(#"INSERT INTO "Notes" VALUES (1, 10.50), (2, 3), (4, 7), (5, NULL), (6, 1)"#)
            let crm = try SideReader.queue(fixture.crm)
            try await crm.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO annotation VALUES (1, '10.5'), (2, '3.25'), (3, '8'), (6, 'abc');
                        INSERT INTO annotation VALUES (5, CAST(x'610062' AS TEXT));
                        """)
            }
            let result = try Self.compare(fixture, ["sample.notes"])
            #expect(result.status == 1)
            let map = try #require(result.maps.first, "\(result)")
            #expect(map["direction"] as? String == "crm-to-erp")
            #expect(map["sourceRows"] as? Int == 5)
            #expect(map["targetRows"] as? Int == 5)
            #expect(map["equal"] as? Int == 1, "\(map)")
            #expect(map["differing"] as? Int == 3, "\(map)")
            #expect(map["missing"] as? Int == 1, "\(map)")
            #expect(map["onlyTarget"] as? Int == 1, "\(map)")
            let examples = map["examples"] as? [String: [String]]
            #expect(examples?["differing"] == ["2", "5", "6"], "\(map)")
            #expect(examples?["missing"] == ["3"])
            #expect(examples?["onlyTarget"] == ["4"])
            #expect(map["differingColumns"] as? [String: [String]] == ["2": ["TEXT"], "5": ["TEXT"], "6": ["TEXT"]])
            let text = try await fixture.tandem(["maps", "compare", "sample.notes"])
            #expect(text.status == 1)
            #expect(text.stdout.contains("sample.notes differing: 2 (TEXT)"), "\(text.stdout)\(text.stderr)")
            #expect(text.stdout.contains("sample.notes only on target: 4"), "\(text.stdout)")

            // The same rows in step: numeric equality, not the text the server prints (10.50).
            _ = try await server.query(#"DELETE FROM "Notes" WHERE "NOTEID" IN (4, 5, 6)"#)
            _ = try await server.query(#"UPDATE "Notes" SET "TEXT" = 3.25 WHERE "NOTEID" = 2"#)
            _ = try await server.query(#"INSERT INTO "Notes" VALUES (3, 8.00)"#)
            try await crm.write { db in try db.execute(sql: "DELETE FROM annotation WHERE annotationid IN (5, 6)") }
            #expect(try await server.query(#"SELECT "TEXT"::text FROM "Notes" WHERE "NOTEID" = 1"#) == [["10.50"]])
            let clean = try Self.compare(fixture, ["sample.notes"])
            #expect(clean.status == 0, "\(clean.maps)")
            #expect(clean.maps.first?["equal"] as? Int == 3)
        }
    }

    @Test(
        "maps compare with PostgreSQL as source counts the rows its filter leaves out (FILTERED), status counts them, and validate names a NULL and a value that misses by case or blanks"
    )
    func filteredSource() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try Self.environment(
                "pg-compare-source", maps: ["sample.groups", "sample.customers"], url: url, schema: schema
            ) {
                $0.replacingOccurrences(
                    of: "  - name: sample.customers\n",
                    with: "  - name: sample.customers\n    filters:\n      erp_to_crm: \"NOTES eq 'public'\"\n")
            }
            _ = try await server.query(#"INSERT INTO "CustGroup" VALUES ('usmf', '10', 'Retail')"#)
            _ = try await server.query(
                #"""
                INSERT INTO "CustTable" ("DATAAREAID", "ACCOUNTNUM", "NAME", "CUSTGROUP", "CREDITLIMIT", "NOTES") VALUES
                ('usmf', 'C1', 'Ada', '10', '100.50', 'public'), ('usmf', 'C2', 'Bob', '10', '5', 'Public '),
                ('usmf', 'C3', 'Cy', '10', NULL, NULL), ('usmf', 'C4', 'Dee ✓', '10', '7', 'public')
                """#)
            let synced = try await fixture.tandem(["maps", "initial-sync", "sample.groups", "sample.customers", "--no-run"])
            #expect(synced.status == 0, "\(synced.stderr)")
            let clean = try Self.compare(fixture, ["sample.customers"])
            #expect(clean.status == 0, "\(clean.maps)")
            let map = try #require(clean.maps.first)
            #expect(map["direction"] as? String == "erp-to-crm")
            #expect(map["sourceRows"] as? Int == 4)
            #expect(map["carried"] as? Int == 2)
            #expect(map["equal"] as? Int == 2)
            #expect(map["filteredOut"] as? Int == 2)
            #expect(map["filteredOutExamples"] as? [String] == ["'usmf','C2'", "'usmf','C3'"])
            let text = try await fixture.tandem(["maps", "compare", "sample.customers"])
            #expect(text.stdout.contains("FILTERED"), "\(text.stdout)")

            // Status counts what the filter leaves out, on the PostgreSQL side.
            let status = try await fixture.tandem(["status", "--json"])
            #expect(status.status == 0, "\(status.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            let customers = (json?["maps"] as? [[String: Any]])?.first { $0["name"] as? String == "sample.customers" }
            let directions = customers?["directions"] as? [[String: Any]] ?? []
            #expect(
                directions.first { $0["direction"] as? String == "erp-to-crm" }?["filteredOut"] as? Int == 2,
                "\(directions)")

            // Validate names the NULL and the near miss.
            let validate = try await fixture.tandem(["maps", "validate", "sample.customers", "--json"])
            let findings =
                (try? JSONSerialization.jsonObject(with: Data(validate.stdout.utf8)) as? [[String: Any]]) ?? []
            let messages = Set(
                findings.filter { $0["code"] as? String == "TW011" }.compactMap { $0["message"] as? String })
            #expect(
                messages == [
                    "1 row(s) of CustTable have no NOTES (NULL), and filters.erp_to_crm in tandem.yaml (NOTES eq 'public') "
                        + "leaves them out: they never reach account, and no error says so",
                    "1 row(s) of CustTable have NOTES 'Public ', which misses 'public' of filters.erp_to_crm in "
                        + "tandem.yaml (NOTES eq 'public') by case or blanks only: they never reach account, and no error "
                        + "says so",
                ], "\(validate.stdout)\(validate.stderr)")

            // A CRM edit and a CRM-only row are found against the PostgreSQL source.
            let crm = try SideReader.queue(fixture.crm)
            try await crm.write { db in
                try db.execute(
                    sql: """
                        UPDATE account SET name = 'renamed' WHERE accountnumber = 'C4';
                        INSERT INTO account (msdyn_company, accountnumber, name) VALUES ('usmf', 'C9', 'crm only');
                        """)
            }
            let dirty = try Self.compare(fixture, ["sample.customers"])
            #expect(dirty.status == 1)
            let after = try #require(dirty.maps.first)
            #expect(after["equal"] as? Int == 1)
            #expect(after["differing"] as? Int == 1)
            #expect(after["onlyTarget"] as? Int == 1)
            #expect(after["differingColumns"] as? [String: [String]] == ["'usmf','C4'": ["name"]])
        }
    }

    /// Writes notes `ids` on the PostgreSQL ERP, one statement each (one change each).
    static func insertNotes(_ server: PostgreSQLSession, _ ids: ClosedRange<Int>) async throws {
        for id in ids {
            _ = try await server.query(#"INSERT INTO "Notes" VALUES ($1, $2)"#, [String(id), "note \(id)"])
        }
    }

    /// The notes of both sides as `id|text`, sorted, once they are equal (or after 30 s).
    static func convergedNotes(
        _ fixture: SyncFixture, _ server: PostgreSQLSession
    ) async throws -> (erp: [String], crm: [String]) {
        var result: ([String], [String]) = ([], [])
        _ = try await PostgreSQLMixedEnvironmentTests.eventually {
            let erp = try await server.query(#"SELECT "NOTEID"::text || '|' || "TEXT" FROM "Notes" ORDER BY "NOTEID""#)
                .map { $0[0] ?? "NULL" }
            let crm = try SideReader.rows(
                fixture.crm,
                "SELECT CAST(annotationid AS TEXT) || '|' || notetext FROM annotation ORDER BY annotationid")
            result = (erp, crm)
            return erp == crm
        }
        return result
    }

    @Test(
        "state rebuild reads the PostgreSQL side's identity and checkpoints: the map comes back stopped and catches up row for row"
    )
    func stateRebuild() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try Self.environment("pg-state-rebuild", maps: ["sample.notes"], url: url, schema: schema)
            #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
            let engine = try fixture.startEngine()
            defer { kill(engine.processIdentifier, SIGKILL) }
            try await Self.insertNotes(server, 1...10)
            try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10 }
            try await SideFiles.stop(engine)
            try await Self.insertNotes(server, 11...20)
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: fixture.directory + "/state.sqlite" + suffix)
            }
            let refused = try await fixture.tandem(["run"])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("does not know this environment, but its sides do"), "\(refused.stderr)")

            let rebuilt = try await fixture.tandem(["state", "rebuild"])
            #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
            #expect(rebuilt.stdout.contains("sample.notes: stopped"), "\(rebuilt.stdout)")
            #expect(try await fixture.tandem(["log", "--kind", "state rebuilt"]).stdout.contains("sample.notes stopped"))
            let twice = try await fixture.tandem(["state", "rebuild"])
            #expect(twice.status != 0)
            #expect(twice.stderr.contains("knows this environment"), "\(twice.stderr)")

            #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
            let again = try fixture.startEngine()
            defer { kill(again.processIdentifier, SIGKILL) }
            let (erp, crm) = try await Self.convergedNotes(fixture, server)
            #expect(erp.count == 20)
            #expect(erp == crm)
            try await SideFiles.stop(again)
        }
    }

    /// Notes 1–10 synced, the CRM file backed up, notes 11–60 synced, the engine stopped, the
    /// backup restored; then the engine's own word that the map failed.
    static func restoreCRM(_ fixture: SyncFixture, _ server: PostgreSQLSession) async throws {
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await Self.insertNotes(server, 1...10)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10 }
        // As SideRestoreTests: the backup once the ERP stored its checkpoint of the CRM's changes.
        let checkpointed = try await PostgreSQLMixedEnvironmentTests.eventually {
            let stored = try await server.query(
                "SELECT COALESCE(MAX(seq), 0)::text FROM _tandem_checkpoints WHERE source = 'crm'")
            return Int(stored.first?[0] ?? "") ?? -1
                == (try SideReader.scalar(
                    fixture.crm, "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = '_tandem_changes'"))
        }
        #expect(checkpointed, "\(fixture.engineLog)")
        try SideFiles.backup(fixture.crm, to: fixture.crm + ".backup")
        try await Self.insertNotes(server, 11...60)
        let (erp, crm) = try await Self.convergedNotes(fixture, server)
        #expect(erp == crm && erp.count == 60)
        try await Task.sleep(for: .seconds(2.5))
        try await SideFiles.stop(engine)
        try SideFiles.restore(fixture.crm + ".backup", to: fixture.crm)
        let failing = try fixture.startEngine()
        defer { kill(failing.processIdentifier, SIGKILL) }
        try await waitUntil {
            fixture.engineLog.contains("map sample.notes: running → failed: the crm side went back in time")
        }
        try await SideFiles.stop(failing)
    }

    @Test(
        "maps recover --resend reads the PostgreSQL ERP's change log: a restored CRM gets what it lost again, row for row"
    )
    func recoverResend() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try Self.environment(
                "pg-recover", maps: ["sample.notes"], url: url, schema: schema, edit: SideRestoreTests.fastPrune())
            try await Self.restoreCRM(fixture, server)
            #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 10)
            let recover = try await fixture.tandem(["maps", "recover", "sample.notes", "--resend"])
            #expect(recover.status == 0, "\(recover.stderr)")
            #expect(recover.stdout.contains("changes after erp:"), "\(recover.stdout)")
            #expect(recover.stdout.contains("go to the crm side again"), "\(recover.stdout)")
            let again = try fixture.startEngine()
            defer { kill(again.processIdentifier, SIGKILL) }
            let (erp, crm) = try await Self.convergedNotes(fixture, server)
            #expect(erp.count == 60)
            #expect(erp == crm)
            try await SideFiles.stop(again)
        }
    }

    @Test("maps recover --resend beyond the PostgreSQL ERP's retention is refused, naming how far it was pruned")
    func recoverBeyondRetention() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try Self.environment(
                "pg-recover-pruned", maps: ["sample.notes"], url: url, schema: schema,
                edit: SideRestoreTests.fastPrune(retentionHours: 0))
            try await Self.restoreCRM(fixture, server)
            let resend = try await fixture.tandem(["maps", "recover", "sample.notes", "--resend"])
            #expect(resend.status != 0)
            #expect(resend.stderr.contains("the erp side's changes of Notes after erp:"), "\(resend.stderr)")
            #expect(resend.stderr.contains("which the crm side lost, were pruned up to erp:"), "\(resend.stderr)")
            #expect(resend.stderr.contains("`tandem maps recover sample.notes --initial-sync --master erp|crm`"))
        }
    }

    /// The entries of `tandem log --json` with `arguments`.
    static func log(_ fixture: SyncFixture, _ arguments: [String] = []) throws -> [[String: Any]] {
        let result = try fixture.tandem(["log", "--json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test(
        "tandem log shows a change parked on the PostgreSQL side and a conflict kept there, under the ids errors and conflicts use, filtered by side"
    )
    func logReadsPostgreSQL() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try Self.environment(
                "pg-log", maps: ["sample.groups", "sample.customers"], url: url, schema: schema)
            #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"]).status == 0)
            let engine = try fixture.startEngine()
            defer { kill(engine.processIdentifier, SIGKILL) }
            _ = try await server.query(#"INSERT INTO "CustGroup" VALUES ('usmf', '10', 'Retail')"#)
            _ = try await server.query(
                #"INSERT INTO "CustTable" ("DATAAREAID", "ACCOUNTNUM", "NAME", "CUSTGROUP") VALUES ('usmf', 'C-1', 'Ada', '10')"#
            )
            try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == 1 }
            // A CRM account whose group the ERP lacks waits on the PostgreSQL side.
            let crm = try SideReader.queue(fixture.crm)
            try await crm.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO account (msdyn_company, accountnumber, name, msdyn_customergroupid) VALUES ('usmf', 'C-2', 'Orphan', '77')"
                )
            }
            let parked = try await PostgreSQLMixedEnvironmentTests.eventually {
                try Self.log(fixture, ["--kind", "error"]).contains { $0["id"] as? String == "erp-1" }
            }
            let text = try await fixture.tandem(["log"]).stdout
            #expect(parked, "\(text)")
            let entry = try Self.log(fixture, ["--kind", "error"]).first { $0["id"] as? String == "erp-1" }
            #expect(entry?["side"] as? String == "erp")
            #expect(entry?["map"] as? String == "sample.customers")
            #expect(entry?["key"] as? String == "'usmf','C-2'", "\(entry ?? [:])")
            #expect((entry?["details"] as? String)?.contains("(parent)") == true, "\(entry ?? [:])")
            #expect(try Self.log(fixture, ["--side", "crm", "--kind", "error"]).isEmpty)

            // Both sides edit C-1 at once, the ERP's edit committing while the engine applies the CRM's:
            // the ERP side keeps the conflict. The engine reads below a writer in flight, and its
            // batch waits for the table until the writer commits (PostgreSQLSide.lockTargets).
            _ = try await server.query("BEGIN")
            _ = try await server.query(#"UPDATE "CustTable" SET "NAME" = 'ERP edit' WHERE "ACCOUNTNUM" = 'C-1'"#)
            try await crm.write { db in
                try db.execute(sql: "UPDATE account SET name = 'CRM edit' WHERE accountnumber = 'C-1'")
            }
            try await Task.sleep(for: .seconds(4))
            _ = try await server.query("COMMIT")
            var listed: [[String: Any]] = []
            let detected = try await PostgreSQLMixedEnvironmentTests.eventually {
                let conflicts = try await fixture.tandem(["conflicts", "list", "--json"])
                listed =
                    (try? JSONSerialization.jsonObject(with: Data(conflicts.stdout.utf8)) as? [[String: Any]]) ?? []
                return !listed.isEmpty
            }
            #expect(detected, "\(fixture.engineLog)")
            let conflictIDs = Set(listed.compactMap { $0["id"] as? String })
            let logged = Set(try Self.log(fixture, ["--kind", "conflict"]).compactMap { $0["id"] as? String })
            #expect(logged == conflictIDs, "\(listed)")
            #expect(conflictIDs.contains { $0.hasPrefix("erp-") }, "\(listed)")
            let erpOnly = Set(
                try Self.log(fixture, ["--kind", "conflict", "--side", "erp"]).compactMap { $0["id"] as? String })
            #expect(erpOnly == conflictIDs.filter { $0.hasPrefix("erp-") })
            try await SideFiles.stop(engine)
        }
    }

    /// `pg_dump` or `pg_restore` of the test server (from PG_BIN_DIR, which with-postgres.sh sets).
    static func pgTool(_ tool: String, _ arguments: [String]) throws {
        let folder = ProcessInfo.processInfo.environment["PG_BIN_DIR"] ?? "/usr/bin"
        let result = try Fixtures.run(folder + "/" + tool, arguments)
        guard result.status == 0 else { throw FixtureError("\(tool) failed: \(result.stderr)") }
    }

    @Test(
        "An ERP schema restored from an older pg_dump fails its map; --resend reads the restored PostgreSQL side's own log and sends the CRM's lost notes again, row for row"
    )
    func erpRestoredResend() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try Self.environment(
                "pg-restore-erp", maps: ["sample.notes"], url: url, schema: schema, edit: SideRestoreTests.fastPrune())
            #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
            let engine = try fixture.startEngine()
            defer { kill(engine.processIdentifier, SIGKILL) }
            let crm = try SideReader.queue(fixture.crm)
            func insertCRMNotes(_ ids: ClosedRange<Int>) async throws {
                for id in ids {
                    try await crm.write { db in
                        try db.execute(sql: "INSERT INTO annotation VALUES (?, ?)", arguments: [id, "note \(id)"])
                    }
                }
            }
            try await insertCRMNotes(1...10)
            let first = try await PostgreSQLMixedEnvironmentTests.eventually {
                try await server.query(#"SELECT count(*)::text FROM "Notes""#) == [["10"]]
            }
            #expect(first, "\(fixture.engineLog)")
            try await Task.sleep(for: .seconds(1.5))
            let dump = fixture.directory + "/erp.dump"
            try Self.pgTool("pg_dump", ["--dbname=\(url)", "--schema=\(schema)", "--format=custom", "--file=\(dump)"])
            try await insertCRMNotes(11...60)
            let (erp, crmNotes) = try await Self.convergedNotes(fixture, server)
            #expect(erp == crmNotes && erp.count == 60)
            try await Task.sleep(for: .seconds(2.5))
            try await SideFiles.stop(engine)
            _ = try await server.query("DROP SCHEMA \(schema) CASCADE")
            try Self.pgTool("pg_restore", ["--dbname=\(url)", dump])
            #expect(try await server.query(#"SELECT count(*)::text FROM "Notes""#) == [["10"]])

            let failing = try fixture.startEngine()
            defer { kill(failing.processIdentifier, SIGKILL) }
            try await waitUntil {
                fixture.engineLog.contains("map sample.notes: running → failed: the erp side went back in time")
            }
            try await SideFiles.stop(failing)
            let recover = try await fixture.tandem(["maps", "recover", "sample.notes", "--resend"])
            #expect(recover.status == 0, "\(recover.stderr)")
            #expect(recover.stdout.contains("go to the erp side again"), "\(recover.stdout)")
            let again = try fixture.startEngine()
            defer { kill(again.processIdentifier, SIGKILL) }
            let (restored, notes) = try await Self.convergedNotes(fixture, server)
            #expect(restored.count == 60, "\(fixture.engineLog)")
            #expect(restored == notes)
            try await SideFiles.stop(again)
        }
    }

    @Test("tandem log --follow prints a change parked on the PostgreSQL side after it started")
    func followReadsPostgreSQL() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try Self.environment(
                "pg-log-follow", maps: ["sample.groups", "sample.customers"], url: url, schema: schema)
            #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"]).status == 0)
            let engine = try fixture.startEngine()
            defer { kill(engine.processIdentifier, SIGKILL) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Fixtures.tandemExecutable)
            process.arguments = ["log", "--follow", "--json", "--env", fixture.directory, "--kind", "error"]
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["TANDEM_BUNDLED_PLUGINS": fixture.bundled]) { $1 }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            let lines = LineCollector(output.fileHandleForReading)
            try await Task.sleep(for: .seconds(1))
            let crm = try SideReader.queue(fixture.crm)
            try await crm.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO account (msdyn_company, accountnumber, name, msdyn_customergroupid) VALUES ('usmf', 'C-3', 'Orphan', '88')"
                )
            }
            try await waitUntil(timeout: .seconds(120)) { lines.lines.contains { $0.contains("\"erp-1\"") } }
            #expect(lines.lines.contains { $0.contains("'usmf','C-3'") }, "\(lines.lines)")
            kill(process.processIdentifier, SIGINT)
            try await SideFiles.stop(engine)
        }
    }

    @Test("maps compare of a PostgreSQL table without a primary key is refused, naming the table and the fix")
    func compareWithoutPrimaryKey() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try Self.environment("pg-compare-nokey", maps: ["sample.notes"], url: url, schema: schema)
            _ = try await server.query(#"ALTER TABLE "Notes" DROP CONSTRAINT "Notes_pkey""#)
            // Compare only reads (it installs no capture, which would refuse the table too): its read says it.
            let result = try await fixture.tandem(["maps", "compare", "sample.notes"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("\(schema).Notes on the erp side (postgresql://"), "\(result.stderr)")
            #expect(
                result.stderr.contains(
                    "has no primary key; a whole-table read (maps compare, a filter's counts) walks it in key order: add one"
                ), "\(result.stderr)")
        }
    }

    @Test(
        "maps compare into PostgreSQL counts a row whose key holds a NUL byte (no PostgreSQL key can) as missing, without failing; NULL equals NULL"
    )
    func compareUnstorableKey() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try Self.environment(
                "pg-compare-nul-key", maps: ["sample.groups", "sample.customers"], url: url, schema: schema
            ) {
                $0.replacingOccurrences(
                    of: "  - name: sample.customers\n    direction: both",
                    with: "  - name: sample.customers\n    direction: crm-to-erp")
            }
            _ = try await server.query(
                #"INSERT INTO "CustTable" ("DATAAREAID", "ACCOUNTNUM", "NAME") VALUES ('usmf', 'C1', 'Ada')"#)
            try SideReader.execute(
                fixture.crm,
                """
                INSERT INTO account (msdyn_company, accountnumber, name) VALUES ('usmf', 'C1', 'Ada');
                INSERT INTO account (msdyn_company, accountnumber, name) VALUES ('usmf', CAST(x'430032' AS TEXT), 'NUL key');
                """)
            let result = try Self.compare(fixture, ["sample.customers"])
            #expect(result.status == 1)
            let map = try #require(result.maps.first, "\(result)")
            #expect(map["equal"] as? Int == 1, "\(map)")
            #expect(map["missing"] as? Int == 1, "\(map)")
            // Its key as the engine writes text with a NUL byte; C1's NULL columns are equal NULLs.
            #expect((map["examples"] as? [String: [String]])?["missing"] == ["'usmf',TX'430032'"], "\(map)")
        }
    }

    @Test(
        "tandem log with the PostgreSQL server out of reach still shows the activity log, and names the side it could not read"
    )
    func logWithServerDown() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, _ in
            let fixture = try Self.environment("pg-log-down", maps: ["sample.notes"], url: url, schema: schema)
            // The same environment, its ERP at a port where nothing listens.
            let config = fixture.directory + "/tandem.yaml"
            let text = try String(contentsOfFile: config, encoding: .utf8)
            let port = try #require(URLComponents(string: url)?.port)
            try text.replacingOccurrences(of: ":\(port)/", with: ":1/").write(
                toFile: config, atomically: true, encoding: .utf8)
            let result = try await fixture.tandem(["log"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("map created"), "\(result.stdout)")
            #expect(
                result.stderr.contains("the erp side's parked changes and conflicts are not shown: "),
                "\(result.stderr)")
        }
    }
}
