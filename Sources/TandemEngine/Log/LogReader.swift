import Foundation
import GRDB
import Logging

/// Reads the merged log of an environment: activity, parked changes and
/// conflicts, in one time order. Any process may read while the engine runs.
///
/// A page asks each source for at most `limit + 1` entries older than the
/// cursor, through the source's time index, and merges them: the cost
/// follows the page size, not the size of the log.
package final class LogReader {
    private let state: StateStore
    private let sides: [SideRole: SideDatabase]
    /// The server sides' parked changes and conflicts, copied for each read (see ``SideLogCopy``).
    private let copies: [SideRole: SideLogCopy]
    /// Moves every second while a server side is read: its commits have no counter the
    /// reader can watch cheaply, so `--follow` reads again each second.
    private var serverVersion = 0

    /// Opens the environment's state and side databases; a PostgreSQL side is read through a
    /// copy of its parked changes and conflicts.
    package init(_ environment: TandemEnvironment) throws {
        state = try environment.openState()
        var sides: [SideRole: SideDatabase] = [:]
        var copies: [SideRole: SideLogCopy] = [:]
        for (role, location) in try environment.locations() {
            if let file = location.file {
                sides[role] = try SideDatabase(
                    role: role, path: file, busyTimeout: environment.config.engine.busyTimeoutSeconds)
            } else if let side = try location.open(
                role: role, busyTimeout: environment.config.engine.busyTimeoutSeconds,
                logger: Logger(label: "tandem.log")) as? PostgreSQLSide
            {
                copies[role] = try SideLogCopy(side)
            }
        }
        self.sides = sides
        self.copies = copies
    }

    /// Why a server side's parked changes and conflicts are missing from the last read, per
    /// side (the server did not answer); the rest of the log is still read.
    package private(set) var unreadable: [SideRole: String] = [:]
    /// When ``serverVersion`` last moved.
    private var serverVersionMoved = ContinuousClock.now

    /// Copies the server sides' tables as they are now, before a read. A side that cannot be
    /// read keeps its last copy and is named in ``unreadable``: the activity log an operator
    /// reads during a server's outage must not go with it.
    private func refreshCopies() {
        for (role, copy) in copies {
            do {
                try copy.refresh()
                unreadable[role] = nil
            } catch {
                unreadable[role] = "\(error)"
            }
        }
    }

    /// One page of the merged log, and whether older entries remain.
    package struct Page: Sendable {
        /// The entries, oldest first.
        package var entries: [LogEntry]
        /// Whether entries older than the first one match the filter too.
        package var more: Bool
    }

    /// The sources this reader has: the state database's and those of the sides.
    private var sources: [LogSource] {
        LogSource.all.filter { $0.side.map { sides[$0] != nil || copies[$0] != nil } ?? true }
    }

    private func read<T>(_ source: LogSource, _ body: (Database) throws -> T) throws -> T {
        if let side = source.side {
            if let copy = copies[side] { return try copy.queue.read(body) }
            return try sides[side]!.queue.read(body)
        }
        return try state.queue.read(body)
    }

    /// The `limit` newest entries that match `filter` and are older than
    /// `before` (the newest of all when nil), printed oldest first.
    package func page(_ filter: LogFilter, limit: Int, before: LogCursor? = nil) throws -> Page {
        refreshCopies()
        var merged: [(LogCursor, LogEntry)] = []
        for source in sources where source.admits(filter) {
            merged += try read(source) { db in try source.page(db, filter: filter, before: before, limit: limit + 1) }
        }
        merged.sort { $0.0 > $1.0 }
        let more = merged.count > limit
        return Page(entries: merged.prefix(limit).reversed().map(\.1), more: more)
    }

    /// Where each source ends now: the highest entry number per source rank.
    package func ends() throws -> [Int: Int64] {
        refreshCopies()
        var result: [Int: Int64] = [:]
        for source in sources { result[source.rank] = try read(source) { db in try source.lastID(db) } }
        return result
    }

    /// The entries written after `ends` that match `filter`, oldest first, and the new ends.
    package func entries(
        after ends: [Int: Int64], _ filter: LogFilter
    ) throws -> (entries: [LogEntry], ends: [Int: Int64]) {
        refreshCopies()
        var found: [(LogCursor, LogEntry)] = []
        var next = ends
        for source in sources {
            // Every source moves its end even when filtered out, so that nothing is read twice.
            let last = try read(source) { db in try source.lastID(db) }
            let start = ends[source.rank] ?? 0
            if last > start, source.admits(filter) {
                found += try read(source) { db in try source.after(db, filter: filter, id: start) }.filter {
                    $0.0.id <= last
                }
            }
            next[source.rank] = max(start, last)
        }
        found.sort { $0.0 < $1.0 }
        return (found.map(\.1), next)
    }

    /// A number that changes whenever any of the three databases committed
    /// (the sum of their `PRAGMA data_version`): `--follow` reads again only then.
    /// With a server side, every second too (see ``serverVersion``).
    package func version() throws -> Int {
        // At most once a second: each read copies the server sides' tables.
        if !copies.isEmpty, ContinuousClock.now - serverVersionMoved >= .seconds(1) {
            serverVersion += 1
            serverVersionMoved = .now
        }
        var total = try state.dataVersion() + serverVersion
        for side in sides.values {
            total += try side.queue.inDatabase { db in
                try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
            }
        }
        return total
    }

    /// Whether the log knows `map` from before: in the state database's map
    /// states or activity entries (a map removed from `tandem.yaml` keeps its history).
    package func knows(map: String) throws -> Bool {
        try state.queue.read { db in
            try Bool.fetchOne(
                db,
                sql:
                    "SELECT EXISTS (SELECT 1 FROM maps WHERE name = ?) OR EXISTS (SELECT 1 FROM activity WHERE map = ?)",
                arguments: [map, map]) ?? false
        }
    }
}
