/// How far a bulk copy of one table has come; kept in the target's
/// `_tandem_copy_progress`, committed with each chunk, so a copy that stops
/// resumes after the last committed key.
public struct PostgreSQLCopyProgress: Sendable, Hashable {
    /// The copy's name (one per map and table).
    public var name: String
    /// Rows copied so far.
    public var rows: Int64
    /// The key texts of the last row copied, or nil before the first chunk.
    public var lastKey: [String]?
    /// Whether every row has been copied.
    public var done: Bool
    /// Chunks committed by this call (0 when it found the copy done).
    public var chunks: Int
}
