import Foundation

/// Whether a map's two tables are in step, checked row by row: every source
/// row the map carries (every rowid, negative and zero included) is mapped
/// (filters and transforms included) and compared, column by column, with
/// the target row of the same key, with the target column's own type rules
/// (the target side compares: on SQLite, in a temporary table with the
/// target's column affinities, so `'100'` in an INTEGER column equals
/// `100`, as the application would read it, and as live sync would store
/// it). Beyond that
/// the comparison is byte for byte: text with its NULs, and the storage
/// class (an integer `1` differs from a text `'1'` where the target column's
/// affinity keeps them apart). Columns a `default` fills are not compared:
/// the value is the map's, not the source row's.
extension SyncEngine {
    /// The outcome of ``compare(map:)``.
    package struct MapComparison: Sendable, Encodable {
        /// The map.
        package var map: String
        /// The direction compared (ERP to CRM when the map syncs that way).
        package var direction: SyncDirection
        /// Rows in each side's table (all of them, filters aside).
        package var sourceRows: Int
        package var targetRows: Int
        /// Source rows the map carries (passing its filter).
        package var carried: Int
        /// Source rows the map's filter leaves out: never synced, and not a
        /// difference, but counted, so that a row with a NULL or a value in
        /// the wrong case in a filter column does not vanish unseen.
        package var filteredOut = 0
        /// The filter, as written, when the map has one in this direction.
        package var filter: String?
        /// Where the filter is set (`filters.erp_to_crm of plugin …`), to change it.
        package var filterOrigin: String?
        /// Up to five source keys of ``filteredOut`` rows, as the source stores them.
        package var filteredOutExamples: [String] = []
        /// Carried rows the target has with the same values.
        package var equal: Int
        /// Carried rows the target has with other values.
        package var differing: Int
        /// Carried rows the target does not have.
        package var missing: Int
        /// Target rows whose key no carried source row has (nor one the filter leaves out).
        package var onlyTarget: Int
        /// Target rows the map's other direction's filter leaves out, that
        /// no carried row has: rows the table holds for other maps (annotation
        /// holds the notes of every parent kind). Not this map's rows, so no
        /// difference; counted apart from ``onlyTarget``.
        package var otherMaps = 0
        /// That filter, as written, when ``otherMaps`` was looked for.
        package var otherMapsFilter: String?
        /// Target rows whose key only a source row the filter leaves out has:
        /// rows kept after an update moved them out of the filter's scope.
        package var outOfScope = 0
        /// The map's `out_of_scope` setting: with `keep`, ``outOfScope`` rows
        /// are meant to stay and are no difference.
        package var outOfScopePolicy: OutOfScope = .report
        /// Source rows the map cannot map (a transform or value error; they are in the error list when synced).
        package var unmappable: Int
        /// Up to five keys of each kind of difference, as the target stores them.
        package var examples: [String: [String]]
        /// For each example key of `differing`, the target columns whose values differ.
        package var differingColumns: [String: [String]] = [:]

        /// Whether both tables hold the same rows.
        package var inStep: Bool {
            differing == 0 && missing == 0 && onlyTarget == 0 && unmappable == 0
                && (outOfScope == 0 || outOfScopePolicy == .keep)
        }

        private enum CodingKeys: String, CodingKey {
            case map, direction, sourceRows, targetRows, carried, filteredOut, filter, filterOrigin, filteredOutExamples, equal,
                differing, missing, onlyTarget, otherMaps, otherMapsFilter, outOfScope, outOfScopePolicy, unmappable, examples,
                differingColumns
            case inStep
        }

        /// Encodes the counts and ``inStep``, so that scripts need not recompute it.
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(map, forKey: .map)
            try container.encode(direction, forKey: .direction)
            try container.encode(sourceRows, forKey: .sourceRows)
            try container.encode(targetRows, forKey: .targetRows)
            try container.encode(carried, forKey: .carried)
            try container.encode(filteredOut, forKey: .filteredOut)
            try container.encodeIfPresent(filter, forKey: .filter)
            try container.encodeIfPresent(filterOrigin, forKey: .filterOrigin)
            try container.encode(filteredOutExamples, forKey: .filteredOutExamples)
            try container.encode(equal, forKey: .equal)
            try container.encode(differing, forKey: .differing)
            try container.encode(missing, forKey: .missing)
            try container.encode(onlyTarget, forKey: .onlyTarget)
            try container.encode(otherMaps, forKey: .otherMaps)
            try container.encodeIfPresent(otherMapsFilter, forKey: .otherMapsFilter)
            try container.encode(outOfScope, forKey: .outOfScope)
            try container.encode(outOfScopePolicy, forKey: .outOfScopePolicy)
            try container.encode(unmappable, forKey: .unmappable)
            try container.encode(examples, forKey: .examples)
            try container.encode(differingColumns, forKey: .differingColumns)
            try container.encode(inStep, forKey: .inStep)
        }
    }

    /// Compares `map`'s tables on both sides now. Reads only; run it while
    /// the engine is between batches (or stopped) for a stable answer.
    package func compare(map name: String) throws -> MapComparison {
        try requireCompiled(name)
        return try Self.compare(name, plans: plans[name] ?? [:], sides: sides)
    }

    /// Compares map `name`'s tables on `sides`, with its compiled plans
    /// `byDirection`; reads only (``ReadOnlySides`` compares with it too).
    static func compare(
        _ name: String, plans byDirection: [SyncDirection: DirectionPlan], sides: [SideRole: any SideEndpoint]
    ) throws -> MapComparison {
        guard !byDirection.isEmpty else {
            throw SyncError(.configuration, "map '\(name)' is not enabled in this environment")
        }
        let direction: SyncDirection = byDirection[.erpToCrm] != nil ? .erpToCrm : .crmToErp
        let plan = byDirection[direction]!
        let source = sides[direction.source]!
        let comparison = try sides[direction.target]!.beginComparison(plan)
        defer { comparison.close() }
        var result = MapComparison(
            map: name, direction: direction, sourceRows: 0, targetRows: 0, carried: 0, equal: 0, differing: 0, missing: 0, onlyTarget: 0,
            unmappable: 0, examples: [:])
        result.filter = plan.filter?.expression
        result.filterOrigin = plan.filter.map { _ in plan.filterOrigin }
        result.outOfScopePolicy = plan.outOfScope
        var position: [SideValue]?
        while true {
            let rows = try source.scanRows(table: plan.sourceTable, columns: plan.sourceColumns, after: position, limit: 5000)
            guard let last = rows.last else { break }
            position = last.position
            result.sourceRows += rows.count
            var decoded: [[SideValue]] = []
            var leftOut: [[SideValue]] = []
            for row in rows {
                guard let values = row.values else {
                    result.unmappable += 1
                    continue
                }
                if let filter = plan.filter, (try? filter.passes(values)) != true {
                    result.filteredOut += 1
                    if result.filteredOutExamples.count < 5 {
                        result.filteredOutExamples.append(SQLLiteral.quoteList(plan.sourceKey.map { values[$0] }))
                    }
                    // Its target key, when the map copies it from the source key: a target row under it
                    // was kept after the row left the filter's scope.
                    let key = plan.targetKeyFromSourceKey.compactMap { $0.map { values[plan.sourceKey[$0]] } }
                    if key.count == plan.targetKey.count { leftOut.append(key) }
                    continue
                }
                decoded.append(values)
            }
            result.carried += decoded.count
            var mapped: [[SideValue]] = []
            for outcome in plan.mapRows(decoded) {
                guard case .success(let values) = outcome else {
                    result.unmappable += 1
                    continue
                }
                mapped.append(values)
            }
            try comparison.add(mapped)
            try comparison.addLeftOut(leftOut)
        }
        if let reverse = byDirection[direction == .erpToCrm ? .crmToErp : .erpToCrm], reverse.filter != nil {
            result.otherMapsFilter = reverse.filter?.expression
            try addOtherMaps(of: plan, reverse: reverse, on: sides[direction.target]!, to: comparison)
        }
        let compared = try comparison.finish()
        result.targetRows = compared.targetRows
        result.equal = compared.equal
        result.differing = compared.differing
        result.missing = compared.missing
        result.onlyTarget = compared.onlyTarget
        result.otherMaps = compared.otherMaps
        result.outOfScope = compared.outOfScope
        result.examples = compared.examples
        result.differingColumns = compared.differingColumns
        return result
    }

    /// Gives `comparison` the keys of the target table's rows that `reverse`
    /// (the map's other direction, reading that table) leaves out by its
    /// filter: a table that several maps share holds those for the others.
    private static func addOtherMaps(
        of plan: DirectionPlan, reverse: DirectionPlan, on target: any SideEndpoint, to comparison: any TargetComparison
    ) throws {
        guard let filter = reverse.filter else { return }
        // Where each of the compared plan's target key columns sits in what the reverse plan reads.
        let positions = plan.targetKey.map { reverse.sourceColumns.firstIndex(of: plan.targetColumns[$0]) }
        guard positions.allSatisfy({ $0 != nil }) else { return }
        var position: [SideValue]?
        while true {
            let rows = try target.scanRows(table: reverse.sourceTable, columns: reverse.sourceColumns, after: position, limit: 5000)
            guard let last = rows.last else { break }
            position = last.position
            let others = rows.compactMap { row -> [SideValue]? in
                guard let values = row.values, (try? filter.passes(values)) != true else { return nil }
                return positions.map { values[$0!] }
            }
            try comparison.addOtherMaps(others)
        }
    }
}
