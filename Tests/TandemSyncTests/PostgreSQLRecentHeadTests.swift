import Foundation
import Logging
import TandemPostgreSQL
import Testing

@testable import TandemEngine

/// The side audit's head of a PostgreSQL side, answered from a recent read
/// while nothing can have moved it (`PostgreSQLSide.recentIssuedHead()`):
/// an idle engine asks every second. A side that went back is still found:
/// at once when the side's session sends anything, else within the side's
/// bound; a head read before never makes a healthy side look restored.
@Suite(
    "PostgreSQL side: the audit's recent head", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason), .timeLimit(.minutes(5)))
struct PostgreSQLRecentHeadTests {
    /// Where the test's commit watch starts its waits: the log's head as the test last read it.
    final class Position: @unchecked Sendable {
        // `@unchecked Sendable`: the lock guards `value`.
        private let lock = NSLock()
        private var stored: Int64 = 0
        /// The position.
        var value: Int64 {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    /// The audit of map `test.values` from the ERP (`side`, as source) to the CRM (`side` again,
    /// where its checkpoint is stored), reading heads as the engine's audit does.
    static func audit(_ side: PostgreSQLSide) throws -> [SideAudit.Finding] {
        try SideAudit.check(
            [SideAudit.MapDirections(name: "test.values", directions: [.erpToCrm])], sides: [.erp: side, .crm: side],
            applied: [:], recent: true)
    }

    @Test(
        "A side whose log went back with no commit since is found by the audit within the side's bound, and at once after the side's own statement"
    )
    func wentBackIsFound() async throws {
        try await SideEndpointContract.withSide(.postgresql) { contract in
            let schema = try #require(contract.schema)
            for id in 1...3 { try await SideEndpointContract.insert(PostgreSQLBulkApplyTests.values(id, "row \(id)"), contract) }
            let side = PostgreSQLSide(
                role: .erp, config: try PostgreSQLSideConfig(url: try PostgreSQLTestServer.requireURL(), schema: schema),
                logger: Logger(label: "test"), recentHeadAge: .seconds(1))
            let carried = ContractSide.Carried(value: side)
            let position = Position()
            position.value = 3
            let watch = try await contract.call { _ in
                ContractSide.Carried(value: try carried.value.watchCommits(after: { position.value }, wake: {}))
            }
            defer {
                // Off the task's thread: both block until their connections are done.
                let stopping = Thread {
                    watch.value?.stop()
                    carried.value.close()
                }
                stopping.start()
            }
            let checkpoint = CheckpointID(map: "test.values", source: .erp)
            try await contract.call { _ in try carried.value.storeCheckpoints([checkpoint: 3]) }
            let first = try await contract.call { _ in (try Self.audit(carried.value), try carried.value.recentIssuedHead()) }
            #expect(first.0.isEmpty)
            #expect(first.1 == 3)

            // Restored from a backup taken after the first change: no commit, so no ring.
            _ = try await contract.rows("SELECT setval('\(schema)._tandem_changes_seq', 1)")
            _ = try await contract.rows("DELETE FROM \(schema)._tandem_changes WHERE seq > 1")
            #expect(try await contract.call { _ in try carried.value.recentIssuedHead() } == 3)
            // The side's own write (the engine storing a checkpoint): the audit reads the head again.
            try await contract.call { _ in try carried.value.storeCheckpoints([checkpoint: 3]) }
            let afterOwn = try await contract.call { _ in try Self.audit(carried.value) }
            #expect(afterOwn.map(\.side) == [.erp], "\(afterOwn)")

            // Healthy again (the head moved back up) and read once the bound passed; then restored once more.
            _ = try await contract.rows("SELECT setval('\(schema)._tandem_changes_seq', 3)")
            try await Task.sleep(for: .milliseconds(1_200))
            #expect(try await contract.call { _ in try Self.audit(carried.value) }.isEmpty)
            _ = try await contract.rows("SELECT setval('\(schema)._tandem_changes_seq', 1)")
            // Nothing rang and the side sent nothing: the recent head stands, for at most its bound.
            #expect(try await contract.call { _ in try carried.value.recentIssuedHead() } == 3)
            #expect(try await contract.call { _ in try Self.audit(carried.value) }.isEmpty)
            try await Task.sleep(for: .milliseconds(1_200))
            let late = try await contract.call { _ in try Self.audit(carried.value) }
            #expect(late.map(\.side) == [.erp], "\(late)")
        }
    }

    @Test("A head read before that is lower than the log's now does not read as a side that went back")
    func staleLowHeadIsReadAgain() async throws {
        try await SideEndpointContract.withSide(.postgresql) { contract in
            let schema = try #require(contract.schema)
            for id in 1...3 { try await SideEndpointContract.insert(PostgreSQLBulkApplyTests.values(id, "row \(id)"), contract) }
            let side = PostgreSQLSide(
                role: .erp, config: try PostgreSQLSideConfig(url: try PostgreSQLTestServer.requireURL(), schema: schema),
                logger: Logger(label: "test"), recentHeadAge: .seconds(60))
            let carried = ContractSide.Carried(value: side)
            // A watch that never rings: it waits above any change this test makes.
            let watch = try await contract.call { _ in
                ContractSide.Carried(value: try carried.value.watchCommits(after: { 1_000_000 }, wake: {}))
            }
            defer {
                // Off the task's thread: both block until their connections are done.
                let stopping = Thread {
                    watch.value?.stop()
                    carried.value.close()
                }
                stopping.start()
            }
            #expect(try await contract.call { _ in try carried.value.recentIssuedHead() } == 3)
            // Another process (an initial sync, say) applied changes up to 5 and stored that checkpoint here.
            for id in 4...5 { try await SideEndpointContract.insert(PostgreSQLBulkApplyTests.values(id, "row \(id)"), contract) }
            try await contract.exec(
                "INSERT INTO \(schema)._tandem_checkpoints (map, source, seq) VALUES ('test.values', 'erp', 5)")
            #expect(try await contract.call { _ in try carried.value.recentIssuedHead() } == 3)
            #expect(try await contract.call { _ in try Self.audit(carried.value) }.isEmpty)
        }
    }
}
