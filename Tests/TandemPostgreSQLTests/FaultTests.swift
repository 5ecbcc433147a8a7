import Foundation
import PostgresNIO
import TandemPostgreSQL
import Testing

@Suite("PostgreSQL faults", .enabled(if: TestServer.enabled, TestServer.skipReason), .timeLimit(.minutes(20)))
struct FaultTests {
    @Test("a server that is not up: the error says it is not reachable at host:port and what to do")
    func notReachable() async throws {
        // A port nothing listens on: bind one, note it, close it.
        let config = try PostgreSQLSideConfig(url: "postgresql://tandem@127.0.0.1:\(try freePort())/tandem")
        let endpoint = PostgreSQLEndpoint(config: config)
        let error = await #expect(throws: PostgreSQLError.self) { try await endpoint.connect() }
        await endpoint.close()
        #expect(error?.code == .notReachable)
        #expect(error?.message.contains("not reachable") == true)
        #expect(error?.message.contains("127.0.0.1:\(config.port)") == true)
        #expect(error?.message.contains("Start the server") == true)
    }

    @Test("a wrong password: a clear error that does not contain the password")
    func wrongPassword() async throws {
        let secret = "s3cret-Wrong-\(UUID().uuidString)"
        let config = try PostgreSQLSideConfig(
            url: try TestServer.requireURL(), environment: ["PGPASSWORD": secret])
        let endpoint = PostgreSQLEndpoint(config: config)
        let error = await #expect(throws: PostgreSQLError.self) { try await endpoint.connect() }
        await endpoint.close()
        #expect(error?.code == .authenticationFailed)
        #expect(error?.message.contains("password") == true)
        #expect(error?.message.contains("\(config.host):\(config.port)") == true)
        #expect(error?.message.contains(secret) == false)
        #expect("\(String(describing: error))".contains(secret) == false)
        #expect(config.description.contains(secret) == false)
    }

    @Test("a missing table or column: findings that name the table and the column")
    func missingObjects() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE account (id integer PRIMARY KEY, name text)")
            try await schema.withEndpoint { endpoint in
                #expect(try await endpoint.validate(table: "account", columns: ["id", "name"]).isEmpty)
                let columns = try await endpoint.validate(table: "account", columns: ["id", "name", "vat_no", "city"])
                #expect(columns.map(\.column) == ["vat_no", "city"])
                #expect(columns[0].message.contains("account.vat_no") && columns[0].message.contains(schema.name))
                let table = try await endpoint.validate(table: "acount", columns: ["id"])
                #expect(table.count == 1 && table[0].table == "acount" && table[0].column == nil)
                #expect(table[0].message.contains("table acount does not exist"))
                let write = await #expect(throws: PostgreSQLError.self) {
                    try await endpoint.apply(
                        [.upsert(table: "account", row: ["id": .integer(1), "vat_no": .text("x")])],
                        checkpoint: PostgreSQLCheckpoint(map: "m", source: "crm", seq: 1), origin: "crm:1")
                }
                #expect(write?.code == .missingObject)
                #expect(write?.message.contains("account.vat_no") == true)
            }
        }
    }

    @Test("an application holding a row lock: the apply waits, then succeeds")
    func waitsForLock() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY, v text)")
            try await schema.exec("INSERT INTO t VALUES (1, 'app')")
            try await schema.withEndpoint { endpoint in
                try await endpoint.install()
                let clock = ContinuousClock()
                let start = clock.now
                let result = try await whileLocked(schema, row: 1) { release in
                    async let applied = endpoint.apply(
                        [.upsert(table: "t", row: ["id": .integer(1), "v": .text("tandem")])],
                        checkpoint: PostgreSQLCheckpoint(map: "m", source: "crm", seq: 5), origin: "crm:5")
                    do {
                        try await waitUntilBlocked(schema)
                        try await Task.sleep(for: .milliseconds(700))
                        try await release()
                    } catch {
                        // Before `applied` is awaited on the way out: it waits for this lock.
                        try? await release()
                        throw error
                    }
                    return try await applied
                }
                #expect(result.applied)
                #expect(clock.now - start >= .milliseconds(700))
                #expect(try await schema.rows("SELECT v FROM t") == [["tandem"]])
                #expect(try await endpoint.checkpoint(map: "m", source: "crm") == 5)
            }
        }
    }

    @Test("a connection dropped mid-batch: the batch is rolled back and retried, applied exactly once")
    func droppedMidBatch() async throws {
        try await TestSchema.with { schema in
            try await schema.exec("CREATE TABLE t (id integer PRIMARY KEY, v text)")
            try await schema.exec("INSERT INTO t VALUES (50, 'app')")
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "t")
                let writes: [PostgreSQLWrite] =
                    (1...100).map { .upsert(table: "t", row: ["id": .integer(Int64($0)), "v": .text("row \($0)")]) }
                    + [.delete(table: "t", key: ["id": .integer(7)])]
                let checkpoint = PostgreSQLCheckpoint(map: "m", source: "erp", seq: 1_234)
                let pid = try await endpoint._backendPID()
                // Row 50 is locked by the application, so the batch stops half-way, and its backend is ended there.
                let applied = try await whileLocked(schema, row: 50) { release in
                    async let result = endpoint.apply(writes, checkpoint: checkpoint, origin: "erp:1234")
                    do {
                        try await waitUntilBlocked(schema)
                        // The batch's first 49 rows are written but not committed: nobody else sees them.
                        #expect(try await schema.rows("SELECT count(*)::text FROM t") == [["1"]])
                        try await schema.exec("SELECT pg_terminate_backend(\(pid))")
                        try await Task.sleep(for: .milliseconds(300))
                        try await release()
                    } catch {
                        // Before `result` is awaited on the way out: it waits for this lock.
                        try? await release()
                        throw error
                    }
                    return try await result
                }
                #expect(applied.applied && applied.attempts >= 2)
                var expected = (1...100).filter { $0 != 7 }.map { [String($0), "row \($0)"] as [String?] }
                expected.sort { Int($0[0]!)! < Int($1[0]!)! }
                let actual = try await schema.rows("SELECT id::text, v FROM t ORDER BY id")
                #expect(actual.count == expected.count)
                #expect(actual.filter { !expected.contains($0) } == [], "rows that should not be there")
                #expect(expected.filter { !actual.contains($0) } == [], "rows missing")
                #expect(try await endpoint.checkpoint(map: "m", source: "erp") == 1_234)
                // A retry of the same batch (an answer lost after commit) writes nothing again.
                let again = try await endpoint.apply(writes, checkpoint: checkpoint, origin: "erp:1234")
                #expect(!again.applied)
                // Exactly one echo per write: the rolled-back attempt left nothing in the log.
                let echoes = try await endpoint.changes(after: 0).echoes
                #expect(echoes.count == 101)
            }
        }
    }

    /// Runs `body` while an application connection holds row `row` of `t` locked (FOR UPDATE);
    /// `body` ends the lock with `release`, also when it fails: an `async let` waiting on the
    /// lock is awaited when its scope ends, and would wait forever (seen: a whole CI run hung).
    func whileLocked<T>(
        _ schema: TestSchema, row: Int, _ body: (_ release: @Sendable () async throws -> Void) async throws -> T
    ) async throws -> T {
        let holder = try await TestServer.connect()
        do {
            try await holder.query("BEGIN", logger: TestServer.logger)
            try await holder.query(
                PostgresQuery(unsafeSQL: "SELECT * FROM \(schema.name).t WHERE id = \(row) FOR UPDATE"),
                logger: TestServer.logger)
            let value = try await body { try await holder.query("COMMIT", logger: TestServer.logger) }
            try await holder.close()
            return value
        } catch {
            try? await holder.close()
            throw error
        }
    }

    /// Waits until a backend of the endpoint (application_name tandem) waits for a lock in this database.
    func waitUntilBlocked(_ schema: TestSchema) async throws {
        for _ in 0..<2_400 {
            let waiting = try await schema.rows(
                "SELECT count(*)::text FROM pg_stat_activity WHERE application_name = 'tandem' AND wait_event_type = 'Lock' "
                    + "AND query LIKE '%\(schema.name)%'")
            if waiting == [["1"]] { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the endpoint never waited for the application's lock")
    }

    func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
