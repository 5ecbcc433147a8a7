/// A comparison of mapped source rows with a target side's table, open on
/// that side: ``SyncEngine/compare(map:)`` feeds it the rows the map would
/// write, chunk by chunk, then asks what the table holds against them.
///
/// The target side compares, not the core, because equality is the target
/// column's: a side compares values as its application would read them
/// (SQLite: by the column's affinity, so `'100'` in an INTEGER column is
/// `100`), then byte for byte, storage class included.
protocol TargetComparison: AnyObject {
    /// Adds mapped rows: values of the plan's target columns, in order.
    func add(_ rows: [[SideValue]]) throws
    /// Adds the target keys (values of the plan's target key columns, in
    /// key order) of source rows the map's filter leaves out: a table row
    /// under one of them is a row kept after it left the filter's scope,
    /// not a row only the target has.
    func addLeftOut(_ keys: [[SideValue]]) throws
    /// Adds the target keys of table rows that the map's other direction
    /// leaves out (its filter): rows the table holds for other maps that
    /// share it (annotation holds the notes of every parent kind), which
    /// are not this map's and so not rows only the target has.
    func addOtherMaps(_ keys: [[SideValue]]) throws
    /// Compares everything added with the target table.
    func finish() throws -> ComparedRows
    /// Drops what the comparison kept in the side; safe to call twice.
    func close()
}

/// What a target's table holds against the rows a comparison was given.
struct ComparedRows {
    /// Rows in the target table (all of them).
    var targetRows = 0
    /// Given rows the table has with the same values.
    var equal = 0
    /// Given rows the table has under the same key with other values.
    var differing = 0
    /// Given rows the table has no row for.
    var missing = 0
    /// Table rows whose key no given row has (nor a left-out one), and that are this map's.
    var onlyTarget = 0
    /// Table rows whose key no given row has that belong to other maps (see ``TargetComparison/addOtherMaps(_:)``).
    var otherMaps = 0
    /// Table rows whose key only a left-out source row has (see ``TargetComparison/addLeftOut(_:)``).
    var outOfScope = 0
    /// Up to five keys of each kind of difference (`missing`, `differing`,
    /// `onlyTarget`, `outOfScope`), as the target stores them.
    var examples: [String: [String]] = [:]
    /// For each example key of `differing`, the target columns that differ.
    var differingColumns: [String: [String]] = [:]
}
