/// The operations added to ``SideEndpoint`` after the PostgreSQL side was
/// written (maps compare, side identity, recovery of a restored side,
/// pruning, maps validate's column details, a transform's `$rows` tables,
/// the counts of what a filter leaves out).
/// Each refuses with the operation named, never a silent no-op, until the
/// engine can hold a PostgreSQL side at all (issue 15).
extension PostgreSQLSide {
    func storedIdentity() throws -> SideIdentity? { throw Self.unsupported("side identity") }
    func storeIdentity(_ identity: SideIdentity) throws { throw Self.unsupported("side identity") }
    func columnDetails(of table: String) throws -> [String: SideColumn] {
        throw Self.unsupported("maps validate's column details")
    }
    func pruneFacts(youngSince cutoff: Double?) throws -> (head: Int64, tables: [String], firstYoung: Int64?) {
        throw Self.unsupported("pruning the change log")
    }
    func pruneChanges(table: String, through floor: Int64, limit: Int) throws -> Bool {
        throw Self.unsupported("pruning the change log")
    }
    func checkpointLog(unlessAt mark: LogMark?) throws -> LogMark? { throw Self.unsupported("log checkpoints") }
    func prunedThrough(table: String) throws -> Int64 { throw Self.unsupported("maps recover") }
    func echoes(table: String, after seq: Int64, from origin: SideRole) throws -> Int {
        throw Self.unsupported("maps recover")
    }
    func firstChange(table: String, through seq: Int64, after time: Double) throws -> Int64? {
        throw Self.unsupported("maps recover")
    }
    func resetCheckpoint(_ id: CheckpointID, to seq: Int64) throws { throw Self.unsupported("maps recover") }
    func openReader() throws -> any SideEndpoint { throw Self.unsupported("a transform's $rows tables") }
    func tableRows(_ table: String, columns: [String]) throws -> [[SideValue]] {
        throw Self.unsupported("a transform's $rows tables")
    }
    func scanRows(table: String, columns: [String], after position: [SideValue]?, limit: Int) throws
        -> [(position: [SideValue], values: [SideValue]?)]
    {
        throw Self.unsupported("maps compare")
    }
    func beginComparison(_ plan: DirectionPlan) throws -> any TargetComparison {
        throw Self.unsupported("maps compare")
    }
    func rowsOutside(filter: String, table: String) throws -> Int { throw Self.unsupported("a filter's counts") }
    func filterMisses(filter: String, table: String) throws -> FilterMisses {
        throw Self.unsupported("a filter's counts")
    }
}
