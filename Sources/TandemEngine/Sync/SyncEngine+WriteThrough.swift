import Foundation
import GRDB
import GRDBSQLite

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
        let origin = sides[request.side]!
        let target = sides[direction.target]!
        if writeColumns[request.table] == nil {
            writeColumns[request.table] = try origin.queue.read { db in try CaptureSchema.columnTypes(db, table: request.table) }
        }
        let columns = writeColumns[request.table]!
        let key = plan.sourceKey.map { plan.sourceColumns[$0] }
        try request.validate(columns: columns, key: key)
        let tag = "write:\(UUID().uuidString.prefix(12).lowercased())"
        let table = CaptureSchema.identifier(request.table)
        let keyCondition = key.map { "\(CaptureSchema.identifier($0)) = ?" }.joined(separator: " AND ")

        try origin.queue.writeWithoutTransaction { odb in
            try odb.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
            do {
                // The write lock is ours: every change captured from here on is this write's.
                let before = try Int64.fetchOne(odb.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) FROM _tandem_changes")) ?? 0
                try CaptureSchema.setContext(tag, odb)
                for row in request.rows {
                    let keyValues = key.map { row[$0]! }
                    switch request.operation {
                    case .delete:
                        let delete = try RawStatement(sql: "DELETE FROM \(table) WHERE \(keyCondition)", odb)
                        delete.bind(keyValues)
                        try delete.execute()
                    case .upsert:
                        // Only the columns given change; a missing row is inserted with them.
                        let given = columns.map(\.name).filter { row[$0] != nil && !key.contains($0) }
                        var updated = 0
                        if !given.isEmpty {
                            let update = try RawStatement(
                                sql: "UPDATE \(table) SET \(given.map { "\(CaptureSchema.identifier($0)) = ?" }.joined(separator: ", ")) WHERE \(keyCondition)",
                                odb)
                            update.bind(given.map { row[$0]! } + keyValues)
                            updated = try update.execute()
                        }
                        if updated == 0 {
                            let all = columns.map(\.name).filter { row[$0] != nil }
                            let insert = try RawStatement(
                                sql: """
                                    INSERT INTO \(table) (\(all.map(CaptureSchema.identifier).joined(separator: ", ")))
                                    SELECT \(all.map { _ in "?" }.joined(separator: ", ")) WHERE NOT EXISTS (SELECT 1 FROM \(table) WHERE \(keyCondition))
                                    """, odb)
                            insert.bind(all.map { row[$0]! } + keyValues)
                            try insert.execute()
                        }
                    }
                }
                try CaptureSchema.clearContext(odb)
                let changes = try Row.fetchAll(
                    odb.cachedStatement(
                        sql:
                            "SELECT seq, tbl, op, CAST(key AS BLOB), CAST(row AS BLOB), at, changed FROM _tandem_changes WHERE seq > ? ORDER BY seq"
                    ),
                    arguments: [before]
                ).map {
                    // Key and row as bytes: GRDB would repair text that is not valid UTF-8.
                    Change(
                        seq: $0[0], table: $0[1], operation: Change.Operation(rawValue: $0[2]) ?? .update,
                        key: SQLLiteral.normalized($0[3] as Data? ?? Data()),
                        row: ($0[4] as Data?).map(SQLLiteral.normalized), at: $0[5],
                        origin: tag, changed: $0[6])
                }
                let originHandle = odb.sqliteConnection!
                try target.queue.writeWithoutTransaction { tdb in
                    try tdb.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
                    do {
                        let items = prepare(readers.flatMap { reader in changes.map { (reader.0, $0, nil) } })
                        _ = try applyItems(items, direction: direction, mode: .writeThrough, tdb)
                    } catch {
                        try? tdb.execute(sql: "ROLLBACK")
                        throw error
                    }
                    // The origin commits first: from here on the change log can always repair the other side.
                    guard sqlite3_exec(originHandle, "COMMIT", nil, nil, nil) == SQLITE_OK else {
                        let message = String(cString: sqlite3_errmsg(originHandle))
                        try? tdb.execute(sql: "ROLLBACK")
                        throw SyncError(.database, "the \(request.side) side could not commit the write: \(message); neither side keeps it")
                    }
                    if Self.killBetweenCommits { kill(getpid(), SIGKILL) }
                    do {
                        try tdb.cachedStatement(sql: "COMMIT").execute()
                    } catch {
                        try? tdb.execute(sql: "ROLLBACK")
                        throw SyncError(
                            .database,
                            "the \(request.side) side committed the write but the \(direction.target) side could not (\(error)); the engine applies it from the change log")
                    }
                }
            } catch {
                if !odb.isInsideTransaction { throw error }
                try? odb.execute(sql: "ROLLBACK")
                throw error
            }
        }
        // Both sides changed through this engine's own connections, which
        // `data_version` does not report: read both (the origin's changes consume the markers).
        dirty[request.side] = true
        dirty[direction.target] = true
        return WriteResult(
            rows: request.rows.count, origin: "\(request.side).\(request.table)",
            targets: readers.map { "\(direction.target).\($0.0.targetTable)" }, maps: readers.map(\.1),
            milliseconds: (ContinuousClock.now - start).timeInterval * 1000)
    }
}
