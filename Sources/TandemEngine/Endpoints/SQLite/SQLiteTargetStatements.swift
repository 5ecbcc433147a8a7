import GRDB

/// The statements a SQLite target runs for one direction plan: reading,
/// writing and deleting a row by the map's target key. Built from the
/// plan's target table, columns and key when the side prepares the plan
/// (``SideDatabase/prepareTarget(_:)``), so the engine's plans hold no SQL.
final class SQLiteTargetStatements {
    /// `WHERE` condition on the target key, one `?` per key column.
    let keyCondition: String
    /// `SELECT` of the mapped target columns of one row by key.
    let selectSQL: String
    /// `UPDATE` of the non-key columns (``DirectionPlan/nonKey`` order), then the key.
    let updateSQL: String
    /// `INSERT` of every mapped target column.
    let insertSQL: String
    /// `DELETE` by key.
    let deleteSQL: String
    /// One-statement upsert on the target key; usable only where a unique index covers exactly the key.
    private let upsertCandidateSQL: String
    /// The upsert the engine writes with, when ``enableUpsert(_:table:)`` found it valid; otherwise UPDATE, then INSERT.
    private(set) var upsertSQL: String?
    /// Whether the target table has a rowid: an upsert into it tells an
    /// insert from an update (``RawStatement/executeUpsert()``), which a
    /// `WITHOUT ROWID` table does not.
    private(set) var targetHasRowid = false
    /// The target table, quoted.
    private let table: String

    /// The statements of `plan`'s target.
    init(_ plan: DirectionPlan) {
        let columns = plan.targetColumns
        let key = plan.targetKey.map { columns[$0] }
        table = CaptureSchema.identifier(plan.targetTable)
        let keyClause = key.map { "\(CaptureSchema.identifier($0)) = ?" }.joined(separator: " AND ")
        keyCondition = keyClause
        selectSQL = "SELECT \(columns.map(CaptureSchema.identifier).joined(separator: ", ")) FROM \(table) WHERE \(keyClause)"
        let nonKey = plan.nonKey
        let assignments = nonKey.isEmpty
            ? "\(CaptureSchema.identifier(key[0])) = \(CaptureSchema.identifier(key[0]))"
            : nonKey.map { "\(CaptureSchema.identifier(columns[$0])) = ?" }.joined(separator: ", ")
        updateSQL = "UPDATE \(table) SET \(assignments) WHERE \(keyClause)"
        insertSQL = "INSERT INTO \(table) (\(columns.map(CaptureSchema.identifier).joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
        deleteSQL = "DELETE FROM \(table) WHERE \(keyClause)"
        let conflictTarget = key.map(CaptureSchema.identifier).joined(separator: ", ")
        let upsertAction = nonKey.isEmpty
            ? "NOTHING"
            : "UPDATE SET " + nonKey.map { "\(CaptureSchema.identifier(columns[$0])) = excluded.\(CaptureSchema.identifier(columns[$0]))" }.joined(separator: ", ")
        upsertCandidateSQL = "\(insertSQL) ON CONFLICT (\(conflictTarget)) DO \(upsertAction)"
    }

    /// `SELECT` of one target row by key as its change log would hold it
    /// (the `quote()` list of `captureColumns`, the table's captured columns).
    func captureRowSQL(_ captureColumns: [String]) -> String {
        "SELECT \(CaptureSchema.quoteList(nil, captureColumns)) FROM \(table) WHERE \(keyCondition)"
    }

    /// Uses the one-statement upsert when the target table `name` has a
    /// unique index (or primary key) on exactly the key columns, which
    /// SQLite requires of `ON CONFLICT`.
    func enableUpsert(_ db: Database, table name: String) {
        upsertSQL = (try? db.makeStatement(sql: upsertCandidateSQL)) != nil ? upsertCandidateSQL : nil
        let withoutRowid = try? Bool.fetchOne(
            db, sql: "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ? COLLATE NOCASE", arguments: [name])
        targetHasRowid = withoutRowid == false
    }

    /// `SELECT 1` of a lookup's parent row, with ``DirectionPlan/ParentCheck/arguments(_:)``
    /// for its `?`s (on the parent's key, so indexed).
    static func parentSQL(_ check: DirectionPlan.ParentCheck) -> String {
        let conditions = ([check.column] + check.companions.map(\.column)).map { "\(CaptureSchema.identifier($0)) = ?" }
        return "SELECT 1 FROM \(CaptureSchema.identifier(check.table)) WHERE \(conditions.joined(separator: " AND ")) LIMIT 1"
    }
}

extension DirectionPlan {
    /// The SQLite target's statements for this plan, made when the side
    /// prepared it, or now (without the upsert) for a plan it did not.
    var sqlite: SQLiteTargetStatements {
        if let statements = targetPreparation as? SQLiteTargetStatements { return statements }
        let statements = SQLiteTargetStatements(self)
        targetPreparation = statements
        return statements
    }
}
