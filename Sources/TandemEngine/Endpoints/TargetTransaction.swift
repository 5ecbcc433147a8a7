
/// The target side inside the transaction that applies one batch: what the
/// engine core asks of an endpoint to write mapped rows, park what cannot
/// be written, and record conflicts. The core decides (``BatchApplier``);
/// the endpoint knows its database's SQL, its capture and how it marks
/// Tandem's own writes. The caller opens the transaction and commits it
/// together with the checkpoint, so that rows and checkpoint commit as one.
protocol TargetTransaction {
    /// Starts the batch; every write until ``finish()`` is Tandem's own.
    func begin(_ mode: ApplyMode) throws
    /// The next writes apply the source change `source` (`erp:42`): capture
    /// records them as its echoes (lineage), never to be sent back.
    func markSource(_ source: String) throws
    /// The next write merges the source change into the target's row: it is
    /// recorded with `note`, whatever the mode.
    func markMerge(_ note: String) throws
    /// Capture must record the writes from here on itself: a conflict's
    /// records are made by it. An endpoint that recorded its echoes without
    /// its capture (for speed) writes what it holds now.
    func captureNeeded() throws
    /// Ends the batch: what the endpoint held back is written, and writes
    /// after this are the applications' again.
    func finish() throws

    /// Whether the parent row that `plan.parentChecks[check]` looks for is
    /// on this side.
    func parentExists(_ check: Int, of plan: DirectionPlan, values: [SideValue]) throws -> Bool
    /// Whether this side has `plan`'s target row with the key `key` (values
    /// of the target key columns, in key order).
    func rowExists(_ plan: DirectionPlan, key: [SideValue]) throws -> Bool
    /// Writes one mapped row: deletes it (`.delete`) or inserts or updates it,
    /// first deleting the row under `oldKey` when the key changed. Throws
    /// ``RowRefused`` when the database refuses this row only (a constraint,
    /// a type), any other error when the side failed.
    /// `only`: for an update of a row that is there, the non-key target
    /// positions to write (``DirectionPlan/writtenTargets(_:)``); the others
    /// keep the target's values. Nil: every column. A row that is not there
    /// is inserted whole either way.
    func write(
        _ operation: Change.Operation, plan: DirectionPlan, values: [SideValue], oldKey: [SideValue]?, only: Set<Int>?
    ) throws
    /// Writes `value` into `column` of the rows of `table` whose `keys` hold
    /// their values, where it differs, as a change of this side's own (not
    /// an echo), so that the maps of `table` carry it to the other side: a
    /// datum two tables share (``DirectionPlan/SharedWithParent``). The
    /// writes after it are Tandem's again, of the source change last marked.
    /// Throws ``RowRefused`` when the database refuses it.
    func writeShared(table: String, keys: [(column: String, value: SideValue)], column: String, value: SideValue) throws
    /// Writes the incoming values of `columns` over the target's row and
    /// queues the merged row to travel back; false when the row is not here.
    func writeMerged(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, note: String
    ) throws -> Bool

    /// Removes the marker a write-through left for `source:seq`; true when
    /// there was one (the change was applied here already).
    func consumeWrittenMarker(source: String, seq: Int64) throws -> Bool
    /// Leaves the marker that says `source:seq` was written through.
    func markWritten(source: String, seq: Int64) throws

    /// Echoes the endpoint recorded itself, not through its capture.
    var recordedEchoes: Int { get }

    /// Parks a change with its reason; returns its id.
    @discardableResult
    func park(_ change: ParkedChange) throws -> Int64
    /// Records that the parked change `id` failed again, with the new reason.
    func parkAgain(id: Int64, kind: String, reason: String, errorClass: ErrorClass) throws
    /// Removes the parked change `id` (applied, or superseded).
    func unpark(id: Int64) throws

    /// The target's own changes of `plan`'s table after `seq` that have not
    /// travelled yet, by normalised target key.
    func pendingLocalEdits(_ plan: DirectionPlan, after seq: Int64) throws -> [String: LocalEdits]
    /// Records a conflict; returns its number.
    func recordConflict(_ conflict: ConflictRecord) throws -> Int64
    /// Whether a conflict of `policy` was recorded for the target change
    /// `targetSeq` of `map` already (a batch run again after a crash).
    func hasConflict(map: String, targetSeq: Int64, policy: String) throws -> Bool
    /// Links an open conflict to the parked change that waits for it.
    func linkConflict(_ id: Int64, parked: Int64) throws
    /// Marks the applications' pending changes of `key` in `table` (from
    /// `seq` on) with `note`, so that they never travel to the other side.
    func supersede(table: String, key: String, from seq: Int64, note: String) throws
    /// Records how far `map`'s initial sync got, with this transaction's rows.
    func recordInitialProgress(map: String, lastKey: String, done: Int, conflicts: Int, errors: Int) throws
}

extension TargetTransaction {
    /// Writes one mapped row whole (see ``write(_:plan:values:oldKey:only:)``).
    func write(_ operation: Change.Operation, plan: DirectionPlan, values: [SideValue], oldKey: [SideValue]?) throws {
        try write(operation, plan: plan, values: values, oldKey: oldKey, only: nil)
    }
}

/// The database refused one row (a constraint, a type): the row is parked,
/// the batch goes on.
struct RowRefused: Error {
    /// The database's words.
    let message: String
}

/// A change that waits in the target's parking table.
struct ParkedChange {
    let map: String
    /// The side it comes from.
    let source: String
    let change: Change
    /// `error`, `parent`, `behind`, `conflict`.
    let kind: String
    let reason: String
    let errorClass: ErrorClass
}

/// One conflict as the target's conflict list keeps it: both versions, the
/// policy, and what was decided.
struct ConflictRecord {
    let map: String
    /// The key as the target stores it.
    let key: String
    let policy: String
    let winner: String
    /// The side the incoming change comes from.
    let source: String
    let sourceSeq: Int64
    let sourceRow: String?
    let targetSeq: Int64
    let targetRow: String?
    /// `open` (an operator decides) or `resolved`.
    let status: String
    let outcome: String
    /// The columns each side changed, comma-separated; nil for a whole row.
    var sourceChanged: String? = nil
    var targetChanged: String? = nil
    let sourceTable: String
    let targetTable: String
}
