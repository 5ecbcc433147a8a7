import Foundation
import TandemArrow
import TandemDocuments
import TandemPluginHost

/// How one map syncs in one direction, compiled against the live tables and
/// the loaded plugins: which source columns feed which target columns, through
/// which transforms, with which filter, lookups and SQL.
final class DirectionPlan {
    /// One field map as it runs in this direction.
    struct Step {
        enum Kind {
            /// One source column, copied.
            case copy(source: Int)
            /// A constant (a field with no column on the source side).
            case constant(SideValue)
            /// Source columns through a plugin transform.
            case transform(sources: [Int], types: [ArrowType], instance: TransformInstance)
        }
        let kind: Kind
        /// Indexes into ``DirectionPlan/targetColumns``.
        let targets: [Int]
    }

    /// A lookup whose parent row must exist on the target side first.
    struct ParentCheck {
        let target: Int
        let map: String
        /// The parent's table and column on the target side (initial sync's bulk path checks them in SQL).
        let table: String
        let column: String
        /// The parent's other key columns that this row has too, with their target positions: a
        /// customer group `10` must exist in the customer's company, not in any company.
        var companions: [(target: Int, column: String)] = []
        /// For a lookup into the map itself (a customer billed to another customer): the target
        /// position of the column it refers to, so that a row referring to itself needs no parent.
        var ownColumn: Int?

        /// The values its parent-row query takes, from a mapped row: the looked-up column, then the companions.
        func arguments(_ values: [SideValue]) -> [SideValue] {
            [values[target]] + companions.map { values[$0.target] }
        }
    }

    let map: String
    let direction: SyncDirection
    /// Set in `tandem run`'s engine process: journals each transform call and
    /// keeps rows that crashed the plugin from it (see PluginCrashGuard).
    var crashGuard: PluginCrashGuard?
    /// Told of each call whose plugin host process died or hung
    /// (`isolation: process`) with the number of rows in it and whether it
    /// was one row of a batch that failed: the engine writes the activity entry.
    var hostFailed: ((_ failure: IsolatedCallFailure, _ rows: Int, _ narrowing: Bool) -> Void)?
    let sourceTable: String
    let targetTable: String
    /// The source table's columns in capture order.
    let sourceColumns: [String]
    let sourceKey: [Int]
    let targetColumns: [String]
    let targetKey: [Int]
    /// For each target key column, the source key position it is copied from (nil: computed).
    let targetKeyFromSourceKey: [Int?]
    /// Affinities of the target key columns, to predict how SQLite stores them.
    let targetKeyAffinities: [KeyAffinity]
    let steps: [Step]
    /// Target positions fed from a source column by a field that flows in
    /// this direction only (`->` in a map that syncs both ways): the source
    /// side owns them, and an edit on the target side is put back
    /// (``SyncEngine/putBackOneWayFields(_:direction:)``). A `default` is not
    /// among them: it is the value the map gives a row it makes, and a row
    /// made on the target side holds its own.
    let oneWayTargets: Set<Int>
    let filter: RowFilter?
    /// Where ``filter`` is set, to name it to a user: `filters.erp_to_crm in
    /// tandem.yaml`, or `… of plugin tandem.std.customers` for the map's own.
    let filterOrigin: String
    /// What an update that moves a row out of ``filter``'s scope does to
    /// the target's row (`out_of_scope` in tandem.yaml).
    let outOfScope: OutOfScope
    let parentChecks: [ParentCheck]

    /// A column the target row shares with the row a lookup refers to, on
    /// the target side (``Lookup/shared``): written there too when the row is.
    struct SharedWithParent {
        /// Index into ``parentChecks``: the parent row.
        let check: Int
        /// This row's target position.
        let target: Int
        /// The parent's column.
        let column: String
    }
    /// This map's columns shared with parent rows (a customer's name with its party's).
    let sharedWithParents: [SharedWithParent]

    /// Rows of another map's table on the target side that share a column
    /// with this map's target row (``Lookup/shared`` of a lookup into this
    /// map): written too when the row is (a party's customers, when it is
    /// renamed).
    struct SharedWithChild {
        let table: String
        /// The child's columns that identify this row (its lookup column
        /// first), with this plan's target positions of their values.
        let keys: [(column: String, target: Int)]
        /// The child's column.
        let column: String
        /// This plan's target position of the shared value.
        let source: Int
    }
    /// Other maps' columns shared with this map's rows.
    let sharedWithChildren: [SharedWithChild]
    let policy: ConflictPolicy
    /// With `merge`: who wins a target column both sides changed (absent: the ERP side).
    let fieldPolicies: [String: ConflictPolicy]
    /// What the target endpoint prepared for this plan (``SideEndpoint/prepareTarget(_:)``;
    /// a SQLite side: its statements). The engine never looks inside.
    var targetPreparation: AnyObject?

    init(
        map tableMap: TableMap, settings: MapSettings, direction: SyncDirection, catalog: PluginCatalog,
        source origin: MapSource, sourceTypes: [(name: String, type: String)], targetTypes: [(name: String, type: String)],
        maps: [String: TableMap], sourceSide: (any SideEndpoint)? = nil, isolation: [String: PluginIsolation] = [:]
    ) throws {
        let name = tableMap.id
        let toCRM = direction == .erpToCrm
        let source = toCRM ? tableMap.erp : tableMap.crm
        let target = toCRM ? tableMap.crm : tableMap.erp
        map = name
        self.direction = direction
        sourceTable = source.table
        targetTable = target.table
        let sourceNames = sourceTypes.map(\.name)
        sourceColumns = sourceNames
        let place = "map \(name) (\(direction))"
        func sourceIndex(_ column: String) throws -> Int {
            guard let index = sourceNames.firstIndex(of: column) else {
                throw SyncError(.configuration, "\(place): column '\(column)' is not in \(direction.source) table \(source.table)")
            }
            return index
        }
        let sourceKey = try source.key.map(sourceIndex)
        self.sourceKey = sourceKey
        let targetNames = Set(targetTypes.map(\.name))

        var targetColumns: [String] = []
        func targetIndex(_ column: String) throws -> Int {
            guard targetNames.contains(column) else {
                throw SyncError(.configuration, "\(place): column '\(column)' is not in \(direction.target) table \(target.table)")
            }
            if let index = targetColumns.firstIndex(of: column) { return index }
            targetColumns.append(column)
            return targetColumns.count - 1
        }
        var steps: [Step] = []
        var oneWayTargets: Set<Int> = []
        var parentChecks: [ParentCheck] = []
        /// For each parent check, the parent's key columns besides the looked-up one.
        var parentKeys: [[String]] = []
        /// For each parent check, the lookup's `match` pairs on the target side (this map's column: the parent's).
        var parentMatches: [[String: String]] = []
        /// This map's columns shared with a parent: (parent check, this map's column, the parent's column).
        var sharedPairs: [(check: Int, own: String, parent: String)] = []
        for field in tableMap.fields {
            let flows = field.direction == .both || (field.direction == .erpToCrm) == toCRM
            let sourceRef = toCRM ? field.erp : field.crm
            guard flows, let targetRef = toCRM ? field.crm : field.erp else { continue }
            let targets = try targetRef.columns.map(targetIndex)
            if field.direction != .both, sourceRef != nil { oneWayTargets.formUnion(targets) }
            if let transform = field.transform {
                guard let sourceRef else {
                    throw SyncError(.configuration, "\(place): transform \(transform.name) has no source column")
                }
                guard let provider = catalog.transform(transform.name) else {
                    throw SyncError(
                        .configuration,
                        "\(place): transform '\(transform.name)' is not provided by any loaded plugin; `tandem plugins list` shows what loaded")
                }
                let sources = try sourceRef.columns.map(sourceIndex)
                let types = sources.map { ValueConversion.arrowType(declared: sourceTypes[$0].type) }
                let config = TransformInstance.config(of: field, direction)
                let schema = Schema(zip(sourceRef.columns, types).map { Field($0, $1) })
                let instance = try TransformInstance(
                    name: transform.name, plugin: provider.plugin, config: config, input: schema, source: sourceSide,
                    sourceColumns: { table in try sourceSide?.columnTypes(of: table).map(\.name) ?? [] },
                    place: place, isolation: isolation[provider.plugin.id] ?? PluginIsolation())
                guard instance.processor.outputSchema.fields.count == targets.count else {
                    throw SyncError(
                        .configuration,
                        "\(place): transform \(transform.name) returns \(instance.processor.outputSchema.fields.count) columns for \(targets.count) target columns")
                }
                steps.append(Step(kind: .transform(sources: sources, types: types, instance: instance), targets: targets))
            } else if let sourceRef {
                guard sourceRef.columns.count == 1, targets.count == 1 else {
                    throw SyncError(.configuration, "\(place): several columns need a transform to combine or split them")
                }
                steps.append(Step(kind: .copy(source: try sourceIndex(sourceRef.columns[0])), targets: targets))
                if let lookup = field.lookup, let parent = maps[lookup.map], let column = toCRM ? lookup.crm : lookup.erp {
                    let parentTable = toCRM ? parent.crm.table : parent.erp.table
                    parentChecks.append(ParentCheck(target: targets[0], map: lookup.map, table: parentTable, column: column))
                    parentKeys.append((toCRM ? parent.crm.key : parent.erp.key).filter { $0 != column })
                    parentMatches.append((toCRM ? lookup.match?.crm : lookup.match?.erp) ?? [:])
                    for (own, parentColumn) in ((toCRM ? lookup.shared?.crm : lookup.shared?.erp) ?? [:]).sorted(by: { $0.key < $1.key }) {
                        sharedPairs.append((parentChecks.count - 1, own, parentColumn))
                    }
                }
            } else {
                steps.append(Step(kind: .constant(ValueConversion.sideValue(field.defaultValue ?? .null)), targets: targets))
            }
        }
        for index in parentChecks.indices {
            if parentChecks[index].map == name { parentChecks[index].ownColumn = targetColumns.firstIndex(of: parentChecks[index].column) }
            // The lookup's `match` pairs first, then each other parent key column this row has under the same name.
            var companions: [(target: Int, column: String)] = []
            for (own, parentColumn) in parentMatches[index].sorted(by: { $0.key < $1.key }) {
                guard let position = targetColumns.firstIndex(of: own) else {
                    throw SyncError(
                        .configuration,
                        "\(place): the lookup into map \(parentChecks[index].map) matches column '\(own)', which no field writes to \(target.table) in this direction")
                }
                companions.append((target: position, column: parentColumn))
            }
            let matched = Set(companions.map(\.column))
            companions += parentKeys[index].filter { !matched.contains($0) }.compactMap { column in
                targetColumns.firstIndex(of: column).map { (target: $0, column: column) }
            }
            parentChecks[index].companions = companions
        }
        self.targetColumns = targetColumns
        // A column another field reads the other way is not owned by this side: a CRM edit of
        // `isdocument` travels to F&O as the attachment's type (and comes back the same), so
        // putting it back would undo an edit the map carries, and report it as a conflict.
        let readBack = Set(
            tableMap.fields.filter { $0.direction == .both || ($0.direction == .erpToCrm) != toCRM }
                .flatMap { (toCRM ? $0.crm : $0.erp)?.columns ?? [] })
        self.oneWayTargets = oneWayTargets.filter { !readBack.contains(targetColumns[$0]) }
        let targetKey = try target.key.map { column in
            guard let index = targetColumns.firstIndex(of: column) else {
                throw SyncError(
                    .configuration,
                    "\(place): key column '\(column)' of \(target.table) is not mapped in this direction; make its field '<->' or set the map's direction")
            }
            return index
        }
        self.targetKey = targetKey
        targetKeyFromSourceKey = targetKey.map { targetPosition in
            for step in steps {
                if case .copy(let from) = step.kind, step.targets == [targetPosition] { return source.key.firstIndex(of: sourceTypes[from].name) }
            }
            return nil
        }
        targetKeyAffinities = target.key.map { column in KeyAffinity(declared: targetTypes.first { $0.name == column }?.type ?? "") }
        self.steps = steps
        self.parentChecks = parentChecks
        // Only columns this direction writes: a shared column flowing the other way only is not this plan's to keep.
        sharedWithParents = sharedPairs.compactMap { pair in
            targetColumns.firstIndex(of: pair.own).map { SharedWithParent(check: pair.check, target: $0, column: pair.parent) }
        }
        var children: [SharedWithChild] = []
        for (childName, child) in maps.sorted(by: { $0.key < $1.key }) {
            let childTable = toCRM ? child.crm : child.erp
            let childColumns = Set(child.fields.flatMap { (toCRM ? $0.crm : $0.erp)?.columns ?? [] })
            for field in child.fields {
                guard let lookup = field.lookup, lookup.map == name,
                    let shared = toCRM ? lookup.shared?.crm : lookup.shared?.erp,
                    let lookupColumn = (toCRM ? field.crm : field.erp)?.columns.first,
                    let parentColumn = toCRM ? lookup.crm : lookup.erp,
                    let keyTarget = targetColumns.firstIndex(of: parentColumn)
                else { continue }
                // The child row names this row by the looked-up column and, for this map's other key columns, the
                // child's `match` columns or its columns of the same name (its company).
                let match = (toCRM ? lookup.match?.crm : lookup.match?.erp) ?? [:]
                var keys = [(column: lookupColumn, target: keyTarget)]
                for keyColumn in target.key where keyColumn != parentColumn {
                    guard let position = targetColumns.firstIndex(of: keyColumn) else { continue }
                    if let own = match.first(where: { $0.value == keyColumn })?.key {
                        keys.append((own, position))
                    } else if childColumns.contains(keyColumn) {
                        keys.append((keyColumn, position))
                    }
                }
                for (own, parentSide) in shared.sorted(by: { $0.key < $1.key }) {
                    guard let source = targetColumns.firstIndex(of: parentSide), childName != name else { continue }
                    children.append(SharedWithChild(table: childTable.table, keys: keys, column: own, source: source))
                }
            }
        }
        sharedWithChildren = children
        policy = settings.conflictPolicy ?? tableMap.conflictPolicy ?? .erpWins
        // Field policies name a column of either side; here they apply to this direction's target columns.
        var fieldPolicies: [String: ConflictPolicy] = [:]
        for (column, chosen) in settings.fieldPolicies {
            let fields = tableMap.fields.filter { ($0.erp?.columns ?? []).contains(column) || ($0.crm?.columns ?? []).contains(column) }
            guard !fields.isEmpty else {
                let known = tableMap.fields.flatMap { ($0.erp?.columns ?? []) + ($0.crm?.columns ?? []) }
                throw SyncError(
                    .configuration, "map \(name): field_policies names '\(column)', which no field of the map has (columns: \(known.joined(separator: ", ")))")
            }
            for field in fields { for target in (toCRM ? field.crm : field.erp)?.columns ?? [] { fieldPolicies[target] = chosen } }
        }
        self.fieldPolicies = fieldPolicies
        let mapFilter = MapFilter.of(map: tableMap, settings: settings, toCRM: toCRM, mapSource: "\(origin)")
        filter = try mapFilter.map { try RowFilter(filter: $0, columns: sourceTypes.map(\.name), context: place) }
        if let filter, filter.tree != nil {
            // A parsed filter knows exactly which columns it reads.
            filterColumns = sourceNames.indices.filter { filter.columns.contains(sourceNames[$0]) }
        } else {
            let expression = filter?.expression.lowercased()
            filterColumns = sourceNames.indices.filter { expression?.contains(sourceNames[$0].lowercased()) == true }
        }
        filterOrigin = mapFilter?.origin ?? "filters.\(toCRM ? "erp_to_crm" : "crm_to_erp") of \(origin)"
        outOfScope = settings.outOfScope

        nonKey = targetColumns.indices.filter { !targetKey.contains($0) }
    }

    /// Target positions a transform fills with exact decimals (money, quantities), where `2500.00` and `2500.0000000000` are one value.
    var decimalTargets: Set<Int> {
        var result: Set<Int> = []
        for step in steps {
            guard case .transform(_, _, let instance) = step.kind else { continue }
            for (position, field) in instance.processor.outputSchema.fields.enumerated() {
                if case .decimal128 = field.type, position < step.targets.count { result.insert(step.targets[position]) }
            }
        }
        return result
    }

    /// Target positions a field's `default` fills (no source column in this
    /// direction): the value is the map's, not the source row's, so a row
    /// made on the target side may hold another one and still be in step.
    var defaultTargets: Set<Int> {
        var result: Set<Int> = []
        for step in steps {
            if case .constant = step.kind { result.formUnion(step.targets) }
        }
        return result
    }

    /// Whether an update whose changed-column mask is `mask` (one `0`/`1`
    /// per source column, in capture order) changed a column the filter
    /// reads: only such an update can move a row out of the filter's scope.
    /// Without a mask, or with one of another length, it may have.
    func changesFilterColumn(_ mask: String?) -> Bool {
        guard let filter, let mask, mask.utf8.count == sourceColumns.count else { return true }
        return zip(sourceColumns, mask.utf8).contains { $1 == UInt8(ascii: "1") && filter.columns.contains($0) }
    }

    /// Target positions that are not key columns, in UPDATE order.
    let nonKey: [Int]

    /// The target table's captured columns in capture order (its change-log rows and masks use this order).
    private(set) var targetCaptureColumns: [String] = []

    /// Records the target table's capture column order.
    func setTargetCaptureColumns(_ columns: [String]) {
        targetCaptureColumns = columns
    }

    /// The target columns an update of the source changed, from its capture
    /// mask; nil when unknown (inserts, deletes, changes captured before masks).
    func changedTargetColumns(_ mask: String?) -> Set<String>? {
        guard let mask else { return nil }
        return Set(targets(fedBy: Self.changedSources(mask)).map { targetColumns[$0] })
    }

    /// Whether the capture mask's flag for each source position says changed.
    private static func changedSources(_ mask: String) -> (Int) -> Bool {
        let flags = Array(mask.utf8)
        return { source in source < flags.count && flags[source] == UInt8(ascii: "1") }
    }

    /// The target positions of the steps that read a source position `changed` accepts.
    private func targets(fedBy changed: (Int) -> Bool) -> Set<Int> {
        var result: Set<Int> = []
        for step in steps {
            let sources: [Int]
            switch step.kind {
            case .copy(let source): sources = [source]
            case .transform(let inputs, _, _): sources = inputs
            case .constant: sources = []
            }
            if sources.contains(where: changed) { result.formUnion(step.targets) }
        }
        return result
    }

    /// The non-key target positions an update of the source writes: those fed
    /// by a source column its capture mask marks as changed. A column the
    /// source did not change is never rewritten, not even with the same value
    /// in another form (a date-effectivity transform turns an empty valid-to
    /// into `2154-12-31T23:59:59`, which would overwrite an ERP's NULL or
    /// `2154-12-31`), and a `default` is written when the row is made, not at
    /// every update. Nil (the whole row): an insert or delete, an update
    /// captured without a mask, or one that changed a column the filter reads
    /// (the row may come back into the filter's scope with columns it missed
    /// while it was out), or a write through Tandem (which puts its row on
    /// both sides as it is).
    func writtenTargets(_ change: Change) -> Set<Int>? {
        guard change.operation == .update, !change.isWriteThrough, let mask = change.changed else { return nil }
        let changed = Self.changedSources(mask)
        if filterColumns.contains(where: changed) { return nil }
        return targets(fedBy: changed).subtracting(targetKey)
    }

    /// Source positions whose names the filter's expression mentions (a
    /// superset of the columns it reads: a name inside a string literal
    /// counts too, which only makes an update write its whole row).
    let filterColumns: [Int]

    /// The source columns a source-side capture mask marks as changed.
    func changedSourceColumns(_ mask: String) -> Set<String> {
        Set(zip(sourceColumns, mask.utf8).filter { $0.1 == UInt8(ascii: "1") }.map(\.0))
    }

    /// The columns a target-side capture mask marks as changed; nil when unknown.
    func changedCaptureColumns(_ mask: String?) -> Set<String>? {
        guard let mask else { return nil }
        return Set(zip(targetCaptureColumns, mask.utf8).filter { $0.1 == UInt8(ascii: "1") }.map(\.0))
    }

    /// Maps decoded source rows to target rows. A row that fails (bad value,
    /// plugin error) gets its error; the others are unaffected.
    func mapRows(_ rows: [[SideValue]]) -> [Result<[SideValue], SyncError>] {
        // Rows are filled in place, step by step; a failed row keeps its first error.
        var output = Array(repeating: Array(repeating: SideValue.null, count: targetColumns.count), count: rows.count)
        var errors: [SyncError?] = Array(repeating: nil, count: rows.count)
        for step in steps {
            switch step.kind {
            case .copy(let source):
                let target = step.targets[0]
                for index in rows.indices where source < rows[index].count { output[index][target] = rows[index][source] }
            case .constant(let value):
                let target = step.targets[0]
                for index in rows.indices { output[index][target] = value }
            case .transform(let sources, let types, let instance):
                runTransform(rows, sources: sources, types: types, instance: instance, targets: step.targets, into: &output, errors: &errors)
            }
        }
        return rows.indices.map { index in errors[index].map { .failure($0) } ?? .success(output[index]) }
    }

    private func runTransform(
        _ rows: [[SideValue]], sources: [Int], types: [ArrowType], instance: TransformInstance,
        targets: [Int], into output: inout [[SideValue]], errors: inout [SyncError?]
    ) {
        let name = instance.name
        do {
            try instance.refresh()
        } catch {
            // The tables a transform reads no longer make a valid config: its rows fail (and are retried), nothing is guessed.
            let failure = error as? SyncError ?? SyncError(.plugin, "transform \(name): \(error)")
            for index in rows.indices where errors[index] == nil { errors[index] = failure }
            return
        }
        let processor = instance.processor
        // Convert the inputs; a row whose value does not fit fails alone.
        var included: [Int] = []
        var columns: [[Value]] = Array(repeating: [], count: sources.count)
        for index in rows.indices where errors[index] == nil {
            do {
                var converted: [Value] = []
                for (position, source) in sources.enumerated() {
                    let value = source < rows[index].count ? rows[index][source] : .null
                    do {
                        converted.append(try ValueConversion.arrowValue(value, as: types[position]))
                    } catch {
                        throw SyncError(.badValue, "column \(sourceColumns[source]): \(error.message)")
                    }
                }
                for (position, value) in converted.enumerated() { columns[position].append(value) }
                included.append(index)
            } catch let error as SyncError {
                errors[index] = error
            } catch {
                errors[index] = SyncError(.badValue, "\(error)")
            }
        }
        guard !included.isEmpty else { return }
        func process(_ count: Int, _ columnValues: [[Value]]) throws -> RecordBatch {
            let batch = try RecordBatch(
                zip(processor.inputSchema.fields, columnValues).map { field, values in try Column(field, values: values) },
                rowCount: count)
            return try processor.process(batch)
        }
        func store(_ result: RecordBatch, row: Int, index: Int) {
            for (position, target) in targets.enumerated() {
                output[index][target] = ValueConversion.sideValue(result.columns[position][row])
            }
        }
        // In `tandem run`, each call is journaled first (the source keys of its rows), so that a crash
        // in the plugin costs the row it crashed on (PluginCrashGuard).
        let keys: [String] =
            crashGuard == nil
            ? [] : included.map { index in SQLLiteral.quoteList(sourceKey.map { $0 < rows[index].count ? rows[index][$0] : .null }) }
        let scope = PluginCrashGuard.scope(map, direction.rawValue, name)
        func singleKey(_ index: Int) -> String {
            SQLLiteral.quoteList(sourceKey.map { $0 < rows[index].count ? rows[index][$0] : .null })
        }
        func journaled<T>(_ positions: [Int], narrowing: Bool, _ call: () throws -> T) rethrows -> T {
            guard let crashGuard else { return try call() }
            let record = crashGuard.journal.begin(
                PluginCallJournal.Entry(
                    plugin: instance.pluginID, transform: name, map: map, direction: direction.rawValue,
                    keys: positions.map { keys[$0] }, narrowing: narrowing))
            defer { crashGuard.journal.end(record) }
            return try call()
        }
        // Runs the rows at `positions` (of `included`) as one batch, or one by one if the batch fails.
        func run(_ positions: [Int], narrowing: Bool = false) {
            guard !positions.isEmpty else { return }
            let whole = positions.count == included.count
            let values = whole ? columns : columns.map { column in positions.map { column[$0] } }
            do {
                let result = try journaled(positions, narrowing: narrowing) { try process(positions.count, values) }
                for (row, position) in positions.enumerated() { store(result, row: row, index: included[position]) }
                return
            } catch let failure as IsolatedCallFailure {
                hostFailed?(failure, positions.count, false)
            } catch {
                // Found again row by row below, where each row gets its own error.
            }
            // The batch failed: run the rows one by one so that only the bad ones fail.
            for position in positions {
                let index = included[position]
                do {
                    let result = try journaled([position], narrowing: narrowing) {
                        try process(1, columns.map { [$0[position]] })
                    }
                    store(result, row: 0, index: index)
                } catch let failure as IsolatedCallFailure {
                    // The plugin host process died or hung on this row alone: the engine is unharmed, the row is parked.
                    hostFailed?(failure, 1, true)
                    errors[index] = SyncError(.plugin, failure.reason(key: singleKey(index)))
                } catch {
                    errors[index] = TransformFailure.error(
                        error, transform: name, columns: sources.map { sourceColumns[$0] },
                        values: sources.map { $0 < rows[index].count ? rows[index][$0] : .null })
                }
            }
        }
        guard let crashGuard else { return run(Array(included.indices)) }
        // A row the plugin crashed on is parked, never given to it again; rows of a batch that crashed
        // run in halves, after the others, so that a crash again narrows them down.
        var others: [Int] = []
        var suspected: [Int] = []
        let suspects = crashGuard.suspects(scope)
        for position in included.indices {
            if let reason = crashGuard.culprit(scope, key: keys[position]) {
                errors[included[position]] = SyncError(.plugin, reason)
            } else if suspects.contains(keys[position]) {
                suspected.append(position)
            } else {
                others.append(position)
            }
        }
        run(others)
        guard !suspected.isEmpty else { return }
        let middle = (suspected.count + 1) / 2
        run(Array(suspected[..<middle]), narrowing: true)
        run(Array(suspected[middle...]), narrowing: true)
        // Both halves came back: the crash did not happen again with these rows.
        crashGuard.cleared(scope)
    }

    /// The target key of mapped `values`, normalised to how SQLite stores it
    /// (so that it compares with the target's own change-log keys).
    func targetKeyString(_ values: [SideValue]) -> String {
        keyString(targetKey.map { values[$0] })
    }

    /// Target key values (in key order) as the target's change log holds them.
    func keyString(_ keyValues: [SideValue]) -> String {
        SQLLiteral.quoteList(zip(keyValues, targetKeyAffinities).map { $1.apply($0) })
    }

    /// How a key column converts values it stores (SQLite's affinity rules, as far as keys need them).
    enum KeyAffinity {
        case integer, numeric, text, none

        init(declared: String) {
            let type = declared.uppercased()
            if type.contains("INT") {
                self = .integer
            } else if type.contains("CHAR") || type.contains("TEXT") || type.contains("CLOB") {
                self = .text
            } else if type.hasPrefix("NUMERIC") || type.hasPrefix("DECIMAL") {
                self = .numeric
            } else {
                self = .none
            }
        }

        /// The value as a column of this affinity would store it.
        func apply(_ value: SideValue) -> SideValue {
            switch (self, value) {
            case (.integer, .text(let text)), (.numeric, .text(let text)):
                if let integer = Int64(text) { return .integer(integer) }
                return value
            case (.text, .integer(let integer)):
                return .text(String(integer))
            case (.integer, .real(let real)):
                if real == real.rounded(), abs(real) < 9e18 { return .integer(Int64(real)) }
                return value
            default:
                return value
            }
        }
    }
}
