import Logging

/// One side as the engine's live loop sees it: where its changes come from,
/// where the checkpoints and the parked changes and conflicts of the
/// changes applied to it are kept, and how a batch is applied to it in one
/// transaction together with its checkpoints.
///
/// The core (``SyncEngine``'s loop, ``BatchApplier``) reaches a side only
/// through this protocol and ``TargetTransaction``; each dialect implements
/// both in its own folder (`Endpoints/SQLite/`, `Endpoints/PostgreSQL/`).
/// Initial sync's bulk copy and self-references still reach the SQLite
/// endpoint's own types directly (issue 15 goes on).
protocol SideEndpoint: AnyObject {
    /// Which side.
    var role: SideRole { get }
    /// Where the side is, for messages (a file, a server and database).
    var location: String { get }

    /// The identity stored in the side (DESIGN.md, "side identity"), nil
    /// when it has none (made before side identities, or no environment's).
    func storedIdentity() throws -> SideIdentity?
    /// Stores `identity` in the side, replacing any other; kept apart from
    /// capture, so that removing capture does not make a side forget it.
    func storeIdentity(_ identity: SideIdentity) throws
    /// Forgets the side's identity (a failed `tandem init` undoing itself).
    func removeIdentity() throws

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

    /// Runs a plugin's DDL `statements` (its tables, `CREATE … IF NOT
    /// EXISTS`) in one transaction: all of them or none.
    func executeDDL(_ statements: [String]) throws

    /// The columns capture records per captured table, in capture order.
    func capturedColumns() throws -> [String: [String]]
    /// The columns of `table` with their declared types, in table order.
    func columnTypes(of table: String) throws -> [(name: String, type: String)]
    /// Adds `column` to `table` with the declared `type`, checked by
    /// ``FieldAddition/checkedType(_:)`` (`tandem maps add-field`).
    func addColumn(_ column: String, type: String, to table: String) throws
    /// Queues every row of `table` holding a value in `column` as an
    /// update of that column alone, as an application's change behind
    /// every change already logged; returns how many (`tandem maps add-field`).
    func queueExistingValues(of column: String, in table: String, key: [String]) throws -> Int
    /// The columns of `table` by name, described for `maps validate`
    /// (empty when the side has no such table).
    func columnDetails(of table: String) throws -> [String: SideColumn]
    /// Readies the endpoint to write `plan`'s rows (the plan targets this side).
    func prepareTarget(_ plan: DirectionPlan) throws

    /// A number that changes whenever another connection commits to the
    /// side; cheap to read. The loop reads changes only when it moved (or
    /// when it knows more are waiting).
    func commitToken() throws -> Int
    /// Changes after `seq` in sequence order, at most `limit`. Tandem's own
    /// writes (echoes) come without their row: nothing applies them.
    func changes(after seq: Int64, limit: Int) throws -> [Change]

    /// The highest sequence number in the change log, 0 when it is empty.
    func headSeq() throws -> Int64
    /// The position just before the first change captured at or after `at`
    /// (ms since the epoch, by the side's clock); the head when none was.
    func position(before at: Double) throws -> Int64
    /// The last sequence number the change log ever gave out, which pruning
    /// never lowers (a side restored from a backup has a lower one).
    func issuedHead() throws -> Int64
    /// The time and table of the change numbered `seq`, nil once pruned: a
    /// side that numbered new changes again has another change there.
    func changeIdentity(_ seq: Int64) throws -> (at: Double, table: String)?
    /// The applications' own changes of `table` after `seq` (not Tandem's,
    /// not superseded), oldest first, at most `limit`.
    func applicationEdits(table: String, after seq: Int64, limit: Int) throws -> [Change]
    /// The current rows of `table` with the keys `keys` (values of
    /// `keyColumns`), as change rows of `columns` (the change log's form);
    /// nil where there is no such row. One read for all of them.
    func currentRows(table: String, columns: [String], keyColumns: [String], keys: [[SideValue]]) throws -> [String?]

    /// The checkpoints stored in this side: the last source change applied
    /// here, per map and source side.
    func storedCheckpoints() throws -> [CheckpointID: Int64]
    /// ``storedCheckpoints()`` and ``issuedHead()`` together, as the audit of
    /// a side that went back reads them every second (one read where the
    /// side can make it one).
    func auditFacts() throws -> (checkpoints: [CheckpointID: Int64], head: Int64)
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

    // MARK: Operator actions (errors retry|discard, conflicts resolve)

    /// The parked change `id`, nil when there is none (applied or discarded).
    func parkedChange(id: Int64) throws -> StoredParkedChange?
    /// The parked changes an operator can act on (not those behind another
    /// change of their key, nor those waiting for a conflict), of `map` or all.
    func parkedErrors(map: String?) throws -> [StoredParkedChange]
    /// Removes the parked change `id`.
    func deleteParked(id: Int64) throws
    /// Removes every parked change of `map` from `source` with `key` and
    /// returns them, oldest first.
    func discardParked(map: String, source: SideRole, key: String) throws -> [StoredParkedChange]
    /// Turns the parked change `id` into an error that an operator's retry takes.
    func markParkedError(id: Int64) throws
    /// The conflicts kept here, oldest first: the one numbered `id`, or
    /// those of `map` (all when nil) detected since `since` (ms), only the
    /// open ones when `openOnly`.
    func conflicts(id: Int64?, map: String?, since: Double?, openOnly: Bool) throws -> [StoredConflict]
    /// The parked changes kept here as `tandem errors` lists them, oldest
    /// first: the one numbered `id`, or those matching `filter`.
    func parkedRecords(id: Int64?, filter: ErrorList.Filter) throws -> [ParkedRecord]
    /// The ids of the parked changes that wait behind `record` (later changes of its key).
    func parkedBehind(_ record: ParkedRecord) throws -> [Int64]
    /// The open conflict that parked change `parkedID` waits for.
    func openConflict(parkedID: Int64) throws -> Int64?
    /// Records the decision of conflict `id`.
    func closeConflict(id: Int64, winner: String, outcome: String, by actor: String) throws
    /// Marks this side's captured edits of `key` in `table` as superseded
    /// (`note`): they lost, and never travel.
    func supersedeEdits(table: String, key: String, note: String) throws
    /// Writes an operator's merged resolution: the incoming `values` of
    /// `columns` over this side's row, as Tandem's write of `origin`, then
    /// removes the parked change `parkedID`; false when the row is gone.
    func writeMergedResolution(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, origin: String, note: String,
        parkedID: Int64
    ) throws -> Bool

    /// Applies `items` in one transaction: `body` writes them through the
    /// ``TargetTransaction``, then `checkpoints` are stored, and all of it
    /// commits together or not at all (exactly once). `fastPath`: a live
    /// batch, which the endpoint may write its fastest way when it is large
    /// (SQLite: with the capture triggers off, the echoes recorded by Tandem).
    /// `body` may run more than once: an endpoint that writes rows in bulk
    /// rolls back and runs it again row by row when the database refuses a
    /// row (PostgreSQL), so it keeps no state of a run that threw.
    func applyBatch<T>(
        _ items: [ApplyItem], checkpoints: [CheckpointID: Int64], fastPath: Bool, logger: Logger,
        _ body: (any TargetTransaction) throws -> T
    ) throws -> T

    // MARK: Initial sync row by row (the path for any pair of endpoints)

    /// The highest sequence number at or below which every change of the
    /// log is committed (a server side waits for writers in flight below
    /// the head): where live sync starts after an initial sync.
    func stableHead() throws -> Int64
    /// How many rows `table` has.
    func rowCount(table: String) throws -> Int
    /// Up to `limit` rows of `table` in the order of its `key` columns
    /// (among `columns`), after the key `after` (nil: from the first). Each
    /// row comes as its key and its values of `columns`, both as literal
    /// lists (the change log's form of ``Change/key`` and ``Change/row``).
    func rowsInKeyOrder(table: String, columns: [String], key: [String], after: String?, limit: Int) throws
        -> [(key: String, row: String)]
    /// ``rowsInKeyOrder(table:columns:key:after:limit:)`` with each row's
    /// values of `columns` as well, where the side read them as values:
    /// initial sync maps from them without parsing the literal list back.
    /// Nil values (the default's): parse the list.
    func rowValuesInKeyOrder(table: String, columns: [String], key: [String], after: String?, limit: Int) throws
        -> [(key: String, row: String, values: [SideValue]?)]
    /// The progress of `map`'s initial sync kept in this side, nil when none.
    func initialProgress(map: String) throws -> InitialProgress?
    /// Replaces the record of `progress.map` (a new run starting).
    func startInitialProgress(_ progress: InitialProgress) throws
    /// Marks the initial sync phase of `map` recorded here finished.
    func finishInitialProgress(map: String) throws

    // MARK: Monitoring (status, alert rules; on a connection of their own)

    /// The applications' changes of `table` after `seq` not applied yet:
    /// how many (only when `count`: it reads them all) and the time of the
    /// oldest (ms since 1970), nil when there is none.
    func pendingChanges(table: String, after seq: Int64, count: Bool) throws -> (queued: Int?, oldest: Double?)
    /// How many changes of `map` are parked here as errors since `since`
    /// (ms), of `errorClass` or of any class: not those behind another
    /// change of their key, nor those waiting for a parent, until they have
    /// waited `parentWait` (ms; then the parent may never come), counted
    /// from the moment they became overdue.
    func errorCount(map: String, errorClass: ErrorClass?, since: Double, parentWait: Double) throws -> Int
    /// How many changes of `map` from `source` wait here for a parent since
    /// before `parkedBefore` (ms): overdue.
    func overdueParents(map: String, source: SideRole, parkedBefore: Double) throws -> Int
    /// How many conflicts of `map` were detected here since `since` (ms).
    func conflictCount(map: String, since: Double) throws -> Int

    // MARK: Waiting

    /// Starts telling `wake` about commits the side's file does not announce
    /// (a server side: LISTEN/NOTIFY), for changes numbered above what
    /// `after` returns; nil when the side needs no watch (a SQLite file,
    /// which ``CommitWaiter`` watches). Stop it before the side goes away.
    func watchCommits(after: @escaping @Sendable () -> Int64, wake: @escaping @Sendable () -> Void) throws
        -> (any CommitWatch)?

    // MARK: Housekeeping (on the housekeeper's own connection)

    /// What pruning needs of the change log, read at once: the last number
    /// it gave out (pruning never lowers it), the captured tables, and the
    /// first change made at or after `cutoff` (ms since 1970; nil: no age).
    func pruneFacts(youngSince cutoff: Double?) throws -> (head: Int64, tables: [String], firstYoung: Int64?)
    /// Deletes up to `limit` of `table`'s changes numbered at most `floor`,
    /// oldest first, in one short transaction, and records how far the
    /// table is pruned; returns whether more remain. With nothing to delete
    /// it writes nothing (no lock taken).
    func pruneChanges(table: String, through floor: Int64, limit: Int) throws -> Bool
    /// Moves the write-ahead log into the database without blocking anyone,
    /// unless it is as `mark` left it (nothing written since). Returns the
    /// mark to pass next time, nil when the side has no such log or the
    /// move was not complete (tried again next time).
    func checkpointLog(unlessAt mark: LogMark?) throws -> LogMark?

    // MARK: Recovery of a side restored from a backup

    /// The highest sequence number of `table`'s changes pruned from the
    /// change log, 0 when none was.
    func prunedThrough(table: String) throws -> Int64
    /// How many changes of `table` after `seq` are echoes of writes that
    /// came from `origin` (applied here by Tandem, logged without a row).
    func echoes(table: String, after seq: Int64, from origin: SideRole) throws -> Int
    /// The first change of `table` numbered at most `seq` and made after
    /// `time` (ms since 1970, as ``StateStore/now`` counts), nil when there is none.
    func firstChange(table: String, through seq: Int64, after time: Double) throws -> Int64?
    /// Sets a stored checkpoint to `seq`, back as well as forward: only for
    /// a recovery, which sends changes again on purpose.
    func resetCheckpoint(_ id: CheckpointID, to seq: Int64) throws

    // MARK: Tables read whole (a transform's `$rows` config)

    /// A read-only connection of its own to the same side, for a reader
    /// that must not wait for the engine's connection.
    func openReader() throws -> any SideEndpoint
    /// Every row of `table` (values of `columns`), ordered by those columns.
    func tableRows(_ table: String, columns: [String]) throws -> [[SideValue]]

    // MARK: Comparison

    /// A chunk of `table`'s rows (values of `columns`) in an order of the
    /// side's own that new rows do not disturb, after `position` (nil: from
    /// the first), at most `limit`. Each comes with its position, to resume
    /// after; its values are nil when the side cannot read them as values.
    func scanRows(table: String, columns: [String], after position: [SideValue]?, limit: Int) throws
        -> [(position: [SideValue], values: [SideValue]?)]
    /// Opens a comparison of `plan`'s mapped rows with this side's table
    /// (the plan targets this side).
    func beginComparison(_ plan: DirectionPlan) throws -> any TargetComparison
    /// Runs `body` with a ``TargetTransaction`` inside a transaction that
    /// can only read: the engine's own reads of a target (parent rows, a
    /// row by its key) answer as they would in a batch, and any write fails
    /// and is rolled back. `tandem maps preview` decides through it, with
    /// the writes recorded instead of made (``PreviewTarget``).
    func readOnlyTarget<T>(_ body: (any TargetTransaction) throws -> T) throws -> T

    // MARK: Filters (tandem status, maps validate)

    /// How many rows of `table` the map filter `filter` (the filter
    /// language or raw SQL over the table's columns, see ``RowFilter``)
    /// leaves out.
    func rowsOutside(filter: MapFilter, table: String) throws -> Int
    /// The rows of `table` that `filter` leaves out with NULL in a column
    /// it reads, or with a value that misses one of its text literals by
    /// case or blanks only.
    func filterMisses(filter: MapFilter, table: String) throws -> FilterMisses

    // MARK: Write-through

    /// The origin half of a write through Tandem: `body` writes rows in
    /// one open transaction holding the side's write lock, marked `tag`,
    /// and commits it itself (``OriginWrite/commit()``) once the other side
    /// is ready; if `body` throws before that, nothing is kept.
    func writeThrough<T>(tag: String, _ body: (any OriginWrite) throws -> T) throws -> T
    /// Applies a write-through's `items` (see ``applyBatch(_:checkpoints:fastPath:logger:_:)``),
    /// calling `beforeCommit` after the writes and before this side commits:
    /// when it throws, this side keeps nothing. Throws ``TargetCommitFailed``
    /// when only the commit itself failed.
    func applyWriteThrough<T>(
        _ items: [ApplyItem], logger: Logger, _ body: (any TargetTransaction) throws -> T, beforeCommit: () throws -> Void
    ) throws -> T
    /// Runs `body` (the origin's write, which calls ``applyWriteThrough(_:logger:_:beforeCommit:)``
    /// on this side) with this side ready as a write-through's target: a side may begin the
    /// transaction there ahead, locking `tables` and reading each plan's pending edits after the
    /// given position, while the origin writes. What `body` did not take is rolled back.
    func withWriteThroughTarget<T>(
        tables: [String], pendingEdits: [(plan: DirectionPlan, after: Int64)], _ body: () throws -> T
    ) throws -> T
}

/// How far an initial sync got, as the side it writes keeps it (committed
/// with each chunk's rows, so that a run that dies resumes after the last).
struct InitialProgress: Equatable {
    /// The map.
    var map: String
    /// The side whose rows win.
    var master: SideRole
    /// `master` or `other` (see ``SyncEngine/InitialSyncProgress``).
    var phase: String
    /// The last key done, as a literal list; nil before the first chunk.
    var lastKey: String?
    /// Rows done in this phase.
    var done: Int
    /// Rows that differed (both phases' running totals).
    var conflicts: Int
    /// Rows parked in the error list.
    var errors: Int
    /// When the run started, ms since 1970.
    var startedAt: Double
    /// When this phase finished, nil until it did.
    var finishedAt: Double?
    /// How many rows the other side had when the run started, nil when unknown.
    var otherRows: Int?
}

/// A running watch of a side's commits (see ``SideEndpoint/watchCommits(after:wake:)``).
protocol CommitWatch: AnyObject {
    /// Stops the watch and waits for its thread to end.
    func stop()
}

/// The origin side's open transaction of a write through Tandem.
protocol OriginWrite {
    /// Writes `rows` into `table`: deletes them by `key`, or updates the
    /// columns given and inserts a row that is missing.
    func write(
        _ rows: [[String: SideValue]], operation: WriteRequest.Operation, table: String,
        columns: [(name: String, type: String)], key: [String]
    ) throws
    /// The changes capture recorded for the writes so far, with the write's tag as origin.
    func capturedChanges() throws -> [Change]
    /// Commits the origin's transaction.
    func commit() throws
}

/// The target of a write-through could not commit, after the writes
/// succeeded (and after `beforeCommit`, which committed the origin).
struct TargetCommitFailed: Error {
    /// The database's error.
    let underlying: any Error
}

/// A parked change as a side keeps it, with its id there.
struct StoredParkedChange {
    /// Its number in the side's queue.
    let id: Int64
    /// The change and why it waits.
    let parked: ParkedChange
    /// When it was first parked, ms since the epoch (the log's history keeps it).
    var parkedAt: Double = 0
    /// How often it was tried.
    var attempts: Int = 1
}

extension SideEndpoint {
    /// Nothing ahead: a SQLite side's transaction costs no exchange with a server to begin.
    func withWriteThroughTarget<T>(
        tables: [String], pendingEdits: [(plan: DirectionPlan, after: Int64)], _ body: () throws -> T
    ) throws -> T {
        try body()
    }

    func auditFacts() throws -> (checkpoints: [CheckpointID: Int64], head: Int64) {
        (try storedCheckpoints(), try issuedHead())
    }

    func rowValuesInKeyOrder(table: String, columns: [String], key: [String], after: String?, limit: Int) throws
        -> [(key: String, row: String, values: [SideValue]?)]
    {
        // A SQLite side reads `quote()` lists; parsing them is ``SyncEngine/prepare(_:parsed:)``'s
        // (a text that is not valid UTF-8 parks its row there, with the reason).
        try rowsInKeyOrder(table: table, columns: columns, key: key, after: after, limit: limit).map { ($0.key, $0.row, nil) }
    }

    /// The conflict `id`, nil when there is none.
    func conflict(id: Int64) throws -> StoredConflict? {
        try conflicts(id: id, map: nil, since: nil, openOnly: false).first
    }
}

/// A parked change as `tandem errors` shows it: the stored change, and how
/// many later changes of its key wait behind it.
struct ParkedRecord {
    /// Its number in the side's queue.
    let id: Int64
    let map: String
    /// The side it came from, as stored.
    let source: String
    let kind: String
    let errorClass: ErrorClass
    let reason: String
    let attempts: Int
    /// When it was first parked, ms since 1970.
    let parkedAt: Double
    /// The change: source sequence number, table, operation, key and row (literal lists).
    let seq: Int64
    let table: String
    let operation: String
    let key: String
    let row: String?
    /// Later changes of the same key parked behind it.
    let waiting: Int
}

/// A conflict as a side keeps it, with its id there.
struct StoredConflict {
    /// Its number in the side's list.
    let id: Int64
    /// Both versions and the decision.
    let record: ConflictRecord
    /// The parked incoming change that waits for the decision, if any.
    let parkedID: Int64?
    /// Who decided, once decided.
    let resolvedBy: String?
    /// When it was detected, ms since 1970.
    var at: Double = 0
    /// When it was decided, ms since 1970.
    var resolvedAt: Double?
}

/// Which checkpoint: the changes of `source` applied by `map`.
struct CheckpointID: Hashable {
    /// The map.
    var map: String
    /// The side the changes come from.
    var source: SideRole
}
