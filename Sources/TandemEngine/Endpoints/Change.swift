/// One captured insert, update or delete, as read from a side's change log.
public struct Change: Sendable {
    /// Insert, update or delete.
    public enum Operation: String, Sendable {
        case insert = "I"
        case update = "U"
        case delete = "D"
    }

    /// The side's sequence number.
    public var seq: Int64
    /// The table.
    public var table: String
    /// What happened.
    public var operation: Operation
    /// The row's key before the change (`quote()` literals), as the trigger wrote it; a text holding
    /// a NUL byte, or one that is not valid UTF-8, as `TX'..'` (see ``SQLLiteral``).
    public var key: String
    /// The row after the change (before it, for a delete), as `quote()` literals in capture column order.
    public var row: String?
    /// Statement time on the side, ms since the epoch.
    public var at: Double
    /// Nil for an application's write; otherwise the change Tandem applied (an echo) or a note.
    public var origin: String?
    /// For an application's update: one '0' or '1' per captured column, '1' where the value changed.
    public var changed: String?

    /// Whether the engine applies it: an application's change, or a write
    /// through Tandem (which it applies only if the write-through did not).
    public var isApplicable: Bool { origin == nil || isWriteThrough }
    /// A write made through `tandem write` or ``SyncEngine/write(_:)``.
    public var isWriteThrough: Bool { origin?.hasPrefix("write:") == true }

    /// Creates a change.
    public init(
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
