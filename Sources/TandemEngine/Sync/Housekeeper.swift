import Foundation
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
        let location: SideLocation
        /// Where the checkpoints of changes read from this side are stored.
        let targetLocation: SideLocation
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
        // Connections of its own (the engine's are the applying thread's), which give up on a busy side
        // after 5 s: the round is tried again later.
        let opened = try sources.map {
            (
                source: $0, side: try $0.location.open(role: $0.role, busyTimeout: 5, background: true, logger: logger),
                target: try $0.targetLocation.open(role: $0.role.other, busyTimeout: 5, background: true, logger: logger)
            )
        }
        let handed = Handed(sides: opened)
        let signal = self.signal
        let thread = Thread {
            let sides = handed.sides
            var nextPrune = ContinuousClock.now
            var nextCheckpoint = ContinuousClock.now
            // Each side's log as its last complete checkpoint left it: an idle side is not checkpointed again.
            var checkpointed: [LogMark?] = Array(repeating: nil, count: sides.count)
            var reported = false
            var warnedFiles = false
            while !signal.isStopped {
                do {
                    if ContinuousClock.now >= nextPrune {
                        var more = false
                        for side in sides {
                            // Checked before every round: a target deleted or replaced under the engine
                            // holds checkpoints of rows that no longer exist anywhere but in the source.
                            guard side.source.location.file.flatMap(FileIdentity.init(path:)) == side.source.sourceFile,
                                side.source.targetLocation.file.flatMap(FileIdentity.init(path:)) == side.source.targetFile
                            else {
                                if !warnedFiles {
                                    logger.error(
                                        "not pruning the \(side.source.role) change log: \(side.source.location) or \(side.source.targetLocation) is no longer the file the engine opened"
                                    )
                                }
                                warnedFiles = true
                                continue
                            }
                            more =
                                try Self.prune(side.source, side.side, side.target, retention: retention, held: held)
                                || more
                        }
                        // While a backlog remains, come back after a short pause that leaves the lock to others.
                        nextPrune = more ? .now + .milliseconds(2) : .now + pruneInterval
                    }
                    if ContinuousClock.now >= nextCheckpoint {
                        nextCheckpoint = .now + checkpointInterval
                        for (index, side) in sides.enumerated() {
                            checkpointed[index] = try side.side.checkpointLog(unlessAt: checkpointed[index])
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

    /// The housekeeper's own connections, handed to its thread once at start
    /// and used by that thread alone from then on (hence `@unchecked
    /// Sendable`: an endpoint is not safe to share, and it is not shared).
    private struct Handed: @unchecked Sendable {
        let sides: [(source: Source, side: any SideEndpoint, target: any SideEndpoint)]
    }

    /// Deletes up to ``chunk`` consumed rows per captured table; returns whether more remain.
    static func prune(
        _ source: Source, _ side: any SideEndpoint, _ target: any SideEndpoint, retention: Retention, held: Held
    ) throws -> Bool {
        let stored = try target.storedCheckpoints().filter { $0.key.source == source.role }
        let heldMaps = held.maps.withLock { $0 }
        // A checkpoint above the last number this log gave out means the source went back in time
        // (restored from a backup): its new changes carry numbers the checkpoint already covers.
        // Nothing of it is pruned; the engine fails the maps with the reason.
        let cutoff = StateStore.now - retention.age.timeInterval * 1000
        let (head, tables, young) = try side.pruneFacts(youngSince: retention.age > .zero ? cutoff : nil)
        var more = false
        for table in tables {
            let readers = source.readers[table] ?? []
            // A map that has never run keeps its table's changes until it does; so does a failed one.
            let floors = readers.compactMap { stored[CheckpointID(map: $0, source: source.role)] }
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
            if try side.pruneChanges(table: table, through: floor, limit: chunk) { more = true }
        }
        return more
    }

    /// Stops the thread after its current round.
    func stop() {
        signal.stop()
    }

    deinit { stop() }
}
