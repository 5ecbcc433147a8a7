/// The target of a preview (`tandem maps preview`): ``BatchApplier`` decides
/// each row exactly as in a sync, and this records what it would do instead
/// of doing it. The reads a decision needs (is the parent row there, is
/// this row there) go to the side through `reads`, a ``TargetTransaction``
/// in a transaction that can only read (``SideEndpoint/readOnlyTarget(_:)``);
/// nothing else reaches the side.
final class PreviewTarget: TargetTransaction {
    /// What the applier decided for one mapped row, in the order of the batch.
    enum Decision {
        /// Written: inserted or updated with these values (a reference into
        /// the map's own table that is not there yet left empty, as initial
        /// sync's first pass writes it).
        case written([SideValue])
        /// Parked: `parent` (waits for its parent row) or `error` (cannot be mapped), with the reason.
        case parked(kind: String, reason: String)
    }

    private let reads: any TargetTransaction
    /// The decisions so far, one per mapped row.
    private(set) var decisions: [Decision] = []

    /// A recorder whose reads go to `reads`.
    init(reads: any TargetTransaction) {
        self.reads = reads
    }

    /// The refusal of a step a preview never takes: the applier only takes
    /// it for a live change (a conflict with the target's own edits, a
    /// write-through), which a preview does not give it.
    private func unexpected(_ what: String) -> SyncError {
        SyncError(.state, "a preview does not \(what); this is a bug in tandem maps preview")
    }

    func begin(_ mode: ApplyMode) throws {}
    func markSource(_ source: String) throws {}
    func markMerge(_ note: String) throws { throw unexpected("merge rows") }
    func captureNeeded() throws {}
    func finish() throws {}

    func parentExists(_ check: Int, of plan: DirectionPlan, values: [SideValue]) throws -> Bool {
        try reads.parentExists(check, of: plan, values: values)
    }

    func rowExists(_ plan: DirectionPlan, key: [SideValue]) throws -> Bool {
        try reads.rowExists(plan, key: key)
    }

    func write(
        _ operation: Change.Operation, plan: DirectionPlan, values: [SideValue], oldKey: [SideValue]?, only: Set<Int>?
    ) throws {
        decisions.append(.written(values))
    }

    func writeShared(table: String, keys: [(column: String, value: SideValue)], column: String, value: SideValue) throws
    {
        throw unexpected("write shared columns")
    }

    func writeMerged(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, note: String
    ) throws -> Bool {
        throw unexpected("merge rows")
    }

    func consumeWrittenMarker(source: String, seq: Int64) throws -> Bool { false }
    func markWritten(source: String, seq: Int64) throws { throw unexpected("write through") }

    var recordedEchoes: Int { 0 }

    func park(_ change: ParkedChange) throws -> Int64 {
        decisions.append(.parked(kind: change.kind, reason: change.reason))
        return Int64(decisions.count)
    }

    func parkAgain(id: Int64, kind: String, reason: String, errorClass: ErrorClass) throws {
        throw unexpected("retry parked changes")
    }

    func unpark(id: Int64) throws { throw unexpected("retry parked changes") }

    func pendingLocalEdits(_ plan: DirectionPlan, after seq: Int64) throws -> [String: LocalEdits] { [:] }
    func recordConflict(_ conflict: ConflictRecord) throws -> Int64 { throw unexpected("record conflicts") }
    func hasConflict(map: String, targetSeq: Int64, policy: String) throws -> Bool { false }
    func linkConflict(_ id: Int64, parked: Int64) throws { throw unexpected("record conflicts") }
    func supersede(table: String, key: String, from seq: Int64, note: String) throws {
        throw unexpected("record conflicts")
    }
    func recordInitialProgress(map: String, lastKey: String, done: Int, conflicts: Int, errors: Int) throws {}
}
