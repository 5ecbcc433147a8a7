import Foundation
import PostgresNIO
import Synchronization
import TandemPostgreSQL
import Testing

@Suite("PostgreSQL wake-up on commit", .enabled(if: TestServer.enabled, TestServer.skipReason), .timeLimit(.minutes(20)))
struct WakeTests {
    @Test("a waiting reader wakes on another client's commit by notification, long before its fallback re-check")
    func wakesOnCommit() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY)")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "t")
                let clock = ContinuousClock()
                let start = clock.now
                async let woke = endpoint.waitForCommit(after: 0, timeout: .seconds(60), fallback: .seconds(60))
                try await Task.sleep(for: .milliseconds(500))
                try await schema.exec("INSERT INTO t VALUES (1)")
                #expect(try await woke)
                // Well before the 60 s timeout and fallback: woken by the notification (the bound is loose
                // because the whole package's tests share 2 cores in CI).
                #expect(clock.now - start < .seconds(50))
                #expect(try await endpoint.changes(after: 0).changes.count == 1)
            }
        }
    }

    @Test("a reader with nothing new returns false at its timeout; one behind returns at once")
    func timeoutAndBehind() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY)")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "t")
                let clock = ContinuousClock()
                var start = clock.now
                #expect(try await !endpoint.waitForCommit(after: 0, timeout: .milliseconds(400), fallback: .milliseconds(100)))
                #expect(clock.now - start >= .milliseconds(400))
                try await schema.exec("INSERT INTO t VALUES (1)")
                start = clock.now
                #expect(try await endpoint.waitForCommit(after: 0, timeout: .seconds(60)))
                #expect(clock.now - start < .seconds(30))  // at once, not at the 60 s timeout
            }
        }
    }

    @Test("writers send no notification while no reader waits")
    func quietWhenNobodyWaits() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY)")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "t")
                // One wait sets and clears the reader's flag.
                _ = try await endpoint.waitForCommit(after: 0, timeout: .milliseconds(50), fallback: .milliseconds(50))
                let listener = try await TestServer.connect()
                let heard = try await listener.listen(on: "_tandem_changes_\(schema.name)") { notifications in
                    try await withThrowingTaskGroup(of: Bool.self) { group in
                        group.addTask {
                            for try await _ in notifications { return true }
                            return false
                        }
                        group.addTask {
                            try await schema.exec("INSERT INTO t VALUES (1)")
                            try await Task.sleep(for: .milliseconds(500))
                            return false
                        }
                        let first = try await group.next()!
                        group.cancelAll()
                        return first
                    }
                }
                try await listener.close()
                #expect(!heard)
                #expect(try await schema.rows("SELECT waiting::text FROM _tandem_waiting") == [["false"]])
            }
        }
    }
    @Test("a reader is told of a commit before it clears its flag on the server, and its flags write no WAL")
    func rangBeforeClearing() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY)")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "t")
                // Unlogged: setting a flag waits for no WAL flush (migration 4).
                #expect(
                    try await schema.rows(
                        "SELECT relpersistence::text FROM pg_class WHERE oid = '\(schema.name)._tandem_waiting'::regclass")
                        == [["u"]])
                let rung = Mutex<[Double]>([])
                async let woke = endpoint.waitForCommit(
                    after: 0, timeout: .seconds(60), fallback: .seconds(60),
                    rang: { rung.withLock { $0.append(Date().timeIntervalSince1970) } })
                try await Task.sleep(for: .milliseconds(300))
                try await schema.exec("INSERT INTO t VALUES (1)")
                #expect(try await woke)
                let times = rung.withLock { $0 }
                #expect(times.count == 1)
                // The flag was cleared (its `since` set by the server's clock, the same machine's)
                // after the reader was told.
                let cleared = try await schema.rows(
                    "SELECT waiting::text, extract(epoch FROM since)::text FROM _tandem_waiting")
                #expect(cleared.first?[0] == "false")
                let since = try #require(cleared.first?[1].flatMap(Double.init))
                #expect(times.first.map { $0 <= since } == true, "told at \(times), cleared at \(since)")
                // A wait that times out tells nobody.
                #expect(
                    try await !endpoint.waitForCommit(
                        after: 1, timeout: .milliseconds(200), fallback: .milliseconds(100),
                        rang: { rung.withLock { $0.append(0) } }))
                #expect(rung.withLock { $0.count } == 1)
            }
        }
    }
}
