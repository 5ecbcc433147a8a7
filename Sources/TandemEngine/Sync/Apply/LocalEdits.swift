/// What the target's applications changed on one key that the reverse
/// direction has not carried over yet: the other half of a conflict.
struct LocalEdits {
    /// The first pending change (every one from it on is superseded if the source wins).
    var seq: Int64
    /// The key as the target's change log stores it.
    var key: String
    /// The latest row (what the target holds now) and its time.
    var row: String?
    var at: Double
    /// The target columns the pending updates changed.
    var columns: Set<String> = []
    /// An insert or delete among them, or an update without a mask: the whole row counts as changed.
    var wholeRow = false
}
