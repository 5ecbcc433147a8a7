/// How a side's write-ahead log stood after a complete checkpoint, as its
/// endpoint describes it (SQLite: the `-wal` file's inode, size and
/// modification time); the same mark means nothing was written since.
struct LogMark: Equatable, Sendable {
    /// The endpoint's description, compared as a whole.
    let parts: [Int64]
}
