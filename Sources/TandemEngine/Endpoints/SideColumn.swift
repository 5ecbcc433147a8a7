/// A column of a side's table as its endpoint describes it, for the checks
/// of `tandem maps validate`.
struct SideColumn {
    /// The declared type, as the side gives it (may be empty).
    let type: String
    /// The class the side stores the column's values as: `integer`, `real`,
    /// `numeric`, `text` or `blob` (SQLite: the column's affinity).
    let valueClass: String
    /// Whether the column refuses NULL.
    let notNull: Bool
    /// Whether the side fills the column when a write leaves it out.
    let hasDefault: Bool
    /// Whether the side computes the column (nothing can write it).
    let generated: Bool
    /// Whether the column is part of the table's primary key.
    let primaryKey: Bool
}
