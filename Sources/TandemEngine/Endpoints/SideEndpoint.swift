import Logging

/// One side as the engine's live loop sees it: where its changes come from,
/// where the checkpoints and the parked changes and conflicts of the
/// changes applied to it are kept, and how a batch is applied to it in one
/// transaction together with its checkpoints.
///
/// The core (``SyncEngine``'s loop, ``BatchApplier``) reaches a side only
/// through this protocol and ``TargetTransaction``; each dialect implements
/// both in its own folder (`Endpoints/SQLite/`). Install and removal of
/// capture, bulk copy for initial sync and schema introspection are still
/// the SQLite endpoint's own types, reached directly (issue 15 goes on).
protocol SideEndpoint: AnyObject {
    /// Which side.
    var role: SideRole { get }

    /// Whether the side has `table`.
    func hasTable(_ table: String) throws -> Bool
    /// Installs capture (change log, bookkeeping, triggers) for `tables`,
    /// or brings an installed one up to date; safe to run again.
    func installCapture(_ tables: [(name: String, key: [String])]) throws
    /// Removes everything Tandem installed in the side.
    func removeCapture() throws
    /// Removes the capture of `table` only, keeping the change log and the
    /// bookkeeping; false when the table was not captured.
    func removeCaptureTriggers(table: String) throws -> Bool

    /// The columns capture records per captured table, in capture order.
    func capturedColumns() throws -> [String: [String]]
    /// The columns of `table` with their declared types, in table order.
    func columnTypes(of table: String) throws -> [(name: String, type: String)]
    /// Readies the endpoint to write `plan`'s rows (the plan targets this side).
    func prepareTarget(_ plan: DirectionPlan) throws

    /// A number that changes whenever another connection commits to the
    /// side; cheap to read. The loop reads changes only when it moved (or
    /// when it knows more are waiting).
    func commitToken() throws -> Int
    /// Changes after `seq` in sequence order, at most `limit`. Tandem's own
    /// writes (echoes) come without their row: nothing applies them.
    func changes(after seq: Int64, limit: Int) throws -> [Change]

    /// The checkpoints stored in this side: the last source change applied
    /// here, per map and source side.
    func storedCheckpoints() throws -> [CheckpointID: Int64]
    /// Moves stored checkpoints forward (never back), in one transaction.
    func storeCheckpoints(_ checkpoints: [CheckpointID: Int64]) throws

    /// The keys of the changes parked in this side, per map, for changes
    /// from `source`; a key appears once per parked change.
    func parkedKeys(source: SideRole, map: String?) throws -> [(map: String, key: String)]
    /// The parked changes of `map` from `source`, oldest first, with their
    /// ids; `waitingForParents`: only keys whose first change waits for a
    /// parent (the engine's own retries), not those waiting for an operator.
    func parkedChanges(map: String, source: SideRole, waitingForParents: Bool) throws -> [(id: Int64, change: Change)]
    /// The open conflicts between this side's edits and changes from `source`.
    func openConflicts(source: SideRole) throws -> [(id: Int64, map: String, key: String)]

    /// Applies `items` in one transaction: `body` writes them through the
    /// ``TargetTransaction``, then `checkpoints` are stored, and all of it
    /// commits together or not at all (exactly once). `fastPath`: a live
    /// batch, which the endpoint may write its fastest way when it is large
    /// (SQLite: with the capture triggers off, the echoes recorded by Tandem).
    func applyBatch<T>(
        _ items: [ApplyItem], checkpoints: [CheckpointID: Int64], fastPath: Bool, logger: Logger,
        _ body: (any TargetTransaction) throws -> T
    ) throws -> T
}

/// Which checkpoint: the changes of `source` applied by `map`.
struct CheckpointID: Hashable {
    /// The map.
    var map: String
    /// The side the changes come from.
    var source: SideRole
}
