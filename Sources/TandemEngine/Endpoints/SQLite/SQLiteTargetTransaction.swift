import Foundation
import GRDB
import Logging

/// The SQLite side of ``TargetTransaction``: writes one batch inside the
/// caller's transaction on the target's connection.
///
/// Tandem's own writes are marked by a row in `_tandem_context`, which the
/// capture triggers read (SQLite serialises writers, so the row says who is
/// writing). With `quiet` (live sync into tables with no triggers but
/// Tandem's) the triggers are off for the batch and the echoes' change-log
/// rows come from ``EchoLineage`` instead, until a conflict needs the
/// triggers (a merge is recorded by them): from there on the batch runs with
/// them.
final class SQLiteTargetTransaction: TargetTransaction {
    private let db: Database
    private let quiet: Bool
    private let logger: Logger
    private var mode = ApplyMode.live
    /// The echo rows written instead of the triggers while they are off; nil while they are on.
    private var lineage: EchoLineage?
    /// Sets the origin in `_tandem_context` (prepared once per batch).
    private var context: RawStatement?
    /// The source change the next writes apply (`erp:42`).
    private var source = ""
    private var statements: [ObjectIdentifier: PlanStatements] = [:]
    /// Echoes recorded by ``EchoLineage``, not by the triggers.
    private(set) var recordedEchoes = 0

    /// Applies a batch inside the caller's transaction on `db`; the triggers
    /// are on again when `body` returns or throws.
    static func run<T>(
        _ db: Database, quiet: Bool = false, logger: Logger, _ body: (SQLiteTargetTransaction) throws -> T
    ) throws -> T {
        let target = SQLiteTargetTransaction(db, quiet: quiet, logger: logger)
        defer { target.close() }
        return try body(target)
    }

    private init(_ db: Database, quiet: Bool, logger: Logger) {
        self.db = db
        self.quiet = quiet
        self.logger = logger
    }

    /// Whether `items` are applied with the capture triggers off, their
    /// echoes recorded by ``EchoLineage``: at least ``quietMinimum`` of them
    /// write, and none of the tables they write has an application trigger,
    /// which must run (checked per batch, so a trigger added while the engine
    /// runs counts from the next one).
    static func canApplyQuietly(_ items: [ApplyItem], _ db: Database) throws -> Bool {
        // A row that left its filter's scope may be deleted: its table counts as written too.
        let writing = items.filter { $0.mapped != nil || $0.leftScope }
        guard writing.count >= quietMinimum else { return false }
        let written = Set(writing.map { $0.plan.targetTable.lowercased() })
        return try CaptureSchema.tablesWithOtherTriggers(db).isDisjoint(with: written)
    }

    /// Turning the triggers off and on makes SQLite prepare the connection's
    /// statements again (about 0.1 ms a batch), which a small batch does not
    /// win back (about 5 µs a row): measured with `tandem bench sync` and
    /// `tandem bench write`, where one-row writes went from 0.49 to 0.79 ms.
    static let quietMinimum = 32

    /// Errors that belong to one row (the target refused it), not to the side.
    static let rowErrors: [ResultCode] = [.SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG, .SQLITE_RANGE]

    // MARK: Marking Tandem's writes

    func begin(_ mode: ApplyMode) throws {
        self.mode = mode
        try CaptureSchema.setContext(mode == .initialSync ? CaptureSchema.initialSyncOrigin : "", db)
        context = try RawStatement(sql: "UPDATE _tandem_context SET origin = ? WHERE id = 1", db)
        if quiet, mode == .live || mode == .operatorRetry {
            try CaptureSchema.enableTriggers(false, db)
            lineage = EchoLineage()
        }
    }

    func markSource(_ source: String) throws {
        self.source = source
        // Initial sync's origin stays (its writes are not recorded); with the triggers off, lineage records the origin.
        guard mode != .initialSync, lineage == nil, let context else { return }
        context.bind(source, at: 1)
        try context.execute()
    }

    func markMerge(_ note: String) throws {
        guard let context else { return }
        context.bind(note, at: 1)
        try context.execute()
    }

    func captureNeeded() throws {
        guard var recorded = lineage else { return }
        try recorded.flush(db)
        lineage = nil
        try CaptureSchema.enableTriggers(true, db)
    }

    func finish() throws {
        try lineage?.flush(db)
        try CaptureSchema.clearContext(db)
    }

    /// Turns the triggers on again if the batch turned them off.
    private func close() {
        guard lineage != nil else { return }
        lineage = nil
        do { try CaptureSchema.enableTriggers(true, db) } catch { logger.error("\(error)") }
    }

    // MARK: Rows

    /// The prepared statements one plan writes with, for one transaction.
    private struct PlanStatements {
        let update: RawStatement
        let insert: RawStatement
        let upsert: RawStatement?
        let delete: RawStatement
        let parents: [RawStatement]
        /// The row by its key, prepared on first use: only a row leaving a filter's scope needs it.
        var select: RawStatement?

        init(_ plan: DirectionPlan, _ db: Database) throws {
            update = try RawStatement(sql: plan.sqlite.updateSQL, db)
            insert = try RawStatement(sql: plan.sqlite.insertSQL, db)
            upsert = try plan.sqlite.upsertSQL.map { try RawStatement(sql: $0, db) }
            delete = try RawStatement(sql: plan.sqlite.deleteSQL, db)
            parents = try plan.parentChecks.map { try RawStatement(sql: SQLiteTargetStatements.parentSQL($0), db) }
        }
    }

    private func statements(_ plan: DirectionPlan) throws -> PlanStatements {
        let id = ObjectIdentifier(plan)
        if let prepared = statements[id] { return prepared }
        let prepared = try PlanStatements(plan, db)
        statements[id] = prepared
        return prepared
    }

    func parentExists(_ check: Int, of plan: DirectionPlan, values: [SideValue]) throws -> Bool {
        let statement = try statements(plan).parents[check]
        statement.bind(plan.parentChecks[check].arguments(values))
        defer { statement.reset() }
        return try statement.step()
    }

    func rowExists(_ plan: DirectionPlan, key: [SideValue]) throws -> Bool {
        var prepared = try statements(plan)
        if prepared.select == nil {
            prepared.select = try RawStatement(sql: plan.sqlite.selectSQL, db)
            statements[ObjectIdentifier(plan)] = prepared
        }
        let statement = prepared.select!
        statement.bind(key)
        defer { statement.reset() }
        return try statement.step()
    }

    /// `UPDATE` of the non-key target positions `positions` of one row by
    /// key, prepared once per plan and set of positions in this transaction.
    private func partialUpdate(_ plan: DirectionPlan, _ positions: [Int]) throws -> RawStatement {
        let id = PartialUpdateID(plan: ObjectIdentifier(plan), positions: positions)
        if let prepared = partialUpdates[id] { return prepared }
        let key = plan.targetKey.map { plan.targetColumns[$0] }
        // With nothing to write, the statement still tells whether the row is there.
        let assignments =
            positions.isEmpty
            ? "\(CaptureSchema.identifier(key[0])) = \(CaptureSchema.identifier(key[0]))"
            : positions.map { "\(CaptureSchema.identifier(plan.targetColumns[$0])) = ?" }.joined(separator: ", ")
        let prepared = try RawStatement(
            sql: "UPDATE \(CaptureSchema.identifier(plan.targetTable)) SET \(assignments) WHERE \(plan.sqlite.keyCondition)", db)
        partialUpdates[id] = prepared
        return prepared
    }

    /// A plan and the target positions one of its partial updates writes.
    private struct PartialUpdateID: Hashable {
        let plan: ObjectIdentifier
        let positions: [Int]
    }
    private var partialUpdates: [PartialUpdateID: RawStatement] = [:]

    func write(
        _ operation: Change.Operation, plan: DirectionPlan, values: [SideValue], oldKey: [SideValue]?, only: Set<Int>?
    ) throws {
        let write = try statements(plan)
        let keyValues = plan.targetKey.map { values[$0] }
        /// With the triggers off: the row they would have written for a row written (`changed` > 0).
        func echo(_ operation: Change.Operation, _ key: [SideValue], changed: Int) {
            guard changed > 0, lineage != nil else { return }
            lineage!.append(table: plan.targetTable, operation: operation, key: plan.keyString(key), origin: source)
            recordedEchoes += 1
        }
        do {
            switch operation {
            case .delete:
                write.delete.bind(keyValues)
                echo(.delete, keyValues, changed: try write.delete.execute())
            case .insert, .update:
                if let oldKey {
                    write.delete.bind(oldKey)
                    echo(.delete, oldKey, changed: try write.delete.execute())
                }
                if let only, operation == .update, oldKey == nil, !only.isSuperset(of: plan.nonKey) {
                    // Only the columns the source changed; a row that is not here is inserted whole.
                    let positions = plan.nonKey.filter(only.contains)
                    let update = try partialUpdate(plan, positions)
                    update.bind(positions.map { values[$0] } + keyValues)
                    let updated = try update.execute()
                    echo(.update, keyValues, changed: updated)
                    if updated == 0 {
                        write.insert.bind(values)
                        echo(.insert, keyValues, changed: try write.insert.execute())
                    }
                } else if let upsert = write.upsert, lineage == nil || plan.sqlite.targetHasRowid {
                    upsert.bind(values)
                    let (changed, inserted) = try upsert.executeUpsert()
                    echo(inserted ? .insert : .update, keyValues, changed: changed)
                } else {
                    write.update.bind(plan.nonKey.lazy.map { values[$0] } + keyValues)
                    let updated = try write.update.execute()
                    echo(.update, keyValues, changed: updated)
                    if updated == 0 {
                        write.insert.bind(values)
                        echo(.insert, keyValues, changed: try write.insert.execute())
                    }
                }
            }
        } catch let error as DatabaseError where Self.rowErrors.contains(error.resultCode) {
            // SQLite undid the failed statement only.
            throw RowRefused(message: error.message ?? "\(error)")
        }
    }

    func writeShared(table: String, keys: [(column: String, value: SideValue)], column: String, value: SideValue) throws {
        // The triggers record it, with no origin: an application's change, which the table's maps carry on.
        try captureNeeded()
        try CaptureSchema.clearContext(db)
        defer { try? CaptureSchema.setContext(source, db) }
        let conditions = keys.map { "\(CaptureSchema.identifier($0.column)) = ?" } + ["\(CaptureSchema.identifier(column)) IS NOT ?"]
        let update = try RawStatement(
            sql: "UPDATE \(CaptureSchema.identifier(table)) SET \(CaptureSchema.identifier(column)) = ? WHERE \(conditions.joined(separator: " AND "))",
            db)
        update.bind([value] + keys.map(\.value) + [value])
        do {
            _ = try update.execute()
        } catch let error as DatabaseError where Self.rowErrors.contains(error.resultCode) {
            throw RowRefused(message: error.message ?? "\(error)")
        }
    }

    func writeMerged(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, note: String
    ) throws -> Bool {
        try Self.writeMerged(plan, values: values, columns: columns, local: local, note: note, db)
    }

    /// Writes the incoming values of `columns` over the target's row, keeping
    /// the target's other columns; the target's pending edits of the key are
    /// marked with `note` (they are part of the merged row now), and the merged
    /// row is queued in the target's change log as a change of its own, so
    /// that it travels back with the target's edits. Returns false when the
    /// row is not on the target side. The caller has set the context row.
    static func writeMerged(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, note: String, _ db: Database
    ) throws -> Bool {
        let keyValues = plan.targetKey.map { values[$0] }
        let select = try RawStatement(sql: plan.sqlite.selectSQL, db)
        select.bind(keyValues)
        guard try select.step() else {
            select.reset()
            return false
        }
        var merged = plan.targetColumns.indices.map { select.value(Int32($0)) }
        select.reset()
        for (index, column) in plan.targetColumns.enumerated() where columns.contains(column) { merged[index] = values[index] }
        let update = try RawStatement(sql: plan.sqlite.updateSQL, db)
        update.bind(plan.nonKey.map { merged[$0] } + keyValues)
        try update.execute()
        try CaptureSchema.supersede(table: plan.targetTable, key: local.key, from: local.seq, note: note, db)
        let mask = plan.targetCaptureColumns.map { local.wholeRow || local.columns.contains($0) ? "1" : "0" }.joined()
        // Through the C API: GRDB binds text up to its first NUL, which would record another row.
        let record = try RawStatement(
            sql: """
                INSERT INTO _tandem_changes (tbl, op, key, row, at, origin, changed)
                SELECT ?, 'U', ?, \(CaptureSchema.quoteList(nil, plan.targetCaptureColumns)), \(CaptureSchema.nowMilliseconds), NULL, ?
                FROM \(CaptureSchema.identifier(plan.targetTable)) WHERE \(plan.sqlite.keyCondition)
                """, db)
        record.bind([.text(plan.targetTable), .text(local.key), .text(mask)] + keyValues)
        try record.execute()
        return true
    }

    // MARK: Write-through markers

    func consumeWrittenMarker(source: String, seq: Int64) throws -> Bool {
        try db.execute(sql: "DELETE FROM _tandem_written WHERE source = ? AND seq = ?", arguments: [source, seq])
        return db.changesCount > 0
    }

    func markWritten(source: String, seq: Int64) throws {
        let marker = try RawStatement(sql: "INSERT OR IGNORE INTO _tandem_written (source, seq) VALUES (?, ?)", db)
        marker.bind([.text(source), .integer(seq)])
        try marker.execute()
    }

    // MARK: Parking

    @discardableResult
    func park(_ parked: ParkedChange) throws -> Int64 {
        let change = parked.change
        try db.execute(
            sql: """
                INSERT INTO _tandem_parked (map, source, seq, tbl, op, key, row, at, kind, reason, parked_at, error_class, changed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                parked.map, parked.source, change.seq, change.table, change.operation.rawValue, change.key,
                change.row, change.at, parked.kind, parked.reason, StateStore.now, parked.errorClass.rawValue, change.changed,
            ])
        return db.lastInsertedRowID
    }

    func parkAgain(id: Int64, kind: String, reason: String, errorClass: ErrorClass) throws {
        try db.execute(
            sql: "UPDATE _tandem_parked SET reason = ?, kind = ?, error_class = ?, attempts = attempts + 1 WHERE id = ?",
            arguments: [reason, kind, errorClass.rawValue, id])
    }

    func unpark(id: Int64) throws {
        try db.execute(sql: "DELETE FROM _tandem_parked WHERE id = ?", arguments: [id])
    }

    // MARK: Conflicts

    func pendingLocalEdits(_ plan: DirectionPlan, after consumed: Int64) throws -> [String: LocalEdits] {
        var result: [String: LocalEdits] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT seq, CAST(key AS BLOB), CAST(row AS BLOB), at, op, changed FROM _tandem_changes
                    WHERE seq > ? AND tbl = ? AND origin IS NULL ORDER BY seq
                    """),
            arguments: [consumed, plan.targetTable])
        while let row = try rows.next() {
            // Key and row as bytes: GRDB would repair text that is not valid UTF-8.
            let stored = SQLLiteral.normalized(row[1] as Data? ?? Data())
            guard let values = try? SQLLiteral.parseList(stored) else { continue }
            let key = SQLLiteral.quoteList(values)
            var edits = result[key] ?? LocalEdits(seq: row[0], key: stored, row: nil, at: 0)
            edits.row = (row[2] as Data?).map(SQLLiteral.normalized)
            edits.at = row[3]
            if (row[4] as String) == "U", let columns = plan.changedCaptureColumns(row[5]) {
                edits.columns.formUnion(columns)
            } else {
                edits.wholeRow = true
            }
            result[key] = edits
        }
        return result
    }

    func recordConflict(_ conflict: ConflictRecord) throws -> Int64 {
        try Self.recordConflict(conflict, db)
    }

    /// Inserts `conflict` into the side's conflict list; returns its number.
    static func recordConflict(_ conflict: ConflictRecord, _ db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO _tandem_conflicts (map, key, policy, winner, source, source_seq, source_row, target_seq, target_row, at,
                    status, outcome, source_changed, target_changed, source_table, target_table)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                conflict.map, conflict.key, conflict.policy, conflict.winner, conflict.source, conflict.sourceSeq,
                conflict.sourceRow, conflict.targetSeq, conflict.targetRow, StateStore.now, conflict.status, conflict.outcome,
                conflict.sourceChanged, conflict.targetChanged, conflict.sourceTable, conflict.targetTable,
            ])
        return db.lastInsertedRowID
    }

    func hasConflict(map: String, targetSeq: Int64, policy: String) throws -> Bool {
        try Int.fetchOne(
            db, sql: "SELECT 1 FROM _tandem_conflicts WHERE map = ? AND target_seq = ? AND policy = ?",
            arguments: [map, targetSeq, policy]) != nil
    }

    func linkConflict(_ id: Int64, parked: Int64) throws {
        try db.execute(sql: "UPDATE _tandem_conflicts SET parked_id = ? WHERE id = ?", arguments: [parked, id])
    }

    func supersede(table: String, key: String, from seq: Int64, note: String) throws {
        try CaptureSchema.supersede(table: table, key: key, from: seq, note: note, db)
    }

    func recordInitialProgress(map: String, lastKey: String, done: Int, conflicts: Int, errors: Int) throws {
        try db.execute(
            sql: "UPDATE _tandem_initial SET last_key = ?, done = ?, conflicts = ?, errors = ? WHERE map = ?",
            arguments: [lastKey, done, conflicts, errors, map])
    }
}
