import Foundation
import GRDB
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// An environment whose ERP side is a PostgreSQL schema and whose CRM side
/// is a SQLite file, made and run by the real `tandem` processes: `init
/// --erp URL` creates the plugin's tables on the server and installs
/// capture, and `tandem run` carries each side's writes to the other.
@Suite(
    "Mixed environment: ERP on PostgreSQL, CRM on SQLite", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
struct PostgreSQLMixedEnvironmentTests {
    /// A schema of its own on the test server, dropped afterwards.
    static func withSchema(_ body: (String, String, PostgreSQLSession) async throws -> Void) async throws {
        let url = try PostgreSQLTestServer.requireURL()
        let schema = "mixed_" + UUID().uuidString.prefix(8).lowercased()
        let admin = PostgreSQLEndpoint(config: try PostgreSQLSideConfig(url: url), readerName: "mixed-test")
        let session = try await admin.openSession()
        _ = try await session.query("CREATE SCHEMA \(schema)")
        _ = try await session.query("SET search_path TO \(schema)")
        do {
            try await body(url, schema, session)
        } catch {
            _ = try? await session.query("DROP SCHEMA \(schema) CASCADE")
            _ = await session.close()
            await admin.close()
            throw error
        }
        _ = try await session.query("DROP SCHEMA \(schema) CASCADE")
        _ = await session.close()
        await admin.close()
    }

    /// Polls `condition` until it holds or 20 s pass.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    @Test("init --erp URL makes the tables and capture on the server; run syncs both ways, exact to the byte")
    func liveBothWays() async throws {
        try await Self.withSchema { url, schema, server in
            let fixture = try SyncFixture.make(
                "mixed", maps: ["sample.customers"], initArguments: ["--with-dependencies", "--erp", url, "--schema", schema])
            let config = try String(contentsOfFile: fixture.directory + "/tandem.yaml", encoding: .utf8)
            #expect(config.contains("endpoint: postgresql"))
            #expect(config.contains("schema: \(schema)\n"))
            // The password reaches the server from PGPASSWORD, never the config.
            if let password = PostgreSQLTestEnvironment.password { #expect(!config.contains(password)) }
            // The plugin's tables, with their names' case kept, and capture on them.
            let tables = try await server.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", [schema]
            ).compactMap { $0[0] }
            #expect(tables.contains("CustTable") && tables.contains("CustGroup") && tables.contains("_tandem_changes"))

            let started = try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"])
            #expect(started.status == 0, "\(started.stderr)")
            let engine = try fixture.startEngine()
            defer {
                engine.terminate()
                engine.waitUntilExit()
            }
            #expect(engine.isRunning, "\(fixture.engineLog)")

            // ERP → CRM: text in several scripts and a credit limit with 10 decimals.
            let name = "Zoë Ünïcode 株式会社 😀"
            _ = try await server.query(#"INSERT INTO "CustGroup" VALUES ('usmf', '10', 'Retail')"#)
            _ = try await server.query(
                #"INSERT INTO "CustTable" ("DATAAREAID", "ACCOUNTNUM", "NAME", "CUSTGROUP", "CREDITLIMIT") VALUES ('usmf', 'C-1', $1, '10', '12345.1234567891')"#,
                [name])
            let crm = try SideReader.queue(fixture.crm)
            let arrived = try await Self.eventually {
                try crm.read { db in
                    try Row.fetchOne(
                        db, sql: "SELECT name, creditlimit, msdyn_customergroupid FROM account WHERE accountnumber = 'C-1'")
                } != nil
            }
            #expect(arrived, "\(fixture.engineLog)")
            let row = try crm.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT name, creditlimit, msdyn_customergroupid FROM account WHERE accountnumber = 'C-1'")
            }
            #expect(row?["name"] as String? == name)
            #expect(row?["creditlimit"] as String? == "12345.1234567891")
            #expect(row?["msdyn_customergroupid"] as String? == "10")

            // CRM → ERP, and no echo back: the ERP's row changes once, to exactly what the CRM wrote.
            try await crm.write { db in
                try db.execute(sql: "UPDATE account SET name = 'Renamed in the CRM ✓' WHERE accountnumber = 'C-1'")
            }
            let renamed = try await Self.eventually {
                try await server.query(#"SELECT "NAME" FROM "CustTable" WHERE "ACCOUNTNUM" = 'C-1'"#).first?[0]
                    == "Renamed in the CRM ✓"
            }
            #expect(renamed, "\(fixture.engineLog)")
            let erpRow = try await server.query(
                #"SELECT "DATAAREAID", "ACCOUNTNUM", "NAME", "CUSTGROUP", "CREDITLIMIT" FROM "CustTable""#)
            #expect(erpRow == [["usmf", "C-1", "Renamed in the CRM ✓", "10", "12345.1234567891"]])

            // Status reads both sides: nothing queued, nothing parked.
            let settled = try await Self.eventually {
                let status = try await fixture.tandem(["status", "--json"])
                guard status.status == 0, let data = status.stdout.data(using: .utf8),
                    let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let maps = json["maps"] as? [[String: Any]]
                else { return false }
                let directions = maps.flatMap { $0["directions"] as? [[String: Any]] ?? [] }
                return directions.count == 4
                    && directions.allSatisfy { ($0["queued"] as? Int) == 0 && ($0["parked"] as? Int) == 0 }
            }
            let status = try await fixture.tandem(["status"]).stdout
            #expect(settled, "\(status)")

            // A CRM account whose group the ERP does not have waits on the PostgreSQL side, and the
            // error list, its detail and the log read it from there.
            try await crm.write { db in
                try db.execute(
                    sql: "INSERT INTO account (msdyn_company, accountnumber, name, msdyn_customergroupid) VALUES ('usmf', 'C-2', 'Orphan', '77')")
            }
            var listed: [[String: Any]] = []
            let parked = try await Self.eventually {
                let errors = try await fixture.tandem(["errors", "list", "--json"])
                guard errors.status == 0, let data = errors.stdout.data(using: .utf8),
                    let json = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
                else { return false }
                listed = json
                return !json.isEmpty
            }
            let listing = try await fixture.tandem(["errors", "list"])
            #expect(parked, "\(listing.stdout)\(listing.stderr)")
            #expect(listed.first?["id"] as? String == "erp-1", "\(listed)")
            #expect(listed.first?["kind"] as? String == "parent", "\(listed)")
            let shown = try await fixture.tandem(["errors", "show", "erp-1"])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout.contains("Orphan"), "\(shown.stdout)")
            let conflicts = try await fixture.tandem(["conflicts", "list", "--json"])
            #expect(conflicts.status == 0, "\(conflicts.stderr)")
            let conflictList = try JSONSerialization.jsonObject(with: Data(conflicts.stdout.utf8)) as? [Any]
            #expect(conflictList?.isEmpty == true, "\(conflicts.stdout)")
        }
    }

    @Test("init against a schema that does not exist says so and leaves no environment behind")
    func missingSchema() async throws {
        let url = try PostgreSQLTestServer.requireURL()
        let directory = try Fixtures.temporaryDirectory("mixed-missing") + "/env"
        let result = try await Fixtures.run(
            Fixtures.tandemExecutable,
            ["init", directory, "--map", "sample.groups", "--erp", url, "--schema", "no_such_schema"],
            environment: ["TANDEM_BUNDLED_PLUGINS": SyncFixture.stagedPlugins])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no_such_schema"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/tandem.yaml"))
    }

    @Test("A failed init takes its capture and identity off the server, so the retry is not refused")
    func failedInitUndoes() async throws {
        try await Self.withSchema { url, schema, server in
            // A table the map needs, already there without a primary key: capture refuses it.
            _ = try await server.query(#"CREATE TABLE "CustGroup" ("DATAAREAID" text, "CUSTGROUPID" text, "NAME" text)"#)
            let directory = try Fixtures.temporaryDirectory("mixed-undo") + "/env"
            let arguments = ["init", directory, "--map", "sample.groups", "--erp", url, "--schema", schema]
            let failed = try await Fixtures.run(
                Fixtures.tandemExecutable, arguments, environment: ["TANDEM_BUNDLED_PLUGINS": SyncFixture.stagedPlugins])
            #expect(failed.status != 0)
            #expect(failed.stderr.contains("has no primary key"), "\(failed.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory + "/tandem.yaml"))
            let left = try await server.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE '\\_tandem%' ORDER BY 1", [schema])
            #expect(left.isEmpty, "\(left)")
            // Fixed, the same command now succeeds.
            _ = try await server.query(#"ALTER TABLE "CustGroup" ADD PRIMARY KEY ("DATAAREAID", "CUSTGROUPID")"#)
            let retried = try await Fixtures.run(
                Fixtures.tandemExecutable, arguments, environment: ["TANDEM_BUNDLED_PLUGINS": SyncFixture.stagedPlugins])
            #expect(retried.status == 0, "\(retried.stderr)")
        }
    }

    @Test("Initial sync between PostgreSQL and SQLite: killed mid-way it resumes, the master wins a differing row, the other side's own rows reach the master, then live sync goes on")
    func initialSyncResumes() async throws {
        try await Self.withSchema { url, schema, server in
            let fixture = try SyncFixture.make(
                "mixed-initial", maps: ["sample.customers"],
                initArguments: ["--with-dependencies", "--erp", url, "--schema", schema])
            _ = try await server.query(
                #"INSERT INTO "CustGroup" SELECT 'usmf', g::text, 'Group ' || g FROM generate_series(1, 20) g"#)
            _ = try await server.query(
                #"""
                INSERT INTO "CustTable" ("DATAAREAID", "ACCOUNTNUM", "NAME", "CUSTGROUP", "CREDITLIMIT")
                SELECT 'usmf', 'C' || lpad(i::text, 5, '0'), 'Kunde Ä ' || i || ' 株', ((i % 20) + 1)::text,
                       to_char(i * 1.0000000001, 'FM999999990.0000000000')
                FROM generate_series(1, 3000) i
                """#)
            try SideReader.execute(
                fixture.crm,
                "INSERT INTO msdyn_customergroup VALUES ('usmf', '5', 'Differs in the CRM'), ('usmf', '99', 'Only in the CRM')")
            let run = ["maps", "initial-sync", "sample.groups", "sample.customers", "--chunk", "700"]
            let killed = try await fixture.tandem(run, environment: ["TANDEM_FAULT": "kill-after-rows:1400"])
            #expect(killed.status != 0, "\(killed.stdout)")
            let crmRowsAfterKill = try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account")
            #expect(crmRowsAfterKill > 0 && crmRowsAfterKill < 3000, "\(crmRowsAfterKill)")
            let resumed = try await fixture.tandem(run)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect((resumed.stdout + resumed.stderr).contains("resum"), "\(resumed.stdout)\(resumed.stderr)")

            let erp = try await server.query(
                #"SELECT "ACCOUNTNUM" || '|' || "NAME" || '|' || "CUSTGROUP" || '|' || "CREDITLIMIT" FROM "CustTable" ORDER BY "ACCOUNTNUM""#
            ).compactMap { $0[0] }
            let crm = try SideReader.rows(
                fixture.crm,
                "SELECT accountnumber || '|' || name || '|' || msdyn_customergroupid || '|' || creditlimit FROM account ORDER BY accountnumber")
            #expect(erp.count == 3000)
            #expect(erp == crm, "sides differ: \(SideReader.differences(erp, crm))")
            #expect(
                try SideReader.rows(fixture.crm, "SELECT msdyn_description FROM msdyn_customergroup WHERE msdyn_groupid = '5'")
                    == ["Group 5"])
            #expect(
                try await server.query(#"SELECT "NAME" FROM "CustGroup" WHERE "CUSTGROUPID" = '99'"#) == [["Only in the CRM"]])
            #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_conflicts WHERE policy = 'initial-sync'") == 1)

            // Live sync starts where initial sync left the checkpoints.
            let engine = try fixture.startEngine()
            defer { kill(engine.processIdentifier, SIGKILL) }
            _ = try await server.query(#"UPDATE "CustTable" SET "NAME" = 'After initial sync' WHERE "ACCOUNTNUM" = 'C00042'"#)
            let arrived = try await Self.eventually {
                try SideReader.rows(fixture.crm, "SELECT name FROM account WHERE accountnumber = 'C00042'") == ["After initial sync"]
            }
            #expect(arrived, "\(fixture.engineLog)")
        }
    }
}
