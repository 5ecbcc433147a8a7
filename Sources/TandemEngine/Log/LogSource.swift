import GRDB

/// One table the merged log reads, with its place in the merged order.
///
/// Six sources: the state database's activity table, on each side its
/// parked changes and its conflicts, and the state database's history of
/// parked changes that were retried or discarded (the sides delete those).
/// Each query takes its filter and its limit into SQL and walks an index on
/// the entry time, newest first.
struct LogSource: Sendable {
    /// Position in ``all``; the middle part of a cursor.
    let rank: Int
    let kind: LogEntry.Kind
    /// The side whose database holds it; nil for the state database.
    let side: SideRole?

    /// Whether this is the state database's history of cleared parked
    /// changes: errors whose side is a column, not the database.
    var isHistory: Bool { kind == .error && side == nil }

    static let all: [LogSource] = [
        LogSource(rank: 0, kind: .activity, side: nil),
        LogSource(rank: 1, kind: .error, side: .erp),
        LogSource(rank: 2, kind: .error, side: .crm),
        LogSource(rank: 3, kind: .conflict, side: .erp),
        LogSource(rank: 4, kind: .conflict, side: .crm),
        LogSource(rank: 5, kind: .error, side: nil),
    ]

    var table: String {
        switch kind {
        case .activity: "activity"
        case .error: isHistory ? "parked_history" : "_tandem_parked"
        case .conflict: "_tandem_conflicts"
        }
    }

    /// The column that holds the entry time.
    var timeColumn: String { kind == .error ? "parked_at" : "at" }

    /// Whether `filter` can keep anything from this source.
    func admits(_ filter: LogFilter) -> Bool {
        if let wanted = filter.side, side != wanted, !isHistory { return false }
        if filter.kinds.isEmpty && filter.events.isEmpty || filter.kinds.contains(kind) { return true }
        switch kind {
        case .activity: return filter.events.contains { ActivityEvent.all.contains($0) }
        case .error: return filter.events.contains(ActivityEvent.changeParked)
        case .conflict: return filter.events.contains(ActivityEvent.conflictDetected)
        }
    }

    /// Whether every entry of this source passes the kind and event filter (no event condition needed).
    func wholly(_ filter: LogFilter) -> Bool {
        filter.kinds.isEmpty && filter.events.isEmpty || filter.kinds.contains(kind) || kind != .activity
    }

    /// The WHERE clause and its arguments for `filter`, without the position condition.
    func conditions(_ filter: LogFilter) -> (sql: [String], arguments: [any DatabaseValueConvertible]) {
        var sql: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        func list(_ column: String, _ values: some Collection<String>) {
            sql.append("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
            arguments += values.sorted() as [any DatabaseValueConvertible]
        }
        // Waiting behind an earlier change of the key is not an event of its own (`tandem errors list --all` shows them).
        if kind == .error { sql.append("kind <> 'behind'") }
        if isHistory, let side = filter.side {
            sql.append("side = ?")
            arguments.append(side.rawValue)
        }
        if !filter.maps.isEmpty { list("map", filter.maps) }
        if !wholly(filter) { list("event", filter.events) }
        if let key = filter.key {
            let forms = LogFilter.keyForms(key)
            if kind == .activity {
                sql.append("(" + forms.map { _ in "instr(details, ?) > 0" }.joined(separator: " OR ") + ")")
                arguments += forms as [any DatabaseValueConvertible]
            } else {
                list("key", forms)
            }
        }
        if let since = filter.since {
            sql.append("\(timeColumn) >= ?")
            arguments.append(since)
        }
        if let until = filter.until {
            sql.append("\(timeColumn) < ?")
            arguments.append(until)
        }
        return (sql, arguments)
    }

    /// Up to `limit` entries older than `before` (all when nil), newest first.
    func page(_ db: Database, filter: LogFilter, before: LogCursor?, limit: Int) throws -> [(LogCursor, LogEntry)] {
        guard try db.tableExists(table) else { return [] }
        var (sql, arguments) = conditions(filter)
        if let before {
            // Older in the merged order: an earlier time, or the same time and an earlier source or number.
            if rank < before.source {
                sql.append("\(timeColumn) <= ?")
                arguments.append(before.at)
            } else if rank == before.source {
                sql.append("(\(timeColumn) < ? OR (\(timeColumn) = ? AND id < ?))")
                arguments += [before.at, before.at, before.id] as [any DatabaseValueConvertible]
            } else {
                sql.append("\(timeColumn) < ?")
                arguments.append(before.at)
            }
        }
        arguments.append(limit)
        return try fetch(
            db, where: sql, order: "\(timeColumn) DESC, id DESC LIMIT ?", arguments: arguments)
    }

    /// Entries numbered above `id`, oldest first (for `--follow`: numbers only grow, so none is missed).
    func after(_ db: Database, filter: LogFilter, id: Int64) throws -> [(LogCursor, LogEntry)] {
        guard try db.tableExists(table) else { return [] }
        var (sql, arguments) = conditions(filter)
        sql.append("id > ?")
        arguments.append(id)
        return try fetch(db, where: sql, order: "id", arguments: arguments)
    }

    /// The highest number in use, 0 when empty.
    func lastID(_ db: Database) throws -> Int64 {
        guard try db.tableExists(table) else { return 0 }
        return try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM \(table)") ?? 0
    }

    private func fetch(
        _ db: Database, where conditions: [String], order: String, arguments: [any DatabaseValueConvertible]
    ) throws -> [(LogCursor, LogEntry)] {
        let columns =
            switch kind {
            case .activity: "id, at, actor, map, event, details"
            case .error where isHistory:
                "id, parked_at, map, source, seq, op, key, kind, reason, attempts, error_class, side, number, outcome, resolved_by, resolved_at"
            case .error: "id, parked_at, map, source, seq, op, key, kind, reason, attempts, error_class"
            case .conflict: "id, at, map, key, policy, status, winner, outcome, source, resolved_by"
            }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try Row.fetchAll(
            db, sql: "SELECT \(columns) FROM \(table) \(whereClause) ORDER BY \(order)",
            arguments: StatementArguments(arguments.map { $0.databaseValue }))
        return rows.map(entry)
    }

    private func entry(_ row: Row) -> (LogCursor, LogEntry) {
        let id: Int64 = row["id"]
        let at: Double = row[1]
        let position = LogCursor(at: at, source: rank, id: id)
        return (position, describe(row, id: id, at: at, cursor: position.description))
    }

    private func describe(_ row: Row, id: Int64, at: Double, cursor: String) -> LogEntry {
        switch kind {
        case .activity:
            return LogEntry(
                cursor: cursor, at: at, time: LogEntry.iso8601(at), kind: .activity, event: row["event"],
                map: row["map"], side: nil,
                key: nil, actor: row["actor"], id: "activity-\(id)", details: row["details"])
        case .error:
            let source: String = row["source"]
            let attempts: Int = row["attempts"]
            let waits = (row["kind"] as String) == "error" ? "" : " (\(row["kind"] as String))"
            var details =
                "\(row["error_class"] as String)\(waits): \(row["reason"] as String); change \(source):\(row["seq"] as Int64) \(row["op"] as String), tried \(attempts) time\(attempts == 1 ? "" : "s")"
            var held = side
            var number = id
            if isHistory {
                // Under the ID it had, with how it left the error list: by whom and when.
                held = SideRole(rawValue: row["side"])
                number = row["number"]
                let when = LogEntry.iso8601(row["resolved_at"])
                details += "; \(row["outcome"] as String) by \(row["resolved_by"] as String) at \(when)"
            }
            return LogEntry(
                cursor: cursor, at: at, time: LogEntry.iso8601(at), kind: .error, event: ActivityEvent.changeParked,
                map: row["map"],
                side: held, key: row["key"], actor: "engine",
                id: held.map { ErrorID(side: $0, number: number).description } ?? "history-\(id)", details: details
            )
        case .conflict:
            let status: String = row["status"]
            let outcome: String? = row["outcome"]
            let id = ErrorID(side: side!, number: id).description
            let what =
                status == "open"
                ? "open, waits for `tandem conflicts resolve \(id)`"
                : "\(status), \(row["winner"] as String) won: \(outcome ?? "")"
            return LogEntry(
                cursor: cursor, at: at, time: LogEntry.iso8601(at), kind: .conflict,
                event: ActivityEvent.conflictDetected,
                map: row["map"], side: side, key: row["key"], actor: "engine", id: id,
                details: "policy \(row["policy"] as String), incoming from \(row["source"] as String); \(what)")
        }
    }
}
