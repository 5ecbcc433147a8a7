/// How far a map has applied a source side's changes to this side: stored in
/// the target's `_tandem_checkpoints`, in the same transaction as the rows.
public struct PostgreSQLCheckpoint: Sendable, Hashable {
    /// The map (or map direction) the checkpoint belongs to.
    public var map: String
    /// The source side whose change log the sequence numbers come from.
    public var source: String
    /// The source change sequence applied up to and including.
    public var seq: Int64

    /// A checkpoint of `map` reading `source` up to `seq`.
    public init(map: String, source: String, seq: Int64) {
        self.map = map
        self.source = source
        self.seq = seq
    }
}
