import Testing

/// The endpoint contract (``SideEndpointContract``) against a SQLite side, on a real file.
@Suite("Side endpoint contract: SQLite")
struct SQLiteSideEndpointContractTests {
    @Test("Checkpoints move forward only, per map and source side")
    func checkpoints() async throws { try await SideEndpointContract.checkpoints(.sqlite) }

    @Test("An application's writes are read in order with keys, rows byte for byte and changed columns")
    func changes() async throws { try await SideEndpointContract.changes(.sqlite) }

    @Test("Initial sync's reads and records, and the side's identity, work alike on every endpoint")
    func initialSyncParts() async throws { try await SideEndpointContract.initialSyncParts(.sqlite) }

    @Test("A batch commits with its checkpoints as echoes; a refused row does not end it; a failed one keeps nothing")
    func applyBatch() async throws { try await SideEndpointContract.applyBatch(.sqlite) }

    @Test("Parked changes and conflicts read back as written and follow an operator's actions")
    func bookkeeping() async throws { try await SideEndpointContract.bookkeeping(.sqlite) }

    @Test("The applications' pending edits are found by key; superseded ones never travel; markers are consumed once")
    func localEdits() async throws { try await SideEndpointContract.localEdits(.sqlite) }

    @Test("While a batch writes a table, an application's write to it waits")
    func batchLocksItsTables() async throws { try await SideEndpointContract.batchLocksItsTables(.sqlite) }

    @Test("A write through Tandem is captured with its tag, kept only once committed")
    func writeThrough() async throws { try await SideEndpointContract.writeThrough(.sqlite) }

    @Test("A merged row keeps the target's edits, takes the incoming columns and travels back as one change")
    func merge() async throws { try await SideEndpointContract.merge(.sqlite) }
}
