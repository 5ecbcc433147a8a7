import Foundation
import TandemPostgreSQL

/// A PostgreSQL side as the target of initial sync's bulk path: one read of
/// a chunk's target rows by key, and a chunk applied in one transaction whose
/// plain inserts go in with one `COPY … FROM STDIN` (``PostgreSQLBulkTarget``).
extension PostgreSQLSide {
    /// `table`'s rows (values of `columns`) for each of `keys` (values of `keyColumns`), nil where
    /// there is none, read with one statement: the row path's ``currentRows(table:columns:keyColumns:keys:)``
    /// reads one key at a time, which costs a round trip per row.
    func currentRowsByKey(table: String, columns names: [String], keyColumns: [String], keys: [[SideValue]]) throws
        -> [[SideValue]?]
    {
        guard !keys.isEmpty else { return [] }
        let columns = try self.columns(of: table)
        func described(_ name: String) throws -> PostgreSQLColumn {
            guard let column = columns.first(where: { $0.name == name }) else {
                throw SyncError(.missingTable, "column \(name) is not in \(endpoint.config.schema).\(table) on \(location)")
            }
            return column
        }
        let selected = try names.map(described)
        let keyed = try keyColumns.map(described)
        // One text[] per key column; a key no column here can hold (a NUL byte, NULL) has no row.
        var arrays = Array(repeating: [String](), count: keyed.count)
        var positions: [Int] = []
        for (position, key) in keys.enumerated() {
            guard
                let texts = try? zip(key, keyed).map({ value, column throws(RowRefused) in
                    try PostgreSQLSideValues.parameter(value, column: column, table: table)
                }), !texts.contains(where: { $0 == nil })
            else { continue }
            for (index, text) in texts.enumerated() { arrays[index].append(text!) }
            positions.append(position)
        }
        var result = [[SideValue]?](repeating: nil, count: keys.count)
        guard !positions.isEmpty else { return result }
        let aliases = keyed.indices.map { "k\($0)" }
        let sql = """
            SELECT k.ord, \(selected.map { $0.kind.readExpression("t." + PostgreSQLSQL.identifier($0.name)) }.joined(separator: ", "))
            FROM unnest(\(keyed.indices.map { "$\($0 + 1)::text[]" }.joined(separator: ", "))) WITH ORDINALITY
                AS k(\(aliases.joined(separator: ", ")), ord)
            JOIN \(name(table)) AS t ON \(zip(keyed, aliases).map { "t.\(PostgreSQLSQL.identifier($0.name)) = k.\($1)::\($0.typeName)" }.joined(separator: " AND "))
            """
        for row in try query(sql, arrays.map(Self.textArray), table: table) {
            guard let ordinal = row[0].flatMap(Int.init), ordinal >= 1, ordinal <= positions.count else { continue }
            result[positions[ordinal - 1]] = zip(row.dropFirst(), selected).map {
                PostgreSQLSideValues.sideValue(text: $0, column: $1)
            }
        }
        return result
    }

    /// A `text[]` literal of `items`, each quoted (backslash and double quote escaped).
    static func textArray(_ items: [String]) -> String {
        var out = "{"
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(",") }
            out.append("\"")
            if item.utf8.contains(0x5C) || item.utf8.contains(0x22) {
                out.append(item.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))
            } else {
                out.append(item)
            }
            out.append("\"")
        }
        return out + "}"
    }

    /// Whether `table`'s primary key is exactly `key`: a row copied over one that is there then
    /// fails the copy (a unique violation) instead of making a second row, which is what lets
    /// the bulk path copy without probing first.
    func primaryKeyIs(_ key: [String], table: String) throws -> Bool {
        let primary = try columns(of: table).filter { $0.keyPosition != nil }.map(\.name)
        return !primary.isEmpty && Set(primary) == Set(key)
    }

    /// Applies one chunk of initial sync in one transaction on this side: `body` runs the apply
    /// step into a ``PostgreSQLBulkTarget`` (made with `absent`, the target keys that may be
    /// copied; nil: every key) and records the chunk's conflicts and progress, then the rows it
    /// held back go in with one COPY, before the commit. The tables the chunk writes are locked against the
    /// applications' writes first, as ``applyBatch(_:checkpoints:fastPath:logger:_:)`` does.
    ///
    /// A COPY the server refuses rolls the whole chunk back and throws ``InitialCopyRefused``:
    /// the caller applies the chunk again, probing (a row was there already) or row by row
    /// (a row broke a constraint: the row path parks just that row).
    func applyInitialChunk<T>(
        tables: [String], absent: Set<String>?, _ body: (PostgreSQLBulkTarget) throws -> T
    ) throws -> (result: T, copied: Int) {
        try transaction { session in
            let locked = Set(tables).sorted()
            if !locked.isEmpty {
                _ = try query(session, "LOCK TABLE \(locked.map(name).joined(separator: ", ")) IN SHARE ROW EXCLUSIVE MODE")
            }
            let target = PostgreSQLBulkTarget(
                PostgreSQLTargetTransaction(side: self, session: session), side: self, absent: absent)
            let result = try body(target)
            guard let table = target.table, target.rows > 0 else { return (result, 0) }
            // The capture trigger sees the transaction's origin (initial sync's, set by the apply
            // step's begin and cleared at its finish): set again for the copy.
            _ = try query(
                session, "SELECT set_config('\(PostgreSQLCapture.originSetting)', $1, true)",
                [PostgreSQLTargetTransaction.initialSyncOrigin])
            let schema = endpoint.config.schema
            let columns = target.columns
            let text = target.text
            let quiet = try captureOff(table, session)
            do {
                try BlockingAwait.run { try await session.copyIn(schema: schema, table: table, columns: columns, text: text) }
            } catch let error as PostgreSQLError where error.sqlState.map({ $0.hasPrefix("22") || $0.hasPrefix("23") }) == true {
                throw InitialCopyRefused(alreadyThere: error.sqlState == "23505", message: error.message)
            }
            if quiet { _ = try query(session, "ALTER TABLE \(name(table)) ENABLE TRIGGER \"_tandem_capture\"") }
            _ = try query(session, "SELECT set_config('\(PostgreSQLCapture.originSetting)', '', true)")
            return (result, target.rows)
        }
    }
}

extension PostgreSQLSide {
    /// Turns the capture trigger of `table` off for the chunk's COPY, inside its transaction;
    /// true when it did (the caller turns it on again before the commit).
    ///
    /// The trigger would log every copied row as an echo, a second row written for each one
    /// (the SQLite sides' initial sync logs none either). `ALTER TABLE` is transactional: no
    /// other session ever sees the trigger off, and the lock it takes (ACCESS EXCLUSIVE) makes
    /// the applications' readers of this table, not only its writers, wait for the chunk's
    /// commit. A user who may not alter the table (not its owner) keeps the trigger on: the
    /// copy is slower, and the same.
    fileprivate func captureOff(_ table: String, _ session: PostgreSQLSession) throws -> Bool {
        _ = try query(session, "SAVEPOINT tandem_quiet")
        do {
            _ = try query(session, "ALTER TABLE \(name(table)) DISABLE TRIGGER \"_tandem_capture\"")
        } catch let error as PostgreSQLError where error.code != .connectionLost {
            _ = try query(session, "ROLLBACK TO SAVEPOINT tandem_quiet")
            return false
        }
        _ = try query(session, "RELEASE SAVEPOINT tandem_quiet")
        return true
    }
}

/// The server refused a chunk's COPY (the chunk was rolled back): a row was
/// there already (`alreadyThere`, a unique violation), or a row broke
/// another constraint or held a value its column cannot take.
struct InitialCopyRefused: Error {
    /// A unique violation: the chunk was copied without probing, and a row was on the target.
    let alreadyThere: Bool
    /// The server's words.
    let message: String
}
