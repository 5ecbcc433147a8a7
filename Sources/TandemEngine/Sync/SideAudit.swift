import Foundation

/// Notices a side that went back in time: a database restored from an
/// older backup, or replaced by another copy, under an environment whose
/// other side and state database remember more.
///
/// Two independent signals, for each map and direction (X → Y):
/// - X's change log is behind what was applied from it: its sequence
///   (`sqlite_sequence`, which pruning never lowers) ends below the
///   checkpoint stored in Y, or below what the state database recorded as
///   applied; or the change under that recorded number is another change
///   (X was restored and numbered new changes again). New changes of X
///   would get numbers that count as applied: skipped, silently.
/// - Y's checkpoint for X is below what the state database recorded as
///   applied: Y lost rows it had received.
///
/// The state database's record is a lower bound the engine writes after the
/// checkpoints it names were committed (``StateStore/recordApplied(_:)``),
/// so a healthy side is never behind it.
package struct SideAudit {
    /// A map that cannot go on, because `side` went back.
    struct Finding: Hashable, Sendable {
        var map: String
        var side: SideRole
        var detail: String
    }

    /// One map's directions, as the audit needs them.
    struct MapDirections {
        var name: String
        var directions: [SyncDirection]
    }

    /// What one side's database says now.
    struct SideFacts {
        /// Checkpoints stored here.
        var checkpoints: [CheckpointID: Int64]
        /// The change log's high-water mark: the last number it gave out.
        var head: Int64
    }

    /// Reads what the audit needs from `side`.
    static func facts(_ side: any SideEndpoint) throws -> SideFacts {
        let facts = try side.auditFacts()
        return SideFacts(checkpoints: facts.checkpoints, head: facts.head)
    }

    /// Every map that cannot go on, with the side that went back and why.
    static func check(
        _ maps: [MapDirections], sides: [SideRole: any SideEndpoint], applied: [String: [SideRole: StateStore.Applied]]
    ) throws -> [Finding] {
        var facts: [SideRole: SideFacts] = [:]
        for (role, side) in sides { facts[role] = try Self.facts(side) }
        var findings: [Finding] = []
        for map in maps {
            for direction in map.directions {
                let source = direction.source
                let target = direction.target
                let head = facts[source]!.head
                let stored = facts[target]!.checkpoints[CheckpointID(map: map.name, source: source)]
                let recorded = applied[map.name]?[source]
                let sourceFile = sides[source]!.location
                if let stored, stored > head {
                    findings.append(
                        Finding(
                            map: map.name, side: source,
                            detail:
                                "the \(source) database \(sourceFile) numbers its changes up to \(head), but the \(target) side has applied its changes up to \(stored)"
                        ))
                } else if let recorded, recorded.seq > head {
                    findings.append(
                        Finding(
                            map: map.name, side: source,
                            detail:
                                "the \(source) database \(sourceFile) numbers its changes up to \(head), but the engine had applied its changes up to \(recorded.seq)"
                        ))
                } else if let recorded, let at = recorded.at, let table = recorded.table,
                    let found = try sides[source]!.changeIdentity(recorded.seq), found.at != at || found.table != table
                {
                    findings.append(
                        Finding(
                            map: map.name, side: source,
                            detail:
                                "change \(source):\(recorded.seq) in \(sourceFile) is not the change the engine applied under that number (\(found.table) at \(Int64(found.at)) ms, applied: \(table) at \(Int64(at)) ms): the database was restored and numbered new changes again"
                        ))
                }
                if let recorded, (stored ?? 0) < recorded.seq {
                    findings.append(
                        Finding(
                            map: map.name, side: target,
                            detail:
                                "the \(target) database \(sides[target]!.location) says it has applied \(source) changes up to \(stored ?? 0), but the engine had applied them up to \(recorded.seq): changes \(source):\((stored ?? 0) + 1)…\(recorded.seq) are missing there"
                        ))
                }
            }
        }
        return findings
    }

    /// What every reason of a map failed by the audit says; `tandem maps run`
    /// refuses such a map and names the recovery instead.
    package static let marker = "side went back in time"

    /// The reason a map fails with: the side, what was found, the recovery.
    static func reason(map: String, _ findings: [Finding]) -> String {
        let side = findings[0].side
        return "the \(side) \(marker) (restored from an older backup, or replaced): "
            + findings.map(\.detail).joined(separator: "; ")
            + ". Recover with `tandem maps recover \(map) --resend` (re-sends from the other side's change log) or `tandem maps recover \(map) --initial-sync --master erp|crm` (docs/OPERATIONS.md, \"Sides that go back in time\")"
    }
}
