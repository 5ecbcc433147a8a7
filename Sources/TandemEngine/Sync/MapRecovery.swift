import Foundation

/// `tandem maps recover NAME --resend`: a map failed because one side went
/// back in time (restored from an older backup) is brought back by sending
/// that side again what it lost, from the other side's change log, which
/// keeps applied changes for `engine.applied_retention_h` /
/// `engine.applied_retention_changes`. Beyond that, or when the lost
/// changes were the restored side's own, it refuses and names initial sync.
package enum MapRecovery {
    /// What a re-send will do, per direction.
    package struct Plan: Sendable {
        /// The map.
        package var map: String
        /// The side that went back.
        package var side: SideRole
        /// Where the map's changes to the restored side restart: the other side's changes after this number.
        package var resendAfter: Int64?
        /// The restored side's checkpoint in the other side, moved back to its own log: its changes after
        /// this number are sent (again).
        package var restoredFrom: (old: Int64, new: Int64)?
    }

    /// Works out and carries out the re-send for `map`, which must be failed
    /// because a side went back; the caller holds the environment lock. The
    /// map is left `resuming`: the next `tandem run` replays from the
    /// checkpoints set here.
    package static func resend(
        _ environment: TandemEnvironment, map resolved: ResolvedMap, state: StateStore, actor: String
    ) throws -> Plan {
        let name = resolved.name
        let initialSync = "`tandem maps recover \(name) --initial-sync --master erp|crm`"
        let current = try state.mapStates()[name]?.state ?? .notRunning
        guard current == .failed else {
            throw SyncError(
                .state,
                "map \(name) is \(current.rawValue), not failed; --resend recovers a map that failed because a side went back in time (`tandem status` shows why a map failed)"
            )
        }
        let sides = try environment.openEndpoints()
        let directions = SyncDirection.allCases.filter { resolved.settings.direction.allows($0) }
        let findings = try SideAudit.check(
            [SideAudit.MapDirections(name: name, directions: directions)], sides: sides,
            applied: state.applied())
        let restored = Set(findings.map(\.side))
        guard let side = restored.first else {
            throw SyncError(
                .state,
                "map \(name) failed, but neither side is behind what was applied now; nothing to re-send. `tandem maps run \(name)` restarts it (`tandem status` shows why it failed)"
            )
        }
        guard restored.count == 1 else {
            throw SyncError(
                .state,
                "both sides of map \(name) went back in time; nothing holds what was lost. \(initialSync) brings the sides into step"
            )
        }
        let other = side.other
        func table(_ role: SideRole) -> String { role == .erp ? resolved.map.erp.table : resolved.map.crm.table }
        var plan = Plan(map: name, side: side)

        // The other side's changes after the restored side's checkpoint: all still in the other side's log?
        if directions.contains(SyncDirection(from: other)) {
            let from = try sides[side]!.storedCheckpoints()[CheckpointID(map: name, source: other)] ?? 0
            let pruned = try sides[other]!.prunedThrough(table: table(other))
            // The restored side's own changes, applied to the other side after the checkpoint: the log there
            // holds them as echoes (key and origin, no row), so they cannot be sent back from it.
            let echoes = try sides[other]!.echoes(table: table(other), after: from, from: side)
            if pruned > from {
                throw SyncError(
                    .state,
                    "the \(other) side's changes of \(table(other)) after \(other):\(from), which the \(side) side lost, were pruned up to \(other):\(pruned) (older than engine.applied_retention_h, or beyond engine.applied_retention_changes, in \(environment.configPath)); they cannot be re-sent. \(initialSync) brings the sides into step"
                )
            }
            if echoes > 0 {
                throw SyncError(
                    .state,
                    "\(echoes) change(s) the \(side) side made itself reached the \(other) side after \(other):\(from), and the \(side) side lost them; the \(other) side's log holds them without their rows, so they cannot be re-sent. \(initialSync) brings the sides into step (master \(other) keeps them)"
                )
            }
            plan.resendAfter = from
        }

        // The restored side's own log: its checkpoint in the other side may be above what it numbers now.
        if directions.contains(SyncDirection(from: side)) {
            let key = CheckpointID(map: name, source: side)
            let stored = try sides[other]!.storedCheckpoints()[key] ?? 0
            // Changes the restored side made after the engine last recorded what it applied are sent (again):
            // at least once for those, never skipped. Without a record, every change still in its log is.
            let since = try state.applied()[name]?[side]?.recordedAt ?? 0
            let head = try SideAudit.facts(sides[side]!).head
            let first = try sides[side]!.firstChange(table: table(side), through: stored, after: since)
            let restart = min(stored, head, (first ?? Int64.max) - 1)
            if restart < stored {
                try sides[other]!.resetCheckpoint(key, to: restart)
                plan.restoredFrom = (stored, restart)
            }
        }

        try state.forgetApplied(map: name)
        var details = ["the \(side) side went back"]
        if let after = plan.resendAfter {
            details.append("re-sending the \(other) side's changes after \(other):\(after)")
        }
        if let moved = plan.restoredFrom {
            details.append(
                "the \(side) side's changes after \(side):\(moved.new) sent (again); its checkpoint was \(moved.old)")
        }
        try state.log(
            actor: actor, map: name, event: ActivityEvent.mapRecovered,
            details: "--resend: " + details.joined(separator: "; "))
        try state.setStates(
            [name], to: .resuming,
            reason: "recovered with --resend; catching up from the checkpoints (`tandem run` if no engine runs)",
            actor: actor)
        return plan
    }
}
