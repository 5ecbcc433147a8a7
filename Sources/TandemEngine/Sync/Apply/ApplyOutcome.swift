/// What one transaction did, returned by the step that applied it and
/// applied to the engine's memory only after the transaction commits (a
/// rolled-back batch changes nothing the engine remembers).
struct ApplyOutcome {
    var appliedSeqs: [Int64] = []
    var appliedMaps: [String] = []
    /// Capture times of the applied changes (ms since the epoch), for the apply latency metric.
    var appliedAt: [Double] = []
    /// Changes parked as errors or manual conflicts, by class (for the error metric).
    var failures: [(map: String, errorClass: ErrorClass)] = []
    var counters: [String: (applied: Int, skipped: Int, conflicts: Int)] = [:]
    var newlyParked: [(map: String, key: String)] = []
    var unparked: [(map: String, key: String)] = []
    var errors: [String: String] = [:]
    /// Conflicts left open for an operator: (map, side whose edits conflict, key as that side stores it).
    var openConflicts: [(map: String, side: SideRole, key: String, id: String)] = []
    /// Operator retries: (map, key, failed seq, seq that superseded it).
    var superseded: [(map: String, key: String, seq: Int64, by: Int64)] = []
    /// Updates that moved a row out of its map's filter while the target
    /// held it: the change, the target's key, and whether it was deleted
    /// there (`out_of_scope: delete`) or kept (`report`).
    var leftScope: [(map: String, seq: Int64, key: String, targetKey: String, deleted: Bool)] = []
    var wrote = false
    /// Keys whose target-side edit won a conflict: their next change in the
    /// reverse direction writes its whole row (see ``SyncEngine/wholeRowKeys``).
    var wholeRowsNext: [(map: String, key: String)] = []
    /// Keys of ``SyncEngine/wholeRowKeys`` whose whole row this batch wrote.
    var wroteWholeRows: [(map: String, key: String)] = []
    /// Initial sync: rows written with a reference into their own map left empty, for the second pass.
    var deferredReferences = 0
    /// Echoes the endpoint recorded itself, not through its capture (see ``EchoLineage``).
    var quietEchoes = 0
}
