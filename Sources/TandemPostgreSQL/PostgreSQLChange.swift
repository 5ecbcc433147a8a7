/// One captured insert, update or delete, as read from a side's `_tandem_changes`.
public struct PostgreSQLChange: Sendable, Hashable {
    /// What happened to the row.
    public enum Operation: String, Sendable, Hashable {
        /// A row was inserted.
        case insert = "I"
        /// A row was updated.
        case update = "U"
        /// A row was deleted.
        case delete = "D"
    }

    /// The change's number in the side's change log: increasing, with gaps (rolled-back transactions).
    public var seq: Int64
    /// The table changed.
    public var table: String
    /// Insert, update or delete.
    public var operation: Operation
    /// The key columns: the new key for an insert, the old key (the row to find) for an update or delete.
    public var key: [String: PostgreSQLValue]
    /// The row after the change (insert, update) or before it (delete).
    public var row: [String: PostgreSQLValue]
    /// For an update, the columns whose value changed (the mask a field-level merge uses); nil otherwise.
    public var changedColumns: [String]?
    /// Set when Tandem wrote the change (its `tandem.origin`, e.g. `erp:42`): an echo, never sent back.
    public var origin: String?
    /// When the writing transaction started, in UTC (`YYYY-MM-DDTHH:MM:SS.ffffff`).
    public var at: String

    /// Whether Tandem itself wrote this change.
    public var isEcho: Bool { origin != nil }
}
