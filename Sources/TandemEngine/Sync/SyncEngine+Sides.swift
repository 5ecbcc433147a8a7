import Foundation

/// The engine's side of "Sides know who they are" (DESIGN.md): a side that
/// went back in time fails the maps it breaks, a side file deleted or
/// replaced under the engine stops it, and the state database keeps a lower
/// bound of what was applied, which is how a restored target is noticed.
extension SyncEngine {
    /// How often the engine compares the side files with the ones it opened:
    /// a `stat` per side, off the per-batch path.
    static let fileCheckInterval = Duration.milliseconds(100)

    /// Fails every map that a side which went back in time breaks, with the
    /// reason; the other maps go on. Maps already failed, and maps in initial
    /// sync (it sets their checkpoints anew), are left alone.
    func auditSides() throws {
        let audited = maps.filter { states[$0.name] != .failed && states[$0.name] != .initializing }
        held.maps.withLock { $0 = Set(maps.filter { states[$0.name] == .failed }.map(\.name)) }
        guard !audited.isEmpty else { return }
        let findings = try SideAudit.check(
            audited.map {
                SideAudit.MapDirections(
                    name: $0.name, directions: SyncDirection.allCases.filter(plans[$0.name, default: [:]].keys.contains)
                )
            },
            sides: sides, applied: state.applied())
        guard !findings.isEmpty else { return }
        for (map, found) in Dictionary(grouping: findings, by: \.map).sorted(by: { $0.key < $1.key }) {
            let reason = SideAudit.reason(map: map, found)
            let old = states[map] ?? .notRunning
            try state.setStates([map], to: .failed, reason: reason, actor: "engine")
            logActivity {
                try state.log(
                    actor: "engine", map: map, event: ActivityEvent.sideWentBack,
                    details: "\(found[0].side) side: " + found.map(\.detail).joined(separator: "; "))
            }
            states[map] = .failed
            held.maps.withLock { _ = $0.insert(map) }
            logger.error("map \(map): \(old.rawValue) → failed: \(reason)")
        }
    }

    /// The side `role` as a SQLite database, for what reaches its file
    /// directly (`operation`, named in the error on a server side).
    func sqliteSide(_ role: SideRole, for operation: String) throws -> SideDatabase {
        guard let side = sides[role] as? SideDatabase else { throw PostgreSQLSide.unsupported(operation) }
        return side
    }

    /// Records, in the state database, how far each map's changes were
    /// applied: only checkpoints already committed in the targets (call it
    /// after ``saveCheckpoints()``), so the record is a lower bound of them.
    func recordApplied() throws {
        var entries: [(map: String, source: SideRole, applied: StateStore.Applied)] = []
        for (direction, byMap) in checkpoints {
            for (map, seq) in byMap where states[map] != .failed && states[map] != .initializing {
                let key = CheckpointID(map: map, source: direction.source)
                guard recordedApplied[key] != seq else { continue }
                let read = lastRead[direction].flatMap { $0.seq == seq ? $0 : nil }
                entries.append(
                    (
                        map, direction.source,
                        StateStore.Applied(seq: seq, at: read?.at, table: read?.table, recordedAt: StateStore.now)
                    ))
            }
        }
        try state.recordApplied(entries)
        for entry in entries {
            recordedApplied[CheckpointID(map: entry.map, source: entry.source)] =
                entry.applied.seq
        }
    }

    /// Throws, after failing every map with the reason, when a side's path
    /// no longer names the file the engine opened: deleted (the engine would
    /// write on into a file nobody will read) or replaced (another database).
    func checkSideFiles() throws {
        for role in SideRole.allCases {
            // A server side has no file to lose; its connection errors are transient errors.
            guard let path = locations[role]?.file else { continue }
            let opened = sideFiles[role]
            let now = FileIdentity(path: path)
            guard now != opened else { continue }
            let what =
                now == nil
                ? "was deleted (or moved away) while the engine ran"
                : "was replaced while the engine ran (it was \(opened.map(\.description) ?? "missing"), now \(now!.description))"
            let reason =
                "the \(role) database \(path) \(what); the engine stopped and wrote nothing more to either side. Put the right file back at \(path), then `tandem run` checks it (a different or older database is refused or fails its maps with the recovery) and `tandem maps run NAME` restarts the maps (docs/OPERATIONS.md, \"Sides that go back in time\")"
            let affected = maps.map(\.name).filter { states[$0] != .failed }
            held.maps.withLock { $0.formUnion(maps.map(\.name)) }
            if !affected.isEmpty { try? state.setStates(affected, to: .failed, reason: reason, actor: "engine") }
            logActivity { try state.log(actor: "engine", map: nil, event: ActivityEvent.sideWentBack, details: reason) }
            for map in affected { states[map] = .failed }
            try? state.engineStopped()
            throw SyncError(.database, reason)
        }
    }
}
