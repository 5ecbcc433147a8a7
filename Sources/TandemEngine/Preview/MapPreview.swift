import Logging
import TandemPluginHost

/// What syncing one map in one direction would do to the rows there are
/// now, found without writing anything (`tandem maps preview`): counts per
/// outcome, examples with reasons, and sample source rows beside the target
/// rows they would become.
///
/// Each row takes the engine's own path: initial sync's read in key order,
/// the map step (decoding, the filter, transforms and value maps:
/// ``SyncEngine/mapChanges(_:parsed:)``), and ``BatchApplier``'s decisions
/// (lookups and their parent rows) against a ``PreviewTarget`` that records
/// instead of writing; rows it would write are compared with the target
/// table as `tandem maps compare` compares them. So a preview cannot
/// disagree with a sync about which rows go, what they become and why
/// others wait.
package struct MapPreview: Sendable, Encodable {
    /// What becomes of one source row.
    package enum Outcome: String, Sendable, Encodable {
        /// Written: the target has no row with its key.
        case new
        /// Written over a target row with the same key and other values:
        /// initial sync keeps the master's version and records the conflict.
        case conflict
        /// The target has the row with the same values already.
        case unchanged
        /// The map's filter leaves it out: never synced, and no error.
        case filteredOut = "filtered-out"
        /// A transform, a value map or a value fails: parked in the error list.
        case unmappable
        /// A lookup's parent row is not on the target side: parked until it is.
        case waitingForParent = "waiting-for-parent"
    }

    /// One column's value, as a SQL literal (`'C1'`, `12.5`, `NULL`): exact,
    /// with its type, so that `'100'` and `100` are told apart.
    package struct Cell: Sendable, Encodable {
        /// The column's name.
        package var column: String
        /// Its value as a SQL literal.
        package var value: String
    }

    /// One source row and what it would become.
    package struct Sample: Sendable, Encodable {
        /// The source key, as a literal list.
        package var key: String
        /// What becomes of it.
        package var outcome: Outcome
        /// Why it is unmappable or waits; for a conflict, the target columns that differ.
        package var reason: String?
        /// The source row's mapped columns.
        package var source: [Cell]
        /// The target row it would become, when it maps.
        package var target: [Cell]?
    }

    /// A source key and the reason of its outcome.
    package struct Example: Sendable, Encodable {
        /// The source key, as a literal list.
        package var key: String
        /// Why: the error, the parent that is missing, the columns that differ.
        package var reason: String
    }

    /// The map's id.
    package var map: String
    /// The direction previewed.
    package var direction: SyncDirection
    /// Where the map comes from: `plugin ID`, `map file maps/NAME.yaml`, …
    package var from: String
    /// Whether tandem.yaml enables the map (if not, it is previewed with the default settings).
    package var enabled: Bool
    /// The table rows are read from, and the one they would be written to.
    package var sourceTable: String
    package var targetTable: String
    /// The filter of this direction as written, and where it is set.
    package var filter: String?
    package var filterOrigin: String?
    /// Rows in the source table.
    package var sourceRows = 0
    /// Rows the filter lets through (all of them without a filter).
    package var inScope = 0
    /// Rows the filter leaves out.
    package var filteredOut = 0
    /// Rows a transform, value map or value refuses.
    package var unmappable = 0
    /// Rows whose lookup's parent row the target side does not have.
    package var waitingForParent = 0
    /// Rows written over a target row with other values.
    package var wouldConflict = 0
    /// Rows the target does not have.
    package var new = 0
    /// Rows the target has with the same values.
    package var unchanged = 0
    /// Up to five keys of each kind, in key order (a conflict's reason names its columns).
    package var filteredOutExamples: [String] = []
    package var unmappableExamples: [Example] = []
    package var waitingExamples: [Example] = []
    package var conflictExamples: [Example] = []
    /// The first source rows in key order, whatever becomes of them.
    package var samples: [Sample] = []

    /// How many examples of each kind are kept.
    static let examples = 5
}

extension ReadOnlySides {
    /// Rows read and decided per chunk.
    private static let previewChunk = 5000

    /// Previews map `name` in `direction` (nil: each direction it syncs),
    /// with the first `limit` source rows as samples.
    package func preview(map name: String, direction requested: SyncDirection?, limit: Int) throws -> [MapPreview] {
        let resolved = try resolve(name)
        let plans = try self.plans(resolved)
        let directions = SyncDirection.allCases.filter { plans[$0] != nil && (requested == nil || requested == $0) }
        guard !directions.isEmpty else {
            let how =
                isEnabled(name) ? "direction: \(resolved.settings.direction.rawValue) in tandem.yaml" : "its fields"
            throw SyncError(
                .configuration,
                "map \(name) does not sync \(requested?.rawValue ?? "either way") (\(how)); preview --direction \(plans.keys.map(\.rawValue).sorted().joined(separator: " or "))"
            )
        }
        return try directions.map { try preview(resolved, plans[$0]!, limit: limit) }
    }

    private func preview(_ resolved: ResolvedMap, _ plan: DirectionPlan, limit: Int) throws -> MapPreview {
        let source = sides[plan.direction.source]!
        let target = sides[plan.direction.target]!
        var result = MapPreview(
            map: resolved.name, direction: plan.direction, from: Self.from(resolved.source),
            enabled: isEnabled(resolved.name), sourceTable: plan.sourceTable, targetTable: plan.targetTable)
        result.filter = plan.filter?.expression
        result.filterOrigin = plan.filter.map { _ in plan.filterOrigin }
        let sourceKey = plan.sourceKey.map { plan.sourceColumns[$0] }
        /// Samples that are written, with their mapped values: compared one by one once the whole comparison is done.
        var written: [(sample: Int, values: [SideValue])] = []
        let comparison = try target.beginComparison(plan)
        defer { comparison.close() }
        var after: String?
        while true {
            let rows = try source.rowValuesInKeyOrder(
                table: plan.sourceTable, columns: plan.sourceColumns, key: sourceKey, after: after,
                limit: Self.previewChunk)
            guard let last = rows.last else { break }
            after = last.key
            result.sourceRows += rows.count
            // The engine's map step and apply step, as initial sync runs them on these rows.
            let items = SyncEngine.mapChanges(
                rows.map { (plan, SyncEngine.initialChange(plan, key: $0.key, row: $0.row), nil) },
                parsed: rows.map(\.values))
            var applier = BatchApplier(
                direction: plan.direction, mode: .initialSync, blocked: [:], openConflict: { _, _ in nil },
                reverseCheckpoint: { _ in nil }, logger: logger)
            let decisions = try target.readOnlyTarget { reads in
                let recorder = PreviewTarget(reads: reads)
                _ = try applier.apply(items, into: recorder)
                return recorder.decisions
            }
            var next = decisions.makeIterator()
            var carried: [[SideValue]] = []
            for item in items {
                let key = item.change.key
                var sample: MapPreview.Sample?
                if result.samples.count < limit {
                    let cells = zip(plan.sourceColumns, item.sourceRow).map {
                        MapPreview.Cell(column: $0, value: SQLLiteral.quote($1))
                    }
                    sample = MapPreview.Sample(key: key, outcome: .filteredOut, source: cells)
                }
                defer { if let sample { result.samples.append(sample) } }
                guard let mapped = item.mapped else {
                    // The filter left it out (a row read whole is never an echo).
                    result.filteredOut += 1
                    if result.filteredOutExamples.count < MapPreview.examples { result.filteredOutExamples.append(key) }
                    continue
                }
                result.inScope += 1
                // One decision per mapped row, in order: the applier parks it or writes it.
                guard let decision = next.next() else {
                    throw SyncError(
                        .state,
                        "map \(plan.map): the preview lost track of key \(key); this is a bug in tandem maps preview")
                }
                switch decision {
                case .parked(let kind, let reason):
                    let example = MapPreview.Example(key: key, reason: reason)
                    if kind == "parent" {
                        result.waitingForParent += 1
                        if result.waitingExamples.count < MapPreview.examples { result.waitingExamples.append(example) }
                    } else {
                        result.unmappable += 1
                        if result.unmappableExamples.count < MapPreview.examples {
                            result.unmappableExamples.append(example)
                        }
                    }
                    sample?.outcome = kind == "parent" ? .waitingForParent : .unmappable
                    sample?.reason = reason
                case .written:
                    // Compared as mapped: a reference into the map's own table left empty for initial sync's
                    // second pass is filled in there.
                    guard case .success(let values) = mapped else { continue }
                    carried.append(values)
                    if sample != nil { written.append((result.samples.count, values)) }
                }
                if case .success(let values) = mapped, sample != nil {
                    sample?.target = zip(plan.targetColumns, values).map {
                        MapPreview.Cell(column: $0, value: SQLLiteral.quote($1))
                    }
                }
            }
            try comparison.add(carried)
        }
        let compared = try comparison.finish()
        // Closed before the samples' own comparisons below, which use the same temporary tables.
        comparison.close()
        result.new = compared.missing
        result.unchanged = compared.equal
        result.wouldConflict = compared.differing
        result.conflictExamples = (compared.examples["differing"] ?? []).map { key in
            MapPreview.Example(key: key, reason: Self.differs(compared.differingColumns[key] ?? []))
        }
        // Each written sample on its own, for its outcome and the columns that differ.
        for (index, values) in written {
            let one = try target.beginComparison(plan)
            defer { one.close() }
            try one.add([values])
            let row = try one.finish()
            if row.equal > 0 {
                result.samples[index].outcome = .unchanged
            } else if row.differing > 0 {
                result.samples[index].outcome = .conflict
                result.samples[index].reason = Self.differs(row.differingColumns.values.first ?? [])
            } else {
                result.samples[index].outcome = .new
            }
        }
        return result
    }

    /// `differs in name, creditlimit`.
    private static func differs(_ columns: [String]) -> String {
        "the target row differs in \(columns.isEmpty ? "some columns" : columns.joined(separator: ", "))"
    }

    /// Where a map comes from, with the map file's name in the environment (not its absolute path).
    static func from(_ source: MapSource) -> String {
        switch source {
        case .plugin(let plugin): "plugin \(plugin.id)"
        case .file(let file): "map file \(file.name)"
        case .override(let override, let base): "\(from(base)) overridden by map file \(override.name)"
        }
    }
}
