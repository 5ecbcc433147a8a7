import PostgresNIO
import TandemPostgreSQL
import Testing

@Suite("PostgreSQL commit order", .enabled(if: TestServer.enabled, TestServer.skipReason), .timeLimit(.minutes(20)))
struct CommitOrderTests {
    @Test("a change whose transaction commits after a higher-numbered one is waited for, never skipped")
    func outOfOrderCommit() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY)")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "t")
                let slow = try await TestServer.connect()
                do {
                    try await slow.query("BEGIN", logger: TestServer.logger)
                    try await slow.query(PostgresQuery(unsafeSQL: "INSERT INTO \(schema.name).t VALUES (1)"), logger: TestServer.logger)
                    // Takes a higher number and commits first.
                    try await schema.exec("INSERT INTO t VALUES (2)")
                    let early = try await endpoint.changes(after: 0, horizonTimeout: .milliseconds(300))
                    #expect(early.changes.isEmpty, "seq of row 2 must not be passed while row 1 is in flight")
                    #expect(early.through == 0)
                    async let later = endpoint.changes(after: 0, horizonTimeout: .seconds(30))
                    do {
                        try await Task.sleep(for: .milliseconds(300))
                        try await slow.query("COMMIT", logger: TestServer.logger)
                    } catch {
                        // `later` waits for this transaction: end it before `later` is awaited.
                        _ = try? await slow.query("ROLLBACK", logger: TestServer.logger)
                        throw error
                    }
                    let batch = try await later
                    #expect(batch.changes.map { $0.key["id"]! } == [.integer(1), .integer(2)])
                    try await slow.close()
                } catch {
                    try? await slow.close()
                    throw error
                }
            }
        }
    }

    @Test("8 writers committing out of order: a reader that follows its checkpoint sees every change exactly once")
    func concurrentWriters() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY, writer integer)")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "t")
                let writers = 8
                let perWriter = 40
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<writers {
                        group.addTask {
                            let connection = try await TestServer.connect()
                            do {
                                for n in 0..<perWriter {
                                    let id = writer * 1_000 + n
                                    try await connection.query("BEGIN", logger: TestServer.logger)
                                    try await connection.query(
                                        PostgresQuery(unsafeSQL: "INSERT INTO \(schema.name).t VALUES (\(id), \(writer))"),
                                        logger: TestServer.logger)
                                    // Hold some transactions open so that later numbers commit first.
                                    if (id * 7) % 5 == 0 { try await Task.sleep(for: .milliseconds(Int.random(in: 1...30))) }
                                    try await connection.query("COMMIT", logger: TestServer.logger)
                                }
                                try await connection.close()
                            } catch {
                                try? await connection.close()
                                throw error
                            }
                        }
                    }
                    group.addTask {
                        var checkpoint: Int64 = 0
                        var seen: [Int64] = []
                        let clock = ContinuousClock()
                        let deadline = clock.now.advanced(by: .seconds(400))
                        while seen.count < writers * perWriter && clock.now < deadline {
                            let batch = try await endpoint.changes(after: checkpoint, limit: 37)
                            seen += batch.changes.compactMap {
                                if case .integer(let id) = $0.key["id"] { return id }
                                return nil
                            }
                            #expect(batch.through >= checkpoint)
                            checkpoint = batch.through
                        }
                        #expect(seen.count == writers * perWriter)
                        #expect(Set(seen).count == seen.count, "no change read twice")
                        let expected = Set((0..<writers).flatMap { w in (0..<perWriter).map { Int64(w * 1_000 + $0) } })
                        #expect(Set(seen) == expected, "no change skipped")
                    }
                    try await group.waitForAll()
                }
            }
        }
    }
}
