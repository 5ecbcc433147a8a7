import Foundation
import Logging
import TandemDocuments
import TandemPluginHost
import Testing

@testable import TandemEngine

/// What only a PostgreSQL side does: its richer types in the engine's forms
/// and back, and a read that waits for a writer still in flight.
@Suite(
    "PostgreSQL side endpoint", .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason),
    .timeLimit(.minutes(20)))
struct PostgreSQLSideTests {
    /// A table of PostgreSQL's own types and an empty copy of it.
    static func ddl(_ dialect: ContractSide.Dialect) -> [String] {
        ["typed", "typed_copy"].map {
            """
            CREATE TABLE \($0) (id integer PRIMARY KEY, amount numeric(32,10), rate numeric(18,12), day date,
                at timestamp, atz timestamptz, ok boolean, ref uuid, small smallint, f real, d double precision)
            """
        }
    }

    /// The columns of both tables, in table order.
    static let columns = ["id", "amount", "rate", "day", "at", "atz", "ok", "ref", "small", "f", "d"]

    @Test("numeric, dates, times, boolean and uuid arrive in the forms the maps expect and are written back exactly")
    func types() async throws {
        try await ContractSide.with(.postgresql, ddl: Self.ddl, captured: [(name: "typed", key: ["id"])]) { side in
            try await side.exec(
                """
                INSERT INTO typed VALUES (1, 12345678901234567890.1234567890, 1.234567890123, '2024-02-29',
                    '2024-02-29 13:45:01.123456', '2024-02-29 13:45:01.123456+01', true,
                    'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', -32768, 0.5, 0.1),
                (2, -0.0000000001, NULL, NULL, NULL, NULL, false, NULL, NULL, NULL, -1.5e300)
                """)
            let changes = try await side.call { try $0.changes(after: 0, limit: 10) }
            try #require(changes.count == 2)
            let rows = try changes.map { try SQLLiteral.parseList(try #require($0.row)) }
            #expect(
                rows[0] == [
                    .integer(1), .text("12345678901234567890.1234567890"), .text("1.234567890123"), .text("2024-02-29"),
                    .text("2024-02-29T13:45:01.123456"), .text("2024-02-29T12:45:01.123456Z"), .integer(1),
                    .text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), .integer(-32768), .real(0.5), .real(0.1),
                ])
            #expect(rows[1] == [.integer(2), .text("-0.0000000001"), .null, .null, .null, .null, .integer(0), .null, .null, .null, .real(-1.5e300)])

            // The same values, written through a plan into the copy, read back as the same text.
            let map = TableMap(
                id: "test.typed", version: "1.0.0", description: "PostgreSQL types",
                erp: TableReference(table: "typed", key: ["id"]), crm: TableReference(table: "typed_copy", key: ["id"]),
                fields: Self.columns.map { FieldMap(erp: .one($0), crm: .one($0), direction: .both) })
            let catalog = try BatchApplierTests.sampleMaps()
            let types = try await side.call { (try $0.columnTypes(of: "typed"), try $0.columnTypes(of: "typed_copy")) }
            let plan = ContractSide.Carried(
                value: try DirectionPlan(
                    map: map, settings: MapSettings(name: map.id), direction: .erpToCrm, catalog: catalog,
                    source: .plugin(catalog.plugins[0]), sourceTypes: types.0, targetTypes: types.1, maps: [map.id: map]))
            try await side.call { endpoint in
                try endpoint.prepareTarget(plan.value)
                try endpoint.applyBatch([], checkpoints: [:], fastPath: false, logger: Logger(label: "test")) { target in
                    try target.begin(.live)
                    for (index, row) in rows.enumerated() {
                        try target.markSource("erp:\(index + 1)")
                        try target.write(.insert, plan: plan.value, values: row, oldKey: nil)
                    }
                    try target.finish()
                }
            }
            let select = "SELECT \(Self.columns.map { "\($0)::text" }.joined(separator: ", ")) FROM %@ ORDER BY id"
            let copied = try await side.rows(String(format: select, "typed_copy"))
            #expect(copied == (try await side.rows(String(format: select, "typed"))))
            #expect(copied.first?[1] == "12345678901234567890.1234567890")
        }
    }

    @Test("While a writer is in flight the commit token keeps moving and a read stops below it; its change comes once it commits")
    func writerInFlight() async throws {
        try await ContractSide.with(.postgresql, ddl: Self.ddl, captured: [(name: "typed", key: ["id"])]) { side in
            try await side.exec("BEGIN")
            try await side.exec("INSERT INTO typed (id) VALUES (7)")
            let (first, second, read) = try await side.call { endpoint in
                (try endpoint.commitToken(), try endpoint.commitToken(), try endpoint.changes(after: 0, limit: 10))
            }
            #expect(first != second)
            #expect(read.isEmpty)
            try await side.exec("COMMIT")
            let (settled, again, committed) = try await side.call { endpoint in
                (try endpoint.commitToken(), try endpoint.commitToken(), try endpoint.changes(after: 0, limit: 10))
            }
            #expect(settled == again && settled > 0)
            #expect(committed.map(\.key) == ["7"])
        }
    }

    @Test("A connection the server ends mid-batch rolls the batch back; the next batch runs on a new connection")
    func droppedMidBatch() async throws {
        try await ContractSide.with(.postgresql, ddl: SideEndpointContract.ddl, captured: SideEndpointContract.captured) {
            side in
            let plan = ContractSide.Carried(value: try await SideEndpointContract.plan(side))
            let schema = try #require(side.schema)
            let item = ContractSide.Carried(
                value: ApplyItem(
                    plan: plan.value,
                    change: Change(seq: 1, table: "VALS", operation: .insert, key: "1", row: nil, at: 0, origin: nil),
                    mapped: .success(SideEndpointContract.first), sourceRow: SideEndpointContract.first, parkedID: nil))
            let checkpoint = CheckpointID(map: "test.values", source: .erp)
            let locked = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            async let batch: String = side.call { endpoint in
                do {
                    try endpoint.applyBatch([item.value], checkpoints: [checkpoint: 1], fastPath: false, logger: Logger(label: "test")) {
                        target in
                        try target.begin(.live)
                        try target.markSource("erp:1")
                        try target.write(.insert, plan: plan.value, values: SideEndpointContract.first, oldKey: nil)
                        // A read of the table sends the held BEGIN, LOCK and row first: the batch is
                        // on the server, holding the lock, mid-way.
                        _ = try target.rowExists(plan.value, key: [.integer(1)])
                        locked.signal()
                        _ = release.wait(timeout: .now() + 30)
                        try target.write(.insert, plan: plan.value, values: SideEndpointContract.second, oldKey: nil)
                        try target.finish()
                    }
                    return "committed"
                } catch {
                    return "\(error)"
                }
            }
            _ = try await side.call { _ in locked.wait() }
            // The batch's connection is the one holding the lock on the table.
            let ended = try await side.rows(
                """
                SELECT count(pg_terminate_backend(pid)) FROM pg_locks
                WHERE relation = '"\(schema)"."vals"'::regclass AND mode = 'ShareRowExclusiveLock'
                """)
            release.signal()
            let outcome = await (try? batch) ?? "no outcome"
            #expect(ended == [["1"]])
            #expect(outcome.contains("ended the connection") || outcome.contains("connection broke"))
            let after = try await side.call { endpoint in
                try endpoint.applyBatch([item.value], checkpoints: [checkpoint: 1], fastPath: false, logger: Logger(label: "test")) {
                    target in
                    try target.begin(.live)
                    try target.markSource("erp:1")
                    try target.write(.insert, plan: plan.value, values: SideEndpointContract.second, oldKey: nil)
                    try target.finish()
                }
                return (
                    try endpoint.currentRows(
                        table: "vals", columns: ["id"], keyColumns: ["id"], keys: [[.integer(1)], [.integer(2)]]),
                    try endpoint.storedCheckpoints()
                )
            }
            #expect(after.0 == [nil, "2"])
            #expect(after.1 == [checkpoint: 1])
        }
    }
}
