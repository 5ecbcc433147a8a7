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

    @Test(
        "the changes after the reader's position up to the first hole are committed and read at once",
        arguments: [
            ([], 0), ([1, 2, 3], 3), ([2, 3], 0), ([1, 3, 4], 1), ([1, 2, 4], 2),
        ] as [([Int64], Int64)])
    func settledRun(_ numbers: [Int64], _ expected: Int64) {
        #expect(PostgreSQLCommitHorizon.settled(after: 0, numbers) == expected)
        // The same run shifted: the position is where it starts.
        #expect(PostgreSQLCommitHorizon.settled(after: 100, numbers.map { $0 + 100 }) == expected + 100)
    }

    @Test("a horizon mark read as text: the sequence's last value and the virtual transactions in flight")
    func markFromText() {
        #expect(PostgreSQLCommitHorizon.mark(text: ["42", "{}"]) == .init(last: 42, inFlight: []))
        #expect(PostgreSQLCommitHorizon.mark(text: ["7", "{3/1201,5/88}"]) == .init(last: 7, inFlight: ["3/1201", "5/88"]))
        #expect(PostgreSQLCommitHorizon.mark(text: ["7", nil]) == nil)
        #expect(PostgreSQLCommitHorizon.mark(text: ["x", "{}"]) == nil)
        #expect(PostgreSQLCommitHorizon.mark(text: ["7"]) == nil)
    }

    @Test("a mark read before a writer's commit serves a later read: nothing past its number is returned")
    func givenMark() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY)")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "t")
                try await schema.exec("INSERT INTO t VALUES (1)")
                let rows = try await schema.rows(PostgreSQLCommitHorizon.markSQL(schema: schema.name))
                let mark = try #require(rows.first.flatMap(PostgreSQLCommitHorizon.mark(text:)))
                #expect(mark == .init(last: 1, inFlight: []))
                try await schema.exec("INSERT INTO t VALUES (2)")
                let old = try await endpoint.changes(after: 0, mark: mark)
                #expect(old.changes.map(\.seq) == [1])
                #expect(old.through == 1)
                #expect(try await endpoint.changes(after: old.through).changes.map(\.seq) == [2])
            }
        }
    }

    @Test("changes committed before a writer still in flight are read at once, not after it ends; the rest after")
    func readsUpToTheWriterInFlight() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY)")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "t")
                try await schema.exec("INSERT INTO t VALUES (1)")
                try await schema.exec("INSERT INTO t VALUES (2)")
                let slow = try await TestServer.connect()
                do {
                    try await slow.query("BEGIN", logger: TestServer.logger)
                    try await slow.query(PostgresQuery(unsafeSQL: "INSERT INTO \(schema.name).t VALUES (3)"), logger: TestServer.logger)
                    try await schema.exec("INSERT INTO t VALUES (4)")
                    // A 60 s horizon timeout: waiting for the open transaction would hang the test
                    // past its first expectation's bound.
                    let clock = ContinuousClock()
                    let start = clock.now
                    let early = try await endpoint.changes(after: 0, horizonTimeout: .seconds(60))
                    #expect(clock.now - start < .seconds(30))
                    #expect(early.changes.map { $0.key["id"]! } == [.integer(1), .integer(2)])
                    #expect(early.changes.map(\.seq) == [1, 2])
                    #expect(early.through == 2, "not past the open transaction's number")
                    try await slow.query("COMMIT", logger: TestServer.logger)
                    let later = try await endpoint.changes(after: early.through, horizonTimeout: .seconds(30))
                    #expect(later.changes.map { $0.key["id"]! } == [.integer(3), .integer(4)])
                    #expect(later.through == 4)
                    try await slow.close()
                } catch {
                    _ = try? await slow.query("ROLLBACK", logger: TestServer.logger)
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
