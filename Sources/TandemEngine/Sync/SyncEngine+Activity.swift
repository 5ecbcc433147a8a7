import Foundation

/// Catch-up's entries in the activity log. Two entries per resume, written
/// on the engine thread: one insert each into the state database, cheap
/// next to a batch, and never per change.
extension SyncEngine {
    /// Writes an activity entry; a failure (the state database busy or full) is
    /// logged and does not stop sync.
    func logActivity(_ write: () throws -> Void) {
        do { try write() } catch { logger.warning("could not write to the activity log: \(error)") }
    }

    /// A map entered `resuming`: where each direction's replay starts.
    func logCatchUpStarted(_ map: String) throws {
        // A command's engine (initial sync, an operator request) sees states but replays nothing.
        guard live else { return }
        catchUpSince[map] = .now
        let from = plans[map, default: [:]].keys.sorted { $0.rawValue < $1.rawValue }.map { direction in
            "\(direction) after change \(direction.source):\(checkpoints[direction]?[map] ?? 0)"
        }
        try state.log(
            actor: "engine", map: map, event: ActivityEvent.catchUpStarted,
            details: "replaying the queued changes in order: " + from.joined(separator: ", "))
    }

    /// A resuming map read every queued change and runs live again.
    func logCatchUpFinished(_ map: String) throws {
        guard live else { return }
        let took = catchUpSince.removeValue(forKey: map).map { ContinuousClock.now - $0 }
        let through = plans[map, default: [:]].keys.sorted { $0.rawValue < $1.rawValue }.map { direction in
            "\(direction) through change \(direction.source):\(checkpoints[direction]?[map] ?? 0)"
        }
        try state.log(
            actor: "engine", map: map, event: ActivityEvent.catchUpFinished,
            details: "caught up" + (took.map { String(format: " in %.1f s", $0.timeInterval) } ?? "")
                + ", running live: "
                + through.joined(separator: ", "))
    }
}
