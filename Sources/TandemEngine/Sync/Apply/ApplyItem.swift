
/// One unit of work in a batch: a change for a plan, decoded and mapped.
struct ApplyItem {
    let plan: DirectionPlan
    let change: Change
    /// Nil: echo or filtered out (consumed without a write).
    var mapped: Result<[SideValue], SyncError>?
    var sourceRow: [SideValue]
    /// Set when the item comes from the parking table.
    var parkedID: Int64?
    /// An update the plan's filter leaves out: the target may hold the row
    /// from when it was in scope (see ``OutOfScope``). Set only when the
    /// plan acts on it (not `keep`).
    var leftScope = false
}
