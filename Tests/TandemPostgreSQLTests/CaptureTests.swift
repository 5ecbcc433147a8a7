import PostgresNIO
import TandemPostgreSQL
import Testing

@Suite("PostgreSQL capture", .enabled(if: TestServer.enabled, TestServer.skipReason), .timeLimit(.minutes(20)))
struct CaptureTests {
    @Test("inserts, updates and deletes by psql are captured in order, with old key, row and changed columns")
    func captureFromPsql() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE customer (id integer PRIMARY KEY, name text, credit numeric(20,2))")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "customer")
                try await psql(
                    """
                    INSERT INTO customer VALUES (1, 'Ada', 10.50), (2, 'Bo', NULL);
                    UPDATE customer SET name = 'Ada L' WHERE id = 1;
                    UPDATE customer SET name = name WHERE id = 2;
                    UPDATE customer SET id = 3 WHERE id = 2;
                    DELETE FROM customer WHERE id = 1;
                    """, schema: schema.name)
                let batch = try await endpoint.changes(after: 0)
                #expect(batch.echoes.isEmpty)
                let summary = batch.changes.map { "\($0.operation.rawValue) \($0.key["id"]!)" }
                // The no-op update of row 2 records nothing; the key change records the old key.
                #expect(summary == ["I 1", "I 2", "U 1", "U 2", "D 1"])
                #expect(batch.changes[0].row == ["id": .integer(1), "name": .text("Ada"), "credit": .decimal("10.50")])
                #expect(batch.changes[1].row["credit"] == .null)
                #expect(batch.changes[2].changedColumns == ["name"])
                #expect(batch.changes[2].row["name"] == .text("Ada L"))
                #expect(batch.changes[3].changedColumns == ["id"])
                #expect(batch.changes[3].row["id"] == .integer(3))
                #expect(batch.changes[4].row["name"] == .text("Ada L"))
                #expect(batch.changes.map(\.seq) == batch.changes.map(\.seq).sorted())
                #expect(batch.through == batch.changes.last!.seq)
                #expect(try await endpoint.changes(after: batch.through).changes.isEmpty)
                #expect(try await endpoint.head() == batch.through)
            }
        }
    }

    @Test("Tandem's own writes are logged as echoes with their origin and never returned as changes")
    func noEcho() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE item (id text PRIMARY KEY, qty integer)")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "item")
                try await schema.exec("INSERT INTO item VALUES ('a', 1)")
                let result = try await endpoint.apply(
                    [.upsert(table: "item", row: ["id": .text("b"), "qty": .integer(2)]),
                     .upsert(table: "item", row: ["id": .text("a"), "qty": .integer(5)])],
                    checkpoint: PostgreSQLCheckpoint(map: "items", source: "crm", seq: 42), origin: "crm:42")
                #expect(result.applied && result.rows == 2)
                try await schema.exec("UPDATE item SET qty = 6 WHERE id = 'b'")
                let batch = try await endpoint.changes(after: 0)
                #expect(batch.changes.map { "\($0.operation.rawValue) \($0.key["id"]!)" } == ["I 'a'", "U 'b'"])
                #expect(batch.echoes.map { "\($0.operation.rawValue) \($0.key["id"]!) \($0.origin ?? "-")" }
                    == ["I 'b' crm:42", "U 'a' crm:42"])
                // The mark is transaction-local: the application's next write on any connection is its own.
                #expect(batch.changes.allSatisfy { $0.origin == nil })
                #expect(try await endpoint.checkpoint(map: "items", source: "crm") == 42)
            }
        }
    }

    @Test("changes made while no endpoint is connected wait in the log")
    func captureWhileDisconnected() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE note (id bigint PRIMARY KEY, body text)")
            try await schema.withEndpoint { endpoint in try await endpoint.installCapture(table: "note") }
            for id in 1...50 { try await schema.exec("INSERT INTO note VALUES (\(id), 'n\(id)')") }
            try await schema.exec("DELETE FROM note WHERE id <= 10")
            // Enough rows that the reader's result streams (a fresh endpoint learns the captured
            // columns while reading: this once hung on a second query in the middle of the stream).
            try await schema.exec("INSERT INTO note SELECT n, repeat('x', 200) FROM generate_series(1000, 5999) n")
            try await schema.withEndpoint { endpoint in
                let all = try await endpoint.changes(after: 0, limit: 10_000)
                #expect(all.changes.count == 5_060)
                let batch = try await endpoint.changes(after: 0, limit: 60)
                #expect(batch.changes.count == 60)
                #expect(batch.changes.filter { $0.operation == .delete }.count == 10)
                let first = try await endpoint.changes(after: 0, limit: 25)
                #expect(first.changes.count == 25 && first.through == first.changes.last!.seq)
                let rest = try await endpoint.changes(after: first.through, limit: 35)
                #expect(first.changes + rest.changes == batch.changes)
            }
        }
    }

    @Test("installing capture twice is harmless; removing it stops capture and keeps the logged changes")
    func installIdempotent() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY, v text)")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "t")
                try await endpoint.installCapture(table: "t")
                try await schema.exec("INSERT INTO t VALUES (1, 'x')")
                #expect(try await endpoint.changes(after: 0).changes.count == 1)
                try await endpoint.removeCapture(table: "t")
                try await endpoint.removeCapture(table: "t")
                try await schema.exec("INSERT INTO t VALUES (2, 'y')")
                #expect(try await endpoint.changes(after: 0).changes.count == 1)
                let triggers = try await schema.rows(
                    "SELECT count(*)::text FROM pg_trigger WHERE tgrelid = 't'::regclass AND NOT tgisinternal")
                #expect(triggers == [["0"]])
                try await endpoint.uninstall()
                let left = try await schema.rows(
                    "SELECT count(*)::text FROM pg_class WHERE relnamespace = '\(schema.name)'::regnamespace "
                        + "AND relname LIKE '\\_tandem\\_%'")
                #expect(left == [["0"]])
            }
        }
    }
}
