import Foundation

/// Synchronous write-through: both sides commit, or neither keeps the write.
extension SyncEngine {
    /// For the crash test: `TANDEM_FAULT=kill-between-commits` kills the
    /// process after the first side's commit and before the second's.
    private static let killBetweenCommits = ProcessInfo.processInfo.environment["TANDEM_FAULT"] == "kill-between-commits"

    /// Writes `request.rows` to `request.side` and, through every running map
    /// that reads the table, to the other side, before returning: both sides
    /// commit, or neither keeps the write and the error names the key, the
    /// field and the reason. Call it on the thread that runs the engine (the
    /// CLI queues it as a request), or while no engine runs.
    ///
    /// The origin side commits first. If the process dies before the other
    /// side commits, the origin's change log still holds the rows (with
    /// origin `write:...`), and the engine applies them from there: a marker
    /// written with the other side's commit tells it whether it must.
    package func write(_ request: WriteRequest) throws -> WriteResult {
        let start = ContinuousClock.now
        _ = try refreshMapStates()
        let direction = SyncDirection(from: request.side)
        let readers = maps.compactMap { map in plans[map.name]?[direction].flatMap { $0.sourceTable == request.table ? ($0, map.name) : nil } }
        guard !readers.isEmpty else {
            let tables = Set(maps.compactMap { plans[$0.name]?[direction]?.sourceTable }).sorted()
            throw SyncError(
                .configuration,
                "no enabled map syncs \(request.side) table '\(request.table)' to the \(direction.target) side (tables that do: \(tables.joined(separator: ", ")))")
        }
        for (_, name) in readers where states[name]?.isActive != true {
            let state = states[name] ?? .notRunning
            throw SyncError(
                .state,
                "map \(name) is \(state.rawValue), so the write would not reach the \(direction.target) side; `tandem maps \(state == .paused ? "resume" : "run") \(name)` first")
        }
        let plan = readers[0].0
        let origin = endpoint(request.side)
        let target = endpoint(direction.target)
        if writeColumns[request.table] == nil { writeColumns[request.table] = try origin.columnTypes(of: request.table) }
        let columns = writeColumns[request.table]!
        let key = plan.sourceKey.map { plan.sourceColumns[$0] }
        try request.validate(columns: columns, key: key)
        let tag = "write:\(UUID().uuidString.prefix(12).lowercased())"
        var filtered: [(plan: DirectionPlan, keys: [String])] = []
        var carried = 0
        var captured = 0
        // The target may begin its transaction (lock, pending edits) while the origin writes;
        // the positions are the ones the apply step reads pending edits after.
        let reverse = makeApplier(direction: direction, mode: .writeThrough).reverseCheckpoint
        let pendingEdits = readers.compactMap { reader in reverse(reader.0).map { (plan: reader.0, after: $0) } }
        try target.withWriteThroughTarget(tables: readers.map(\.0.targetTable), pendingEdits: pendingEdits) {
            try origin.writeThrough(tag: tag) { write in
                try write.write(request.rows, operation: request.operation, table: request.table, columns: columns, key: key)
                let changes = try write.capturedChanges()
                captured = changes.count
                let items = prepare(readers.flatMap { reader in changes.map { (reader.0, $0, nil) } })
                // An item left unmapped without an error is one the map's filter left out (a
                // write has no echoes): saying "wrote" for it claimed a row the other side lacks.
                (filtered, carried) = Self.filteredOut(items, readers: readers.map(\.0), changes: changes.count)
                do {
                    // A new applier per run: the target may roll back and run the body again.
                    _ = try target.applyWriteThrough(items, logger: logger, {
                        var applier = makeApplier(direction: direction, mode: .writeThrough)
                        return try applier.apply(items, into: $0)
                    }) {
                        // The origin commits first: from here on the change log can always repair the other side.
                        try write.commit()
                        if Self.killBetweenCommits { kill(getpid(), SIGKILL) }
                    }
                } catch let failed as TargetCommitFailed {
                    throw SyncError(
                        .database,
                        "the \(request.side) side committed the write but the \(direction.target) side could not (\(failed.underlying)); the engine applies it from the change log")
                }
            }
        }
        // Both sides changed through this engine's own connections, which
        // `data_version` does not report: read both (the origin's changes consume the markers).
        dirty[request.side] = true
        dirty[direction.target] = true
        // The maps that carried at least one row, and the keys that no map carried.
        let reached = readers.filter { reader in
            !filtered.contains { $0.plan === reader.0 && $0.keys.count == captured }
        }
        let nowhere =
            filtered.count == readers.count
            ? filtered.map { Set($0.keys) }.reduce(Set(filtered[0].keys)) { $0.intersection($1) } : []
        return WriteResult(
            rows: request.rows.count, origin: "\(request.side).\(request.table)", carried: carried,
            targets: reached.map { "\(direction.target).\($0.0.targetTable)" }, maps: reached.map(\.1),
            leftOut: filtered.map { plan, keys in
                WriteResult.LeftOut(
                    map: plan.map, target: "\(direction.target).\(plan.targetTable)",
                    filter: plan.filter?.expression ?? "", filterOrigin: plan.filterOrigin, keys: keys,
                    onlyOrigin: keys.allSatisfy(nowhere.contains))
            },
            milliseconds: (ContinuousClock.now - start).timeInterval * 1000)
    }

    /// Per reader, the keys its filter left out of `items` (one item per
    /// reader and change, readers in order), and how many changes at least
    /// one reader carried.
    private static func filteredOut(
        _ items: [ApplyItem], readers: [DirectionPlan], changes: Int
    ) -> (filtered: [(plan: DirectionPlan, keys: [String])], carried: Int) {
        var carriedChanges = Set<Int>()
        var filtered: [(plan: DirectionPlan, keys: [String])] = []
        for (position, plan) in readers.enumerated() {
            var keys: [String] = []
            for index in 0..<changes {
                let item = items[position * changes + index]
                if item.mapped == nil, item.change.row != nil {
                    keys.append(item.change.key)
                } else {
                    carriedChanges.insert(index)
                }
            }
            if !keys.isEmpty { filtered.append((plan, keys)) }
        }
        return (filtered, carriedChanges.count)
    }
}
