import Foundation
import Testing

@testable import TandemEngine

/// The endpoint contract (``SideEndpointContract``) against a PostgreSQL side,
/// in a schema of its own on the server of `TANDEM_TEST_POSTGRES_URL`
/// (skipped without one, failing without one in CI).
@Suite(
    "Side endpoint contract: PostgreSQL", .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason),
    .timeLimit(.minutes(20)))
struct PostgreSQLSideEndpointContractTests {
    @Test("Checkpoints move forward only, per map and source side")
    func checkpoints() async throws { try await SideEndpointContract.checkpoints(.postgresql) }

    @Test("An application's writes are read in order with keys, rows byte for byte and changed columns")
    func changes() async throws { try await SideEndpointContract.changes(.postgresql) }

    @Test("Initial sync's reads and records, and the side's identity, work alike on every endpoint")
    func initialSyncParts() async throws { try await SideEndpointContract.initialSyncParts(.postgresql) }

    @Test("A batch commits with its checkpoints as echoes; a refused row does not end it; a failed one keeps nothing")
    func applyBatch() async throws { try await SideEndpointContract.applyBatch(.postgresql) }

    @Test("Parked changes and conflicts read back as written and follow an operator's actions")
    func bookkeeping() async throws { try await SideEndpointContract.bookkeeping(.postgresql) }

    @Test("The applications' pending edits are found by key; superseded ones never travel; markers are consumed once")
    func localEdits() async throws { try await SideEndpointContract.localEdits(.postgresql) }

    @Test("While a batch writes a table, an application's write to it waits")
    func batchLocksItsTables() async throws { try await SideEndpointContract.batchLocksItsTables(.postgresql) }

    @Test("A write through Tandem is captured with its tag, kept only once committed")
    func writeThrough() async throws { try await SideEndpointContract.writeThrough(.postgresql) }

    @Test("A merged row keeps the target's edits, takes the incoming columns and travels back as one change")
    func merge() async throws { try await SideEndpointContract.merge(.postgresql) }

    @Test(
        "A filter's counts (status, maps validate) judge each row as the engine does: NULL and false leave a row out, near misses by case or blanks are named"
    )
    func filterCounts() async throws {
        try await ContractSide.with(.postgresql, ddl: SideEndpointContract.ddl, captured: SideEndpointContract.captured) {
            side in
            try await side.exec("INSERT INTO vals (id, t) VALUES (1, 'x'), (2, 'X'), (3, ' x'), (4, NULL), (5, 'y'), (6, 'X')")
            let (outside, misses) = try await side.call { endpoint in
                (try endpoint.rowsOutside(filter: .sql("t = 'x'"), table: "vals"), try endpoint.filterMisses(filter: .sql("t = 'x'"), table: "vals"))
            }
            #expect(outside == 5)
            #expect(misses.nulls.map(\.column) == ["t"])
            #expect(misses.nulls.map(\.rows) == [1])
            #expect(misses.nearMisses.map { "\($0.value)|\($0.literal)|\($0.rows)" } == ["X|x|2", " x|x|1"])
            // A filter that tests for NULL itself means to leave those rows out: no NULL warning.
            let tested = try await side.call { try $0.filterMisses(filter: .sql("t IS NOT NULL AND t = 'x'"), table: "vals") }
            #expect(tested.nulls.map(\.rows) == [0])
            // The filter language counts alike, its names and literals read from the parsed filter.
            let language = MapFilter(text: "T eq 'x'", language: .filter, origin: "filters.erp_to_crm in tandem.yaml")
            let (languageOutside, languageMisses) = try await side.call { endpoint in
                (try endpoint.rowsOutside(filter: language, table: "vals"), try endpoint.filterMisses(filter: language, table: "vals"))
            }
            #expect(languageOutside == 5)
            #expect(languageMisses.nulls.map(\.rows) == [1])
            #expect(languageMisses.nearMisses.map { "\($0.value)|\($0.literal)|\($0.rows)" } == ["X|x|2", " x|x|1"])
            let languageTested = MapFilter(text: "t is not null and t eq 'x'", language: .filter, origin: "filters")
            #expect(try await side.call { try $0.filterMisses(filter: languageTested, table: "vals") }.nulls.map(\.rows) == [0])
        }
    }

    @Test("What a PostgreSQL side cannot do yet throws an error naming it, never a silent no-op")
    func unsupported() async throws {
        try await ContractSide.with(.postgresql, ddl: SideEndpointContract.ddl, captured: SideEndpointContract.captured) {
            side in
            let message = try await side.call { endpoint -> String in
                do {
                    try endpoint.installCapture([(name: "vals", key: ["t"])])
                    return "no error"
                } catch {
                    return "\(error)"
                }
            }
            #expect(message.contains("not yet supported on PostgreSQL sides: a map key (t) that is not the primary key"))
        }
    }
}
