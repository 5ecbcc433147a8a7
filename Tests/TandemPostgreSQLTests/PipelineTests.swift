import Foundation
import TandemPostgreSQL
import Testing

/// ``PostgreSQLSession/pipeline(_:)``: several statements queued on the
/// connection at once, answered one by one, for a caller that blocks on one
/// wait instead of one per statement (the engine's apply into a PostgreSQL
/// side).
@Suite("A session's pipeline", .enabled(if: TestServer.enabled, TestServer.skipReason))
struct PipelineTests {
    /// `work`'s result, run on a thread of its own: a pipeline blocks its caller, which must not be
    /// a task's thread.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }

    /// A session of its own on the test server; closed after `body`.
    static func withSession(_ body: (PostgreSQLSession) async throws -> Void) async throws {
        let endpoint = PostgreSQLEndpoint(
            config: try PostgreSQLSideConfig(url: try TestServer.requireURL()), readerName: "pipeline-test")
        let session = try await endpoint.openSession()
        do {
            try await body(session)
        } catch {
            _ = await session.close()
            await endpoint.close()
            throw error
        }
        _ = await session.close()
        await endpoint.close()
    }

    @Test(
        "Statements run in order and each answers; after a refused one the transaction's statements fail, and its COMMIT keeps nothing"
    )
    func orderAndFailure() async throws {
        try await TestSchema.with { schema in
            try await Self.withSession { session in
                let table = "\(schema.name).p"
                try await schema.exec("CREATE TABLE \(table) (id int PRIMARY KEY)")
                let failed = await Self.onThread {
                    session.pipeline([
                        PostgreSQLStatement("BEGIN"),
                        PostgreSQLStatement("INSERT INTO \(table) VALUES ($1) RETURNING id", ["1"]),
                        PostgreSQLStatement("INSERT INTO \(table) VALUES ($1)", ["1"], table: "p"),
                        PostgreSQLStatement("SELECT count(*) FROM \(table)"),
                        PostgreSQLStatement("COMMIT"),
                    ])
                }
                #expect(failed.count == 5)
                #expect((try? failed[1].get()) == [["1"]])
                #expect(failed[2].failureState == "23505")
                #expect(failed[3].failureState == "25P02")
                // COMMIT of an aborted transaction rolls it back and does not fail.
                #expect((try? failed[4].get()) != nil)
                #expect(try await schema.rows("SELECT count(*)::text FROM \(table)") == [["0"]])

                let kept = await Self.onThread {
                    session.pipeline([
                        PostgreSQLStatement("BEGIN"),
                        PostgreSQLStatement("INSERT INTO \(table) VALUES ($1), ($2) RETURNING id", ["2", "3"]),
                        PostgreSQLStatement("COMMIT"),
                        PostgreSQLStatement("SELECT count(*) FROM \(table)"),
                    ])
                }
                #expect((try? kept[1].get()) == [["2"], ["3"]])
                #expect((try? kept[3].get()) == [["2"]])
            }
        }
    }

    @Test("A pipeline on a connection the server ended fails every statement as connection lost, and does not wait")
    func connectionEnded() async throws {
        try await Self.withSession { session in
            let pid = try #require(try await session.query("SELECT pg_backend_pid()").first?[0])
            try await TestSchema.with { schema in
                _ = try await schema.rows("SELECT pg_terminate_backend(\(pid))")
            }
            // The end reaches the client asynchronously: the next statements fail either way.
            var results: [Result<[[String?]], PostgreSQLError>] = []
            for _ in 0..<20 {
                results = await Self.onThread {
                    session.pipeline([PostgreSQLStatement("SELECT 1"), PostgreSQLStatement("SELECT 2")])
                }
                if session.isClosed { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(session.isClosed)
            #expect(results.count == 2)
            let after = await Self.onThread { session.pipeline([PostgreSQLStatement("SELECT 1")]) }
            #expect(after.allSatisfy { $0.failureCode == .connectionLost })
        }
    }
}

extension Result where Failure == PostgreSQLError {
    /// The SQLSTATE of a failure, nil for a success.
    fileprivate var failureState: String? {
        if case .failure(let error) = self { return error.sqlState }
        return nil
    }

    /// The code of a failure, nil for a success.
    fileprivate var failureCode: PostgreSQLError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
