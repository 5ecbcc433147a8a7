/// A column named in a filter, with where it was written, so that an
/// unknown name is reported at its character.
package struct FilterColumn: Sendable {
    /// The name, as written until the filter is resolved against the table
    /// (``FilterExpression/resolved(columns:)``), then as the table spells it.
    package var name: String
    /// 0-based character offset of the name in the filter text.
    package var offset: Int

    /// Creates a column reference.
    package init(name: String, offset: Int) {
        self.name = name
        self.offset = offset
    }
}

extension FilterColumn: Hashable {
    /// Columns are equal by name: where they were written does not change what a filter means.
    package static func == (lhs: FilterColumn, rhs: FilterColumn) -> Bool { lhs.name == rhs.name }

    /// Hashes the name only, as ``==`` compares.
    package func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
