/// What ``PostgreSQLEndpoint/apply(_:checkpoint:origin:)`` did.
public struct PostgreSQLApplyResult: Sendable, Hashable {
    /// False when the stored checkpoint was already at or past the batch's: the batch was
    /// applied before (a retry after a lost acknowledgement) and nothing was written again.
    public var applied: Bool
    /// Rows written (inserted, updated or deleted).
    public var rows: Int
    /// How many times the transaction was started: more than one after a dropped connection.
    public var attempts: Int
}
