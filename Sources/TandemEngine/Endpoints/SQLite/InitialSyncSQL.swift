import Foundation
import GRDB

/// The statements initial sync runs for one direction plan on the target's
/// connection, with the source database attached as ``sourceSchema``: chunk
/// bounds and row reads for every plan, and, for plans that SQL can express,
/// the bulk copy.
///
/// Reading the source through `ATTACH` inside the target's write transaction
/// gives each chunk one consistent view of both sides; the bulk copy lets
/// SQLite move the rows itself (`INSERT … SELECT`) instead of printing each
/// one as a `quote()` list, parsing it back, mapping it and writing it alone.
struct InitialSyncSQL {
    /// The schema name the source database is attached under.
    static let sourceSchema = "_tandem_source"

    /// A plan's bulk form: its target columns as SQL expressions over the source row `s`.
    struct Bulk {
        /// `INSERT INTO main.T (columns) SELECT expressions FROM source AS s`, to which a `WHERE` is added.
        let insertPrefix: String
        /// The target row with the mapped key exists (`main.T AS t`).
        let onTarget: String
        /// The target row with the mapped key exists and differs in a mapped column.
        let differs: String
        /// Rows that take the row path: a lookup's parent is not on the target side, or a
        /// bundled transform's SQL form cannot map the row (nil: every row can be copied).
        let parentMissing: String?
        /// ``insertPrefix`` with the strict forms of bundled transforms, which fail the
        /// statement on a row they cannot map instead of needing a check of their own.
        let strictInsertPrefix: String
        /// For the strict copy: rows whose parent, in another table, is missing (nil: none can be).
        let strictMissing: String?
        /// Rows that refer into the map's own table (nil: the map has no such lookup). The strict
        /// copy takes them in a statement of their own: a statement that reads the table it
        /// writes makes SQLite stage every row it selects in a temporary table first.
        let ownReference: String?
        /// Rows whose reference into the map's own table finds no row there yet.
        let ownParentMissing: String?
        /// The source key position for each target key position, to turn target keys into source keys.
        let sourceKeyOfTargetKey: [Int]
    }

    let plan: DirectionPlan
    /// Nil when the plan needs the row path; ``rowPathReason`` says why.
    let bulk: Bulk?
    /// Why the plan takes the row path (nil when ``bulk`` is set).
    let rowPathReason: String?

    private let source: String
    private let keys: [String]
    private let keyList: String
    /// The filter as a condition over `s`, with its bound values (nil: no filter).
    private let filter: Condition?

    init(_ plan: DirectionPlan) {
        self.plan = plan
        source = "\(Self.sourceSchema).\(CaptureSchema.identifier(plan.sourceTable)) AS s"
        keys = plan.sourceKey.map { "s." + CaptureSchema.identifier(plan.sourceColumns[$0]) }
        keyList = keys.joined(separator: ", ")
        // The row path evaluates the filter over the stored values with no
        // column affinity (bound parameters); unary `+` drops the affinity
        // here too, so that both paths select the same rows.
        filter = plan.filter.map { filter in
            // Only the columns the filter names (a superset is harmless): each projected column costs per row.
            let words =
                filter.tree.map { Set($0.columns.map { $0.lowercased() }) }
                ?? Set(filter.expression.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map { $0.lowercased() })
            let named = plan.sourceColumns.filter { words.contains($0.lowercased()) }
            let projection = (named.isEmpty ? plan.sourceColumns : named).map {
                "+s.\(CaptureSchema.identifier($0)) AS \(CaptureSchema.identifier($0))"
            }
            // A parsed filter's values are bound (anonymous `?`, in order), never spliced.
            return Condition(
                sql: "EXISTS (SELECT 1 FROM (SELECT \(projection.joined(separator: ", "))) WHERE \(filter.condition.sql))",
                arguments: filter.condition.parameters)
        }
        var reason: String?
        var expressions: [String] = Array(repeating: "NULL", count: plan.targetColumns.count)
        var strictExpressions = expressions
        // Rows a bundled transform's SQL form cannot map: they take the row path, where the plugin runs.
        var transformRowPath: [String] = []
        // The same, for transforms without a strict form (the strict copy must check them).
        var strictRowPath: [String] = []
        for step in plan.steps {
            switch step.kind {
            case .copy(let from):
                expressions[step.targets[0]] = "s." + CaptureSchema.identifier(plan.sourceColumns[from])
                strictExpressions[step.targets[0]] = expressions[step.targets[0]]
            case .constant(let value):
                expressions[step.targets[0]] = Self.literal(value)
                strictExpressions[step.targets[0]] = expressions[step.targets[0]]
            case .transform(let sources, let types, let instance):
                let inputs = zip(sources, types).map { ("s." + CaptureSchema.identifier(plan.sourceColumns[$0]), $1) }
                if let form = BundledTransformSQL.form(name: instance.name, config: instance.config, inputs: inputs),
                    form.expressions.count == step.targets.count
                {
                    for (target, expression) in zip(step.targets, form.expressions) { expressions[target] = expression }
                    if let rows = form.rowPath { transformRowPath.append(rows) }
                    if let strict = form.strictExpressions, strict.count == step.targets.count {
                        for (target, expression) in zip(step.targets, strict) { strictExpressions[target] = expression }
                    } else {
                        for (target, expression) in zip(step.targets, form.expressions) { strictExpressions[target] = expression }
                        if let rows = form.rowPath { strictRowPath.append(rows) }
                    }
                    continue
                }
                let name = instance.name
                let columns = step.targets.map { plan.targetColumns[$0] }.joined(separator: ", ")
                reason = reason ?? "\(columns) come(s) from plugin transform \(name), which SQL cannot run"
            }
        }
        // Keys of the target's pending edits are turned back into source keys
        // to keep those rows out of the copy: the target key must be the source key, column for column.
        var sourceKeyOfTargetKey: [Int] = []
        for position in plan.sourceKey.indices {
            guard let index = plan.targetKeyFromSourceKey.firstIndex(where: { $0 == position }) else { break }
            sourceKeyOfTargetKey.append(index)
        }
        if reason == nil,
            sourceKeyOfTargetKey.count != plan.sourceKey.count || plan.targetKey.count != plan.sourceKey.count
        {
            reason = "the \(plan.direction.target) key is not a plain copy of the \(plan.direction.source) key"
        }
        // Where the source key position p feeds target key position sourceKeyOfTargetKey[p]; invert it.
        var inverse = Array(repeating: 0, count: sourceKeyOfTargetKey.count)
        for (sourcePosition, targetPosition) in sourceKeyOfTargetKey.enumerated() {
            inverse[targetPosition] = sourcePosition
        }
        rowPathReason = reason
        guard reason == nil else {
            bulk = nil
            return
        }
        let target = "main." + CaptureSchema.identifier(plan.targetTable)
        let keyMatch = plan.targetKey.map {
            "t.\(CaptureSchema.identifier(plan.targetColumns[$0])) = \(expressions[$0])"
        }
        .joined(separator: " AND ")
        let same = plan.targetColumns.indices.map {
            "t.\(CaptureSchema.identifier(plan.targetColumns[$0])) IS \(expressions[$0])"
        }
        .joined(separator: " AND ")
        // `NOT IN (SELECT …)`: SQLite builds the parent keys' index once per statement, so the check
        // costs a probe per row whatever the parent table's own indexes are.
        func missing(_ check: DirectionPlan.ParentCheck) -> String {
            let values = ([check.target] + check.companions.map(\.target)).map { expressions[$0] }
            let columns = ([check.column] + check.companions.map(\.column)).map(CaptureSchema.identifier)
            // NULL (a NULL company, or NULLs among the parent keys) counts as missing, as on the row path.
            return "(\(expressions[check.target]) IS NOT NULL AND COALESCE((\(values.joined(separator: ", "))) NOT IN "
                + "(SELECT \(columns.joined(separator: ", ")) FROM main.\(CaptureSchema.identifier(check.table))), 1))"
        }
        // The strict copy's form: values whose parent a probe found are remembered for the rest of
        // the statement (tandem_known / tandem_learn, slot = the lookup's position), so that a
        // value seen before costs no probe. Parents' values repeat from row to row.
        func cachedMissing(_ check: DirectionPlan.ParentCheck, slot: Int) -> String {
            let values = ([check.target] + check.companions.map(\.target)).map { expressions[$0] }.joined(separator: ", ")
            return "(CASE WHEN \(expressions[check.target]) IS NULL THEN 0 WHEN \(BundledTransformSQL.knownFunction)(\(slot), \(values)) THEN 0 "
                + "WHEN \(missing(check)) THEN 1 ELSE \(BundledTransformSQL.learnFunction)(\(slot), \(values)) END)"
        }
        let parents = plan.parentChecks.map(missing)
        let own = plan.parentChecks.filter { $0.table.lowercased() == plan.targetTable.lowercased() }
        let others = plan.parentChecks.enumerated().filter { $0.element.table.lowercased() != plan.targetTable.lowercased() }
            .map { $0.offset < BundledTransformSQL.lookupSlots ? cachedMissing($0.element, slot: $0.offset) : missing($0.element) }
        func any(_ terms: [String]) -> String? { terms.isEmpty ? nil : "(" + terms.joined(separator: " OR ") + ")" }
        // Text that is not valid UTF-8 is not copied byte for byte: such a row takes the row path,
        // which parks it with the column and the byte, as live sync does (every captured column, as there).
        let sourceColumns = plan.sourceColumns.map { "s." + CaptureSchema.identifier($0) }.joined(separator: ", ")
        let invalidText = "NOT \(BundledTransformSQL.validTextFunction)(\(sourceColumns))"
        let columnList = plan.targetColumns.map(CaptureSchema.identifier).joined(separator: ", ")
        bulk = Bulk(
            insertPrefix: "INSERT INTO \(target) (\(columnList)) SELECT \(expressions.joined(separator: ", ")) FROM \(source)",
            onTarget: "EXISTS (SELECT 1 FROM \(target) AS t WHERE \(keyMatch))",
            differs: "EXISTS (SELECT 1 FROM \(target) AS t WHERE \(keyMatch) AND NOT (\(same)))",
            parentMissing: any(parents + transformRowPath + [invalidText]),
            strictInsertPrefix:
                "INSERT INTO \(target) (\(columnList)) SELECT \(strictExpressions.joined(separator: ", ")) FROM \(source)",
            strictMissing: any(others + strictRowPath + [invalidText]),
            ownReference: any(own.map { "\(expressions[$0.target]) IS NOT NULL" }),
            ownParentMissing: any(own.map(missing)),
            sourceKeyOfTargetKey: inverse)
    }

    /// A chunk: the source keys after the previous chunk's last key, up to and including ``last``.
    struct Chunk {
        /// The previous chunk's last key (nil: from the first row).
        let after: String?
        /// The chunk's last key, as the change log writes keys.
        let lastText: String
        /// Source rows in the chunk.
        let rows: Int
    }

    /// The next chunk of at most `size` source rows after `after`; nil when none is left.
    ///
    /// Chunk bounds are keys as the change log writes them (`after`, ``Chunk/lastText``),
    /// put into the SQL as literals (``SQLLiteral/sqlExpressions(_:)``) rather than bound:
    /// a key that is not valid UTF-8 has no Swift string to bind, and the bound must be its
    /// exact bytes. Its statements are prepared per chunk and not cached.
    func nextChunk(after: String?, size: Int, _ db: Database) throws -> Chunk? {
        let lower = try after.map { "WHERE (\(keyList)) > (\(try SQLLiteral.sqlExpressions($0)))" } ?? ""
        let keyText = CaptureSchema.quoteList("s", plan.sourceKey.map { plan.sourceColumns[$0] })
        // A full chunk ends at its size-th key; a shorter last chunk at the highest key.
        // Through the C API: read as bytes (GRDB reads text up to its first NUL and repairs text that is not valid UTF-8).
        func first(_ sql: String) throws -> String? {
            let statement = RawStatement(try db.makeStatement(sql: sql), db)
            defer { statement.reset() }
            return try statement.step() ? statement.literals(0) : nil
        }
        if let text = try first(
            "SELECT \(keyText) FROM \(source) \(lower) ORDER BY \(keyList) LIMIT 1 OFFSET \(size - 1)")
        {
            return Chunk(after: after, lastText: text, rows: size)
        }
        guard
            let text = try first(
                "SELECT \(keyText) FROM \(source) \(lower) ORDER BY \(keys.map { "\($0) DESC" }.joined(separator: ", ")) LIMIT 1"
            )
        else { return nil }
        let counter = RawStatement(try db.makeStatement(sql: "SELECT COUNT(*) FROM \(source) \(lower)"), db)
        let count = try counter.step() ? Int(counter.int64(0)) : 0
        counter.reset()
        return Chunk(after: after, lastText: text, rows: count)
    }

    /// Source rows of the source table, for the progress total.
    func sourceRows(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(source)") ?? 0
    }

    /// Which rows of a chunk a statement takes, beyond the chunk's key range.
    struct Condition {
        var sql: String?
        var arguments: [SideValue] = []

        static let all = Condition(sql: nil)
    }

    /// `WHERE` for the chunk's range and `condition`.
    private func whereClause(_ chunk: Chunk, _ condition: Condition) throws -> (String, [SideValue]) {
        var terms: [String] = []
        var arguments: [SideValue] = []
        if let after = chunk.after {
            terms.append("(\(keyList)) > (\(try SQLLiteral.sqlExpressions(after)))")
        }
        terms.append("(\(keyList)) <= (\(try SQLLiteral.sqlExpressions(chunk.lastText)))")
        if let sql = condition.sql {
            terms.append(sql)
            arguments += condition.arguments
        }
        return ("WHERE " + terms.joined(separator: " AND "), arguments)
    }

    /// The chunk's source rows that meet `condition`, in key order, as the
    /// change log holds them: (key, row) `quote()` lists in capture order.
    func rows(_ chunk: Chunk, _ condition: Condition, _ db: Database) throws -> [(key: String, row: String)] {
        let (clause, arguments) = try whereClause(chunk, condition)
        let keyText = CaptureSchema.quoteList("s", plan.sourceKey.map { plan.sourceColumns[$0] })
        let rowText = CaptureSchema.quoteList("s", plan.sourceColumns)
        // Through the C API: GRDB binds text up to its first NUL and repairs text that is not valid UTF-8.
        let statement = RawStatement(
            try db.makeStatement(sql: "SELECT \(keyText), \(rowText) FROM \(source) \(clause) ORDER BY \(keyList)"), db)
        statement.bind(arguments)
        defer { statement.reset() }
        var result: [(key: String, row: String)] = []
        while try statement.step() { result.append((statement.literals(0) ?? "", statement.literals(1) ?? "")) }
        return result
    }

    /// Copies the chunk's rows that pass the filter and meet `condition`; returns how many it inserted.
    ///
    /// `strict` copies with the transforms' strict forms and fails the whole
    /// statement (SQLITE_CONSTRAINT, ``BundledTransformSQL/refuseFunction``)
    /// on a row that meets `failIf` or that a transform cannot map, so that
    /// each check runs once per row; `failIf` comes last in the `WHERE`, after
    /// the filter, as a `CASE` so that SQLite stops at the first term that
    /// holds. The statement runs in a savepoint: a failure leaves the chunk's
    /// transaction as it was.
    func insert(_ chunk: Chunk, _ condition: Condition, strict: Bool = false, failIf: String? = nil, _ db: Database) throws -> Int {
        guard let bulk else { return 0 }
        var (clause, arguments) = try whereClause(chunk, condition.and(filterCondition))
        if let failIf {
            clause += " AND CASE WHEN \(failIf) THEN \(BundledTransformSQL.refuseFunction)(1) ELSE 1 END"
            // What the lookup cache learnt in an earlier statement may no longer hold.
            try db.cachedStatement(sql: "SELECT \(BundledTransformSQL.forgetFunction)()").execute()
        }
        let statement = try db.makeStatement(sql: "\(strict ? bulk.strictInsertPrefix : bulk.insertPrefix) \(clause)")
        // The capture triggers record nothing for initial sync's writes (their
        // WHEN), but SQLite still enters each trigger's program for every row to
        // find that out, which cost about as much as the copy. Where the target
        // table has no triggers but Tandem's, they are off for this one
        // statement, on this connection only: applications' writes elsewhere
        // are captured as always. An application's own trigger (validation,
        // bookkeeping) keeps them all on.
        let quiet = try !CaptureSchema.tablesWithOtherTriggers(db).contains(plan.targetTable.lowercased())
        if quiet { try CaptureSchema.enableTriggers(false, db) }
        let inserted = Result { () throws -> Int in
            var count = 0
            try db.inSavepoint {
                // Through the C API: GRDB binds text up to its first NUL.
                let raw = RawStatement(statement, db)
                raw.bind(arguments)
                try raw.execute()
                count = db.changesCount
                return .commit
            }
            return count
        }
        if quiet { try CaptureSchema.enableTriggers(true, db) }
        return try inserted.get()
    }

    /// The filter, as a condition on the source row.
    var filterCondition: Condition { filter ?? .all }

    /// Source rows whose key is one of `targetKeys` (keys of the target table, in target key order).
    func keyIn(_ targetKeys: [[SideValue]]) -> Condition {
        guard let bulk, !targetKeys.isEmpty else { return .none }
        let tuple = "(\(placeholders(keys.count)))"
        return Condition(
            sql: "(\(keyList)) IN (VALUES \(Array(repeating: tuple, count: targetKeys.count).joined(separator: ", ")))",
            arguments: targetKeys.flatMap { key in bulk.sourceKeyOfTargetKey.map { key[$0] } })
    }

    private func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// `value` as an SQL literal (constants of the map go into the statement text).
    static func literal(_ value: SideValue) -> String {
        if case .real(let real) = value {
            // %.17g reads back as the same double; the cast keeps whole numbers real.
            return real.isFinite ? "CAST(\(String(format: "%.17g", real)) AS REAL)" : "NULL"
        }
        return SQLLiteral.quote(value)
    }
}

extension InitialSyncSQL.Condition {
    /// No row.
    static let none = Self(sql: "0")

    /// Whether it takes no row.
    var isNone: Bool { sql == "0" }

    /// Both conditions.
    func and(_ other: Self) -> Self {
        if isNone || other.isNone { return .none }
        guard let mine = sql else { return other }
        guard let theirs = other.sql else { return self }
        return Self(sql: "\(mine) AND \(theirs)", arguments: arguments + other.arguments)
    }

    /// This condition or `other`.
    func or(_ other: Self) -> Self {
        if isNone { return other }
        if other.isNone { return self }
        guard let mine = sql, let theirs = other.sql else { return .all }
        return Self(sql: "(\(mine) OR \(theirs))", arguments: arguments + other.arguments)
    }

    /// Not this condition.
    var negated: Self {
        if isNone { return .all }
        guard let sql else { return .none }
        return Self(sql: "NOT \(sql)", arguments: arguments)
    }

    /// A condition without arguments; nil: every row.
    init(_ sql: String?) { self.init(sql: sql) }
}
