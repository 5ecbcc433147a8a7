
/// One unit of work in a batch: a change for a plan, decoded and mapped.
struct ApplyItem {
    let plan: DirectionPlan
    let change: Change
    /// Nil: echo or filtered out (consumed without a write).
    var mapped: Result<[SideValue], SyncError>?
    var sourceRow: [SideValue]
    /// Set when the item comes from the parking table.
    var parkedID: Int64?
}
