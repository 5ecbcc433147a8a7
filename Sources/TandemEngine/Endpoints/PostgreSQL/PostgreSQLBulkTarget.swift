import Foundation
import TandemPostgreSQL

/// The target of one chunk of initial sync's bulk path on a PostgreSQL side:
/// the ``TargetTransaction`` the apply step writes into, which holds back the
/// inserts of rows known not to be on the target and sends them with one
/// `COPY … FROM STDIN` when the chunk is done (``PostgreSQLSide/applyInitialChunk(_:_:)``).
///
/// Every decision stays the apply step's (``BatchApplier``): filters,
/// lookups, conflicts and parking run as on the row path. Only the write of
/// a row the chunk's probe found absent (``absent``) changes: instead of an
/// `INSERT … ON CONFLICT` and a savepoint each, its values are converted and
/// checked here as the row path's write does (``PostgreSQLSideValues``), row
/// by row, and a row that fails a check is refused
/// (``RowRefused``) so that the apply step parks it, as the row path's
/// write would. Everything else goes to the wrapped transaction.
final class PostgreSQLBulkTarget: TargetTransaction {
    private let inner: any TargetTransaction
    private let side: PostgreSQLSide
    /// Target keys (``DirectionPlan/targetKeyString(_:)``) that the chunk's probe found absent;
    /// a key leaves the set once written, so that a second row with it takes the ordinary write.
    /// Nil for a blind chunk: every row is copied (a key met twice fails the COPY, and the
    /// chunk is applied again, probed).
    private var absent: Set<String>?
    /// The rows held back, in COPY's text format.
    private(set) var text = ""
    /// How many rows ``text`` holds.
    private(set) var rows = 0
    /// The table and the columns the held rows go into (one plan per chunk).
    private(set) var table: String?
    private(set) var columns: [String] = []
    /// The described target columns, by plan column position (looked up once per chunk).
    private var described: [PostgreSQLColumn] = []

    /// A chunk's target: `inner` is the side's transaction, `absent` the keys that may be copied
    /// (nil: all).
    init(_ inner: any TargetTransaction, side: PostgreSQLSide, absent: Set<String>?) {
        self.inner = inner
        self.side = side
        self.absent = absent
        text.reserveCapacity(1 << 20)
    }

    func write(
        _ operation: Change.Operation, plan: DirectionPlan, values: [SideValue], oldKey: [SideValue]?, only: Set<Int>?
    ) throws {
        guard operation != .delete, oldKey == nil, table == nil || table == plan.targetTable,
            absent == nil || absent?.remove(plan.targetKeyString(values)) != nil
        else {
            return try inner.write(operation, plan: plan, values: values, oldKey: oldKey, only: only)
        }
        if table == nil {
            let all = try side.columns(of: plan.targetTable)
            described = try plan.targetColumns.map { name in
                guard let column = all.first(where: { $0.name == name }) else {
                    throw SyncError(
                        .missingTable,
                        "column \(name) is not in \(side.endpoint.config.schema).\(plan.targetTable) on \(side.location); "
                            + "add it, or fix the map")
                }
                return column
            }
            table = plan.targetTable
            columns = plan.targetColumns
        }
        // Converted and checked before anything is appended: a refused row leaves no half line.
        var fields: [String?] = []
        fields.reserveCapacity(values.count)
        for (value, column) in zip(values, described) {
            // The row path's conversion and checks (a type, a NUL byte, a numeric's scale).
            fields.append(try PostgreSQLSideValues.parameter(value, column: column, table: plan.targetTable))
        }
        for (index, field) in fields.enumerated() {
            if index > 0 { text.append("\t") }
            Self.appendField(field, to: &text)
        }
        text.append("\n")
        rows += 1
    }

    /// Appends one field of COPY's text format: `\N` for NULL; backslash, tab, newline and
    /// carriage return escaped. Text without any of them is appended as it is (the common case).
    static func appendField(_ field: String?, to text: inout String) {
        guard let field else {
            text.append("\\N")
            return
        }
        var special = false
        for byte in field.utf8 where byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            special = true
            break
        }
        guard special else {
            text.append(field)
            return
        }
        for scalar in field.unicodeScalars {
            switch scalar {
            case "\\": text.append("\\\\")
            case "\t": text.append("\\t")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            default: text.unicodeScalars.append(scalar)
            }
        }
    }

    // MARK: Everything else is the side's transaction's

    func begin(_ mode: ApplyMode) throws { try inner.begin(mode) }
    func markSource(_ source: String) throws { try inner.markSource(source) }
    func markMerge(_ note: String) throws { try inner.markMerge(note) }
    func captureNeeded() throws { try inner.captureNeeded() }
    func finish() throws { try inner.finish() }
    func parentExists(_ check: Int, of plan: DirectionPlan, values: [SideValue]) throws -> Bool {
        try inner.parentExists(check, of: plan, values: values)
    }
    func rowExists(_ plan: DirectionPlan, key: [SideValue]) throws -> Bool { try inner.rowExists(plan, key: key) }
    func writeShared(table: String, keys: [(column: String, value: SideValue)], column: String, value: SideValue) throws {
        try inner.writeShared(table: table, keys: keys, column: column, value: value)
    }
    func writeMerged(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, note: String
    ) throws -> Bool {
        try inner.writeMerged(plan, values: values, columns: columns, local: local, note: note)
    }
    func consumeWrittenMarker(source: String, seq: Int64) throws -> Bool {
        try inner.consumeWrittenMarker(source: source, seq: seq)
    }
    func markWritten(source: String, seq: Int64) throws { try inner.markWritten(source: source, seq: seq) }
    var recordedEchoes: Int { inner.recordedEchoes }
    @discardableResult
    func park(_ change: ParkedChange) throws -> Int64 { try inner.park(change) }
    func parkAgain(id: Int64, kind: String, reason: String, errorClass: ErrorClass) throws {
        try inner.parkAgain(id: id, kind: kind, reason: reason, errorClass: errorClass)
    }
    func unpark(id: Int64) throws { try inner.unpark(id: id) }
    func pendingLocalEdits(_ plan: DirectionPlan, after seq: Int64) throws -> [String: LocalEdits] {
        try inner.pendingLocalEdits(plan, after: seq)
    }
    func recordConflict(_ conflict: ConflictRecord) throws -> Int64 { try inner.recordConflict(conflict) }
    func hasConflict(map: String, targetSeq: Int64, policy: String) throws -> Bool {
        try inner.hasConflict(map: map, targetSeq: targetSeq, policy: policy)
    }
    func linkConflict(_ id: Int64, parked: Int64) throws { try inner.linkConflict(id, parked: parked) }
    func supersede(table: String, key: String, from seq: Int64, note: String) throws {
        try inner.supersede(table: table, key: key, from: seq, note: note)
    }
    func recordInitialProgress(map: String, lastKey: String, done: Int, conflicts: Int, errors: Int) throws {
        try inner.recordInitialProgress(map: map, lastKey: lastKey, done: done, conflicts: conflicts, errors: errors)
    }
}
