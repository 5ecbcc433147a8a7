/// What one read of the change log returns: the applications' changes, the
/// echoes of Tandem's own writes, and how far the log has been read.
public struct PostgreSQLChangeBatch: Sendable {
    /// Changes the applications made, in sequence order: these are sent to the other side.
    public var changes: [PostgreSQLChange]
    /// Changes Tandem made (lineage): recorded, never sent back.
    public var echoes: [PostgreSQLChange]
    /// Every change up to this sequence number has been read (none will ever appear below it):
    /// the checkpoint to store with the batch's writes, and the `after:` of the next read.
    public var through: Int64
}
