/// One captured insert, update or delete, as read from a side's change log.
package struct Change: Sendable {
    /// Insert, update or delete.
    package enum Operation: String, Sendable {
        case insert = "I"
        case update = "U"
        case delete = "D"
    }

    /// The side's sequence number.
    package var seq: Int64
    /// The table.
    package var table: String
    /// What happened.
    package var operation: Operation
    /// The row's key before the change (`quote()` literals), as the trigger wrote it; a text holding
    /// a NUL byte, or one that is not valid UTF-8, as `TX'..'` (see ``SQLLiteral``).
    package var key: String
    /// The row after the change (before it, for a delete), as `quote()` literals in capture column order.
    package var row: String?
    /// Statement time on the side, ms since the epoch.
    package var at: Double
    /// Nil for an application's write; otherwise the change Tandem applied (an echo) or a note.
    package var origin: String?
    /// For an application's update: one '0' or '1' per captured column, '1' where the value changed.
    package var changed: String?

    /// Whether the engine applies it: an application's change, or a write
    /// through Tandem (which it applies only if the write-through did not).
    package var isApplicable: Bool { origin == nil || isWriteThrough }
    /// A write made through `tandem write` or ``SyncEngine/write(_:)``.
    package var isWriteThrough: Bool { origin?.hasPrefix("write:") == true }

    /// Creates a change.
    package init(
        seq: Int64, table: String, operation: Operation, key: String, row: String?, at: Double, origin: String?, changed: String? = nil
    ) {
        self.seq = seq
        self.table = table
        self.operation = operation
        self.key = key
        self.row = row
        self.at = at
        self.origin = origin
        self.changed = changed
    }
}
