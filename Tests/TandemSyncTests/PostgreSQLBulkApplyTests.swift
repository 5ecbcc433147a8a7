import Foundation
import Logging
import TandemPostgreSQL
import Testing

@testable import TandemEngine

/// Applying into a PostgreSQL side in multi-row statements
/// (`PostgreSQLBulkWrites`): one statement per run of like rows, each echo
/// still marked with the source change it applies, and a row the database
/// refuses parked alone, with its reason, while the rest commit with the
/// checkpoint.
@Suite(
    "PostgreSQL bulk apply", .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason),
    .timeLimit(.minutes(20)))
struct PostgreSQLBulkApplyTests {
    /// The values of row `id` of `vals`, with `text` in `t` and `n`.
    static func values(_ id: Int, _ text: String, n: String = "ok") -> [SideValue] {
        [
            .integer(Int64(id)), .text(text), .blob(Data([UInt8(id % 256)])), .integer(Int64(id) * 7),
            .real(Double(id) / 4), .text(n),
        ]
    }

    /// Counts the statements that write `vals` (a statement trigger of the test's own, recording
    /// each statement's start: an upsert fires both the INSERT and the UPDATE statement triggers).
    static func countStatements(_ side: ContractSide) async throws {
        let schema = try #require(side.schema)
        try await side.exec("CREATE TABLE \(schema).stmts (at timestamptz)")
        try await side.exec(
            """
            CREATE FUNCTION \(schema).count_stmt() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN INSERT INTO \(schema).stmts VALUES (statement_timestamp()); RETURN NULL; END $f$
            """)
        try await side.exec(
            """
            CREATE TRIGGER count_stmt AFTER INSERT OR UPDATE OR DELETE ON \(schema).vals
            FOR EACH STATEMENT EXECUTE FUNCTION \(schema).count_stmt()
            """)
    }

    @Test(
        "A batch's inserts, updates and deletes go in one statement per run, each echo marked with its own source change"
    )
    func oneStatementPerRun() async throws {
        try await SideEndpointContract.withSide(.postgresql) { side in
            let plan = ContractSide.Carried(value: try await SideEndpointContract.plan(side))
            try await Self.countStatements(side)
            let checkpoint = CheckpointID(map: "test.values", source: .erp)
            try await side.call { endpoint in
                try endpoint.applyBatch(
                    [], checkpoints: [checkpoint: 3100], fastPath: false, logger: Logger(label: "test")
                ) {
                    target in
                    try target.begin(.live)
                    for id in 1...100 {
                        try target.markSource("erp:\(1000 + id)")
                        try target.write(.insert, plan: plan.value, values: Self.values(id, "row \(id)"), oldKey: nil)
                    }
                    // Updates of column t only (position 1): the other columns keep their values.
                    for id in 1...50 {
                        try target.markSource("erp:\(2000 + id)")
                        try target.write(
                            .update, plan: plan.value, values: Self.values(id, "updated \(id)", n: "not written"),
                            oldKey: nil,
                            only: [1])
                    }
                    for id in 91...100 {
                        try target.markSource("erp:\(3000 + id)")
                        try target.write(.delete, plan: plan.value, values: Self.values(id, ""), oldKey: nil)
                    }
                    try target.finish()
                }
            }
            // Row by row this was 160 statements.
            #expect(try await side.rows("SELECT count(DISTINCT at)::text FROM \(side.schema!).stmts") == [["3"]])
            let rows = try await side.rows("SELECT id::text, t, n FROM \(side.schema!).vals ORDER BY id")
            #expect(rows.count == 90)
            #expect(rows.first == ["1", "updated 1", "ok"])
            #expect(rows.last == ["90", "row 90", "ok"])
            #expect(try await side.call { try $0.storedCheckpoints() } == [checkpoint: 3100])

            // Each write's echo names the source change it applied, in the batch's order.
            let echoes = try await side.call { try $0.changes(after: 0, limit: 1000) }
            let inserted: [String?] = (1...100).map { "erp:\(1000 + $0)" }
            let updated: [String?] = (1...50).map { "erp:\(2000 + $0)" }
            let deleted: [String?] = (91...100).map { "erp:\(3000 + $0)" }
            #expect(echoes.map(\.origin) == inserted + updated + deleted)
            #expect(echoes.allSatisfy { !$0.isApplicable })
            let keys: [String] = (1...100).map(String.init) + (1...50).map(String.init) + (91...100).map(String.init)
            #expect(echoes.map(\.key) == keys)
            #expect(try await side.call { try $0.applicationEdits(table: "vals", after: 0, limit: 10) }.isEmpty)
        }
    }

    @Test(
        "One row the database refuses among 200 is parked alone with its reason, its later change waits behind it, the rest commit with the checkpoint"
    )
    func refusedRowAmongMany() async throws {
        try await SideEndpointContract.withSide(.postgresql) { side in
            let plan = ContractSide.Carried(value: try await SideEndpointContract.plan(side))
            let checkpoint = CheckpointID(map: "test.values", source: .erp)
            // Row 77 breaks the table's CHECK (n <> 'bad'); its update after it must wait behind it.
            var items: [ApplyItem] = (1...200).map { id in
                let values = Self.values(id, "row \(id)", n: id == 77 ? "bad" : "ok")
                return ApplyItem(
                    plan: plan.value,
                    change: Change(
                        seq: Int64(id), table: "VALS", operation: .insert, key: "\(id)", row: nil, at: 0, origin: nil),
                    mapped: .success(values), sourceRow: values, parkedID: nil)
            }
            for id in [77, 78] {
                let values = Self.values(id, "later \(id)")
                items.append(
                    ApplyItem(
                        plan: plan.value,
                        change: Change(
                            seq: Int64(200 + id), table: "VALS", operation: .update, key: "\(id)", row: nil, at: 0,
                            origin: nil),
                        mapped: .success(values), sourceRow: values, parkedID: nil))
            }
            let carried = ContractSide.Carried(value: items)
            let (applied, parked) = try await side.call { endpoint in
                try endpoint.applyBatch(
                    carried.value, checkpoints: [checkpoint: 278], fastPath: true, logger: Logger(label: "test")
                ) {
                    target in
                    var applier = BatchApplier(
                        direction: .erpToCrm, mode: .live, blocked: [:], openConflict: { _, _ in nil },
                        reverseCheckpoint: { _ in nil }, logger: Logger(label: "test"))
                    let outcome = try applier.apply(carried.value, into: target)
                    return (outcome.appliedSeqs, outcome.newlyParked.map(\.key))
                }
            }
            let appliedSeqs: [Int64] = (1...200).filter { $0 != 77 }.map { Int64($0) }
            #expect(applied == appliedSeqs + [278])
            #expect(parked == ["77", "77"])
            let stored = try await side.call {
                try $0.parkedChanges(map: "test.values", source: .erp, waitingForParents: false)
            }
            #expect(stored.map(\.change.seq) == [77, 277])
            let errors = try await side.call { try $0.parkedErrors(map: "test.values") }
            #expect(errors.count == 1)
            #expect(errors.first?.parked.reason.contains("vals_n_check") == true)
            #expect(errors.first?.parked.change.seq == 77)
            let rows = try await side.rows("SELECT id::text, t FROM \(side.schema!).vals ORDER BY id")
            #expect(rows.count == 199)
            #expect(!rows.contains { $0[0] == "77" })
            #expect(rows.contains { $0 == ["78", "later 78"] })
            #expect(try await side.call { try $0.storedCheckpoints() } == [checkpoint: 278])
            let echoes = try await side.call { try $0.changes(after: 0, limit: 1000) }
            let origins: [String?] = appliedSeqs.map { "erp:\($0)" }
            #expect(echoes.map(\.origin) == origins + ["erp:278"])
        }
    }

    @Test(
        "A run logs its own echoes, yet an application's triggers on the target stay captured: what they write elsewhere, and a row whose key they change, are echoes; the application's next write is its change"
    )
    func applicationTriggersUnderSelfLoggedRuns() async throws {
        try await SideEndpointContract.withSide(.postgresql) { side in
            let schema = try #require(side.schema)
            let plan = ContractSide.Carried(value: try await SideEndpointContract.plan(side))
            try await side.exec("CREATE TABLE \(schema).audit (id bigint PRIMARY KEY, note text)")
            try await side.call { try $0.installCapture([(name: "audit", key: ["id"])]) }
            try await side.exec(
                """
                CREATE FUNCTION \(schema).audit_vals() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN INSERT INTO \(schema).audit VALUES (NEW.id, 'seen'); RETURN NULL; END $f$
                """)
            try await side.exec(
                "CREATE TRIGGER audit_vals AFTER INSERT ON \(schema).vals FOR EACH ROW EXECUTE FUNCTION \(schema).audit_vals()")
            try await side.exec(
                """
                CREATE FUNCTION \(schema).renumber() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN IF NEW.id = 7 THEN NEW.id := 1007; END IF; RETURN NEW; END $f$
                """)
            try await side.exec(
                "CREATE TRIGGER renumber BEFORE INSERT ON \(schema).vals FOR EACH ROW EXECUTE FUNCTION \(schema).renumber()")
            try await side.call { endpoint in
                try endpoint.applyBatch(
                    [], checkpoints: [CheckpointID(map: "test.values", source: .erp): 10], fastPath: false,
                    logger: Logger(label: "test")
                ) { target in
                    try target.begin(.live)
                    for id in 1...10 {
                        try target.markSource("erp:\(id)")
                        try target.write(.insert, plan: plan.value, values: Self.values(id, "row \(id)"), oldKey: nil)
                    }
                    try target.finish()
                }
            }
            let logged = try await side.call { try $0.changes(after: 0, limit: 1000) }
            #expect(logged.allSatisfy { !$0.isApplicable }, "\(logged.filter(\.isApplicable))")
            // Each row once, with its own source change; the renumbered row (matched by no source key) with the marker.
            let byTable = Dictionary(grouping: logged, by: \.table)
            #expect(byTable.keys.sorted() == ["audit", "vals"])
            let vals = byTable["vals"] ?? []
            #expect(vals.map(\.origin) == (1...10).filter { $0 != 7 }.map { "erp:\($0)" } + ["tandem:bulk"])
            #expect(vals.map(\.key) == (1...10).filter { $0 != 7 }.map(String.init) + ["1007"])
            // The application's trigger's rows: captured, as echoes under the run's mark.
            let auditEchoes = byTable["audit"] ?? []
            #expect(
                auditEchoes.map(\.key).sorted() == ([1, 2, 3, 4, 5, 6, 8, 9, 10, 1007].map(String.init)).sorted())
            #expect(auditEchoes.allSatisfy { $0.origin == "tandem:bulk" })
            // The quiet setting ended with the run's statement: the application's own write is its change, in both tables.
            try await SideEndpointContract.insert(Self.values(50, "app"), side)
            let edits = try await side.call { try ($0.applicationEdits(table: "vals", after: 0, limit: 10), $0.applicationEdits(table: "audit", after: 0, limit: 10)) }
            #expect(edits.0.map(\.key) == ["50"])
            #expect(edits.1.map(\.key) == ["50"])
        }
    }
}

/// The casts of ``PostgreSQLBulkWrites/castType(_:)``, checked on the server: a value cast as the
/// multi-row statements cast it, then stored into the column's own type, keeps every character.
@Suite(
    "PostgreSQL bulk apply casts", .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason),
    .timeLimit(.minutes(5)))
struct PostgreSQLBulkCastTests {
    @Test(
        "A typed column's value survives its cast: character(n) and bit(n) are not cut to one character or bit",
        arguments: [
            ("character(4)", "usmf", "bpchar"), ("character(4)[]", "{usmf,demf}", "bpchar[]"),
            ("bit(3)", "101", "bit varying"), ("character varying(20)", "Contoso", "character varying"),
            ("numeric(32,10)", "12.3456789012", "numeric"),
            ("timestamp(3) without time zone", "2026-12-07 05:30:00.123", "timestamp without time zone"),
        ])
    func castKeepsTheValue(_ type: String, _ value: String, _ cast: String) async throws {
        let column = PostgreSQLColumn(name: "c", typeName: type, kind: .text, isNullable: true, keyPosition: nil)
        #expect(PostgreSQLBulkWrites.castType(column) == cast)
        // One plain session, no side: the casts are the server's to check, and six sides made at once (each
        // installing capture through a thread that waits on the cooperative pool) hung a loaded CI run.
        let endpoint = PostgreSQLEndpoint(config: try PostgreSQLSideConfig(url: try PostgreSQLTestServer.requireURL()), readerName: "casts")
        let session = try await endpoint.openSession()
        let literal = "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        let rows = try await session.query("SELECT ((\(literal)::text)::\(cast))::\(type)::text = \(literal)::\(type)::text")
        _ = await session.close()
        await endpoint.close()
        #expect(rows == [["true"]], "\(value) cast to \(cast) and stored as \(type)")
    }
}

/// ``PostgreSQLBulkWrites/withoutModifiers(_:)``, which replaced a regular expression that every
/// statement ran once per column: the same type names come out.
@Suite("PostgreSQL cast types without their modifiers")
struct PostgreSQLCastModifierTests {
    @Test(
        "Each (n) and (n, m) of digits goes, as the regular expression took it out; anything else stays",
        arguments: [
            "integer", "numeric(12,2)", "numeric(32, 10)", "character varying(20)", "character(4)[]",
            "timestamp(3) without time zone", "time(6) with time zone", "bit(3)", "interval(2)",
            "numeric(12,2)[]", "weird(name)", "f(1,)", "g(,2)", "h()", "x(1)(2)", "(7)", "unclosed(3", "a(1,\t2)",
        ])
    func sameAsTheExpression(_ type: String) {
        let expression = type.replacingOccurrences(of: #"\(\d+(,\s*\d+)?\)"#, with: "", options: .regularExpression)
        #expect(PostgreSQLBulkWrites.withoutModifiers(type) == expression)
    }
}
