/// The operations of ``SideEndpoint`` the PostgreSQL side cannot do yet
/// (maps compare, recovery of a restored side, the counts of what a filter
/// leaves out). Each refuses with the operation named, never a silent
/// no-op, until each is written (issue 15).
extension PostgreSQLSide {
    func prunedThrough(table: String) throws -> Int64 { throw Self.unsupported("maps recover") }
    func echoes(table: String, after seq: Int64, from origin: SideRole) throws -> Int {
        throw Self.unsupported("maps recover")
    }
    func firstChange(table: String, through seq: Int64, after time: Double) throws -> Int64? {
        throw Self.unsupported("maps recover")
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
