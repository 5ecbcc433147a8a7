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
    }

    /// Rows deleted per transaction, so that the applications' writers and
    /// the engine never wait long for the lock (a few milliseconds).
    static let chunk = 1000

    private final class Flag: Sendable {
        let stopped = Atomic<Bool>(false)
    }

    private let flag = Flag()

    /// Starts the thread: checkpoints every `checkpointInterval`, prunes every
    /// `pruneInterval` (and again right away while a backlog remains).
    init(sources: [Source], pruneInterval: Duration, checkpointInterval: Duration = .milliseconds(100), logger: Logger) throws {
        func open(_ path: String) throws -> DatabaseQueue {
            var configuration = Configuration()
            configuration.label = "housekeeper"
            configuration.busyMode = .timeout(5)
            return try DatabaseQueue(path: path, configuration: configuration)
        }
        let sides = try sources.map { (source: $0, queue: try open($0.path), target: try open($0.targetPath)) }
        let flag = self.flag
        let thread = Thread {
            var nextPrune = ContinuousClock.now
            var nextCheckpoint = ContinuousClock.now
            var reported = false
            while !flag.stopped.load(ordering: .relaxed) {
                do {
                    if ContinuousClock.now >= nextPrune {
                        var more = false
                        for side in sides { more = try Self.prune(side.source, side.queue, side.target) || more }
                        // While a backlog remains, come back after a short pause that leaves the lock to others.
                        nextPrune = more ? .now + .milliseconds(2) : .now + pruneInterval
                    }
                    if ContinuousClock.now >= nextCheckpoint {
                        nextCheckpoint = .now + checkpointInterval
                        for side in sides {
                            try side.queue.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
                        }
                    }
                    reported = false
                } catch {
                    // A side busy for longer than the timeout, or being replaced: try again next round.
                    if !reported { logger.warning("housekeeping (pruning, WAL checkpoint) failed, retrying: \(error)") }
                    reported = true
                }
                Thread.sleep(forTimeInterval: max(min(nextPrune, nextCheckpoint) - .now, .zero).timeInterval)
            }
        }
        thread.name = "tandem-housekeeper"
        thread.start()
    }

    /// Deletes up to ``chunk`` consumed rows per captured table; returns whether more remain.
    static func prune(_ source: Source, _ queue: DatabaseQueue, _ target: DatabaseQueue) throws -> Bool {
        let stored = try target.read { db -> [String: Int64] in
            guard try db.tableExists("_tandem_checkpoints") else { return [:] }
            var result: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT map, seq FROM _tandem_checkpoints WHERE source = ?", arguments: [source.role.rawValue]) {
                result[row[0]] = row[1]
            }
            return result
        }
        var more = false
        try queue.writeWithoutTransaction { db in
            let tables = try String.fetchAll(db, sql: "SELECT tbl FROM _tandem_capture")
            for table in tables {
                let readers = source.readers[table] ?? []
                // A map that has never run keeps its table's changes until it does.
                let floors = readers.compactMap { stored[$0] }
                guard floors.count == readers.count else { continue }
                let floor = floors.min() ?? Int64.max
                try db.inTransaction(.immediate) {
                    // The chunk's upper bound first, then one range delete on the (tbl, seq) index.
                    let bound = try Int64.fetchOne(
                        db, sql: "SELECT seq FROM _tandem_changes WHERE tbl = ? AND seq <= ? ORDER BY seq LIMIT 1 OFFSET ?",
                        arguments: [table, floor, chunk - 1])
                    try db.execute(
                        sql: "DELETE FROM _tandem_changes WHERE tbl = ? AND seq <= ?", arguments: [table, bound ?? floor])
                    if bound != nil { more = true }
                    return .commit
                }
            }
        }
        return more
    }

    /// Stops the thread after its current round.
    func stop() {
        flag.stopped.store(true, ordering: .relaxed)
    }

    deinit { stop() }
}
