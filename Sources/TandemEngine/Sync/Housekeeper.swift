import Foundation
import GRDB
import Logging
import Synchronization

/// The engine's second thread: prunes consumed changes from the change logs
/// and checkpoints the sides' write-ahead logs, on connections of its own, so
/// that neither costs the applying thread time.
///
/// Both used to run on the engine thread. Pruning is as much work as capture
/// (every change is inserted once and deleted once), and a checkpoint that
/// ran inside one of the engine's commits showed as latency spikes of 100 ms
/// and more under sustained load. Here checkpoints are passive (they never
/// block writers or readers) and frequent, so the automatic checkpoint that
/// SQLite still runs at commit finds little left to copy.
///
/// Pruning reads the checkpoints stored in each target, which only ever lag
/// the engine's, so it never deletes a change that was not applied.
final class Housekeeper: Sendable {
    /// What the thread needs to know about one side as a source.
    struct Source: Sendable {
        let role: SideRole
        let path: String
        /// Where the checkpoints of changes read from this side are stored.
        let targetPath: String
        /// Captured table → the maps that read it from this side.
        let readers: [String: [String]]
        /// The files the engine opened: pruning stops when either path names another file
        /// (deleted, replaced), since its checkpoints would be another database's.
        let sourceFile: FileIdentity?
        let targetFile: FileIdentity?
    }

    /// How long applied changes stay in a source's change log, so that a side
    /// restored from a backup can be sent them again (`tandem maps recover --resend`).
    struct Retention: Sendable {
        /// An applied change is kept while it is younger than this...
        let age: Duration
        /// ...and among the last `changes` numbers of its side's log.
        let changes: Int64
    }

    /// Maps whose tables must not be pruned at all, whatever their checkpoints
    /// say: maps that failed (a side that went back in time may have
    /// checkpoints above changes nobody applied). The engine keeps it current.
    final class Held: Sendable {
        let maps = Mutex<Set<String>>([])
    }

    /// Rows deleted per transaction, so that the applications' writers and
    /// the engine never wait long for the lock (a few milliseconds).
    static let chunk = 1000

    private let signal = StopSignal()

    /// Starts the thread: checkpoints every `checkpointInterval` (when a
    /// side's WAL was written since the last one), prunes every
    /// `pruneInterval` (and again right away while a backlog remains).
    init(
        sources: [Source], pruneInterval: Duration, retention: Retention, held: Held,
        checkpointInterval: Duration = .milliseconds(100), logger: Logger
    ) throws {
        func open(_ path: String) throws -> DatabaseQueue {
            var configuration = Configuration()
            configuration.label = "housekeeper"
            configuration.busyMode = .timeout(5)
            return try DatabaseQueue(path: path, configuration: configuration)
        }
        let sides = try sources.map { (source: $0, queue: try open($0.path), target: try open($0.targetPath)) }
        let signal = self.signal
        let thread = Thread {
            var nextPrune = ContinuousClock.now
            var nextCheckpoint = ContinuousClock.now
            // Each side's WAL as its last complete checkpoint left it: an idle side is not checkpointed again.
            var checkpointed: [WALFile?] = Array(repeating: nil, count: sides.count)
            var reported = false
            var warnedFiles = false
            while !signal.isStopped {
                do {
                    if ContinuousClock.now >= nextPrune {
                        var more = false
                        for side in sides {
                            // Checked before every round: a target deleted or replaced under the engine
                            // holds checkpoints of rows that no longer exist anywhere but in the source.
                            guard FileIdentity(path: side.source.path) == side.source.sourceFile,
                                FileIdentity(path: side.source.targetPath) == side.source.targetFile
                            else {
                                if !warnedFiles {
                                    logger.error(
                                        "not pruning the \(side.source.role) change log: \(side.source.path) or \(side.source.targetPath) is no longer the file the engine opened"
                                    )
                                }
                                warnedFiles = true
                                continue
                            }
                            more =
                                try Self.prune(side.source, side.queue, side.target, retention: retention, held: held)
                                || more
                        }
                        // While a backlog remains, come back after a short pause that leaves the lock to others.
                        nextPrune = more ? .now + .milliseconds(2) : .now + pruneInterval
                    }
                    if ContinuousClock.now >= nextCheckpoint {
                        nextCheckpoint = .now + checkpointInterval
                        for (index, side) in sides.enumerated() {
                            // A stat, not a checkpoint, while nothing was written: a passive checkpoint
                            // of an idle side still takes its locks and reads its index, ten times a second.
                            guard let wal = WALFile(database: side.source.path), wal != checkpointed[index] else { continue }
                            let done = try side.queue.writeWithoutTransaction { db in
                                try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                            }
                            // (busy, frames in the WAL, frames checkpointed): a checkpoint that a reader
                            // held back is tried again next time even if nothing new was written.
                            let complete = done.map { row in (row[1] as Int?) == (row[2] as Int?) } ?? false
                            checkpointed[index] = complete ? wal : nil
                        }
                    }
                    reported = false
                } catch {
                    // A side busy for longer than the timeout, or being replaced: try again next round.
                    if !reported { logger.warning("housekeeping (pruning, WAL checkpoint) failed, retrying: \(error)") }
                    reported = true
                }
                signal.wait(until: min(nextPrune, nextCheckpoint))
            }
        }
        thread.name = "tandem-housekeeper"
        thread.start()
    }

    /// What `stat` says of a database's `-wal` file: it changes with every
    /// commit (size or modification time; a new file after a delete).
    struct WALFile: Equatable {
        let inode: UInt64
        let size: Int64
        let seconds: Int
        let nanoseconds: Int

        /// The `-wal` file of `database` now; nil when there is none.
        init?(database: String) {
            var info = stat()
            guard stat(database + "-wal", &info) == 0 else { return nil }
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            #if canImport(Darwin)
                seconds = Int(info.st_mtimespec.tv_sec)
                nanoseconds = Int(info.st_mtimespec.tv_nsec)
            #else
                seconds = Int(info.st_mtim.tv_sec)
                nanoseconds = Int(info.st_mtim.tv_nsec)
            #endif
        }
    }

    /// Deletes up to ``chunk`` consumed rows per captured table; returns whether more remain.
    static func prune(
        _ source: Source, _ queue: DatabaseQueue, _ target: DatabaseQueue, retention: Retention, held: Held
    ) throws -> Bool {
        let stored = try target.read { db -> [String: Int64] in
            guard try db.tableExists("_tandem_checkpoints") else { return [:] }
            var result: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT map, seq FROM _tandem_checkpoints WHERE source = ?", arguments: [source.role.rawValue]) {
                result[row[0]] = row[1]
            }
            return result
        }
        let heldMaps = held.maps.withLock { $0 }
        var more = false
        try queue.writeWithoutTransaction { db in
            // A checkpoint above the last number this log gave out means the source went back in time
            // (restored from a backup): its new changes carry numbers the checkpoint already covers.
            // Nothing of it is pruned; the engine fails the maps with the reason.
            let head = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = '_tandem_changes'") ?? 0
            let tables = try String.fetchAll(db, sql: "SELECT tbl FROM _tandem_capture")
            let cutoff = StateStore.now - retention.age.timeInterval * 1000
            // The first change still young, once per round for the whole log: `at` grows with `seq`, so
            // this reads only the old rows before it (which pruning removes), where a per-table query
            // could not use the (tbl, seq) index (it holds the applications' changes only) and read
            // every row kept, for every table, every round.
            var young: Int64?
            if retention.age > .zero {
                young = try Int64.fetchOne(db, sql: "SELECT seq FROM _tandem_changes WHERE at >= ? ORDER BY seq LIMIT 1", arguments: [cutoff])
            }
            for table in tables {
                let readers = source.readers[table] ?? []
                // A map that has never run keeps its table's changes until it does; so does a failed one.
                let floors = readers.compactMap { stored[$0] }
                guard floors.count == readers.count, !readers.contains(where: heldMaps.contains) else { continue }
                let consumed = floors.min() ?? Int64.max
                guard consumed == Int64.max || consumed <= head else { continue }
                // Applied changes stay while young and among the last `retention.changes` numbers:
                // a prefix of the log goes, never a change in the middle. A table no map reads this
                // way goes at once: nothing would re-send its changes.
                var floor = min(consumed, head)
                if !floors.isEmpty {
                    let old = young.map { $0 - 1 } ?? floor
                    floor = min(floor, max(old, floor - retention.changes))
                }
                guard floor > 0 else { continue }
                // Nothing of this table at or below the floor (pruned already): no write transaction,
                // which would take the side's lock every round for nothing.
                guard
                    try Int64.fetchOne(
                        db, sql: "SELECT seq FROM _tandem_changes WHERE tbl = ? AND seq <= ? LIMIT 1", arguments: [table, floor])
                        != nil
                else { continue }
                try db.inTransaction(.immediate) {
                    // The chunk's upper bound first, then one range delete on the (tbl, seq) index.
                    let bound = try Int64.fetchOne(
                        db, sql: "SELECT seq FROM _tandem_changes WHERE tbl = ? AND seq <= ? ORDER BY seq LIMIT 1 OFFSET ?",
                        arguments: [table, floor, chunk - 1])
                    let through = bound ?? floor
                    try db.execute(sql: "DELETE FROM _tandem_changes WHERE tbl = ? AND seq <= ?", arguments: [table, through])
                    if db.changesCount > 0 {
                        // What a recovery needs to know: the changes of this table up to here are gone.
                        try db.execute(
                            sql: "INSERT INTO _tandem_pruned (tbl, seq) VALUES (?, ?) ON CONFLICT (tbl) DO UPDATE SET seq = max(seq, excluded.seq)",
                            arguments: [table, through])
                    }
                    if bound != nil { more = true }
                    return .commit
                }
            }
        }
        return more
    }

    /// Stops the thread after its current round.
    func stop() {
        signal.stop()
    }

    deinit { stop() }
}
