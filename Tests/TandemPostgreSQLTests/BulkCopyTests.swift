import PostgresNIO
import TandemPostgreSQL
import Testing

struct StopCopy: Error {}

@Suite("PostgreSQL bulk copy", .enabled(if: TestServer.enabled, TestServer.skipReason), .timeLimit(.minutes(20)))
struct BulkCopyTests {
    @Test("COPY in chunks, stopped part-way, resumes: every row arrives once, byte for byte")
    func chunkedAndResumed() async throws {
        try await TestSchema.with { source in
            try await TestSchema.with { target in
                let create = """
                    CREATE TABLE product (company text, code integer, name text, price numeric(20,10), photo bytea,
                        PRIMARY KEY (company, code))
                    """
                try await source.exec(create)
                try await target.exec(create)
                try await source.exec(
                    """
                    INSERT INTO product SELECT CASE WHEN n % 2 = 0 THEN 'usmf' ELSE 'dat' END, n,
                        'name ' || n || E'\\t\\\\ \\n' || chr(1000 + n % 500), (n * 1.0000000001)::numeric(20,10),
                        CASE WHEN n % 3 = 0 THEN NULL ELSE decode(lpad(to_hex(n % 256), 2, '0') || '005c0a', 'hex') END
                    FROM generate_series(1, 2500) n
                    """)
                let from = PostgreSQLEndpoint(config: try source.config())
                let into = PostgreSQLEndpoint(config: try target.config())
                do {
                    try await into.installCapture(table: "product")
                    // Stops inside the third chunk's transaction, after its COPY and before its commit.
                    await #expect(throws: StopCopy.self) {
                        try await into.copyRows(
                            from: from, table: "product", name: "products", origin: "initial-sync", chunkRows: 1_000,
                            _afterChunk: { chunk in if chunk == 3 { throw StopCopy() } })
                    }
                    let stopped = try #require(try await into.copyProgress(name: "products"))
                    #expect(stopped.rows == 2_000 && !stopped.done)
                    #expect(try await target.rows("SELECT count(*)::text FROM product") == [["2000"]])
                    let done = try await into.copyRows(
                        from: from, table: "product", name: "products", origin: "initial-sync", chunkRows: 1_000)
                    #expect(done.done && done.rows == 2_500 && done.chunks == 1)  // the last 500 rows
                    let again = try await into.copyRows(
                        from: from, table: "product", name: "products", origin: "initial-sync", chunkRows: 1_000)
                    #expect(again.chunks == 0 && again.rows == 2_500)
                    let query = "SELECT company, code::text, name, price::text, encode(photo, 'hex') FROM product ORDER BY 1, 2"
                    let expected = try await source.rows(query)
                    #expect(expected.count == 2_500)
                    #expect(try await target.rows(query) == expected)
                    // The copied rows are logged as echoes on the target, never as the application's changes.
                    let batch = try await into.changes(after: 0, limit: 10_000)
                    #expect(batch.changes.isEmpty && batch.echoes.count == 2_500)
                    await from.close()
                    await into.close()
                } catch {
                    await from.close()
                    await into.close()
                    throw error
                }
            }
        }
    }
}
