import Foundation

/// One recorded conflict: the same key changed on both sides since they were
/// last in step, with both versions, the policy and what it decided.
package struct ConflictEntry: Codable, Sendable, Hashable {
    /// `crm-3`: the side that stores it (whose edits conflicted with the incoming change) and its number there.
    package var id: String
    /// The map.
    package var map: String
    /// The key as that side stores it (`quote()` literals).
    package var key: String
    /// The map's policy when it happened.
    package var policy: String
    /// `open` (waits for `tandem conflicts resolve`) or `resolved`.
    package var status: String
    /// `erp`, `crm`, `merged` or `none` (still open).
    package var winner: String
    /// What was decided and why.
    package var outcome: String?
    /// When it was detected, ms since the epoch.
    package var at: Double
    /// The incoming change: its side, sequence number and row (column → `quote()` literal).
    package var source: SideRole
    package var sourceSeq: Int64
    package var sourceRow: [String: String]?
    /// The target columns the incoming update changed (nil: an insert or delete).
    package var sourceChanged: [String]?
    /// The other side's pending edit: the first one's sequence number, the latest row, the columns changed.
    package var targetSeq: Int64
    package var targetRow: [String: String]?
    package var targetChanged: [String]?
    /// Who resolved it and when.
    package var resolvedBy: String?
    package var resolvedAt: Double?
}

/// Reads the conflicts recorded on an environment's two sides.
package enum ConflictList {
    /// Conflicts, oldest first, optionally of one map, since a time (ms), or
    /// only open ones; throws if a side cannot be read.
    package static func entries(
        _ environment: TandemEnvironment, map: String? = nil, since: Double? = nil, openOnly: Bool = false
    ) throws -> [ConflictEntry] {
        let (entries, unreadable) = try readableEntries(environment, map: map, since: since, openOnly: openOnly)
        if let (role, why) = unreadable.sorted(by: { $0.key.rawValue < $1.key.rawValue }).first {
            throw SyncError(.database, "the \(role) side cannot be read: \(why)")
        }
        return entries
    }

    /// The conflicts kept on every side that can be read now, oldest first,
    /// and why each other side could not be (a server down): the other
    /// side's conflicts are still listed. A row kept for the side that
    /// cannot be read comes without column names (they are that side's).
    package static func readableEntries(
        _ environment: TandemEnvironment, map: String? = nil, since: Double? = nil, openOnly: Bool = false
    ) throws -> (entries: [ConflictEntry], unreadable: [SideRole: String]) {
        var sides: [SideRole: any SideEndpoint] = [:]
        var columns: [SideRole: [String: [String]]] = [:]
        var unreadable: [SideRole: String] = [:]
        for (role, location) in try environment.locations() {
            do {
                let side = try location.open(role: role, busyTimeout: environment.config.engine.busyTimeoutSeconds)
                columns[role] = try side.capturedColumns()
                sides[role] = side
            } catch {
                unreadable[role] = "\(error)"
            }
        }
        var result: [ConflictEntry] = []
        for role in SideRole.allCases {
            guard let side = sides[role] else { continue }
            do {
                result += try side.conflicts(id: nil, map: map, since: since, openOnly: openOnly).map {
                    entry($0, side: role, columns: columns)
                }
            } catch {
                unreadable[role] = "\(error)"
            }
        }
        return (result.sorted { ($0.at, $0.id) < ($1.at, $1.id) }, unreadable)
    }

    /// One conflict by ID.
    package static func entry(_ environment: TandemEnvironment, id: ErrorID) throws -> ConflictEntry {
        let sides = try environment.openEndpoints()
        let columns = try captureColumns(sides)
        guard let entry = try sides[id.side]!.conflict(id: id.number).map({ entry($0, side: id.side, columns: columns) })
        else {
            throw SyncError(.state, "there is no conflict \(id); `tandem conflicts list` shows the recorded ones")
        }
        return entry
    }

    /// Each side's captured tables with their column lists, to name the values of stored rows.
    private static func captureColumns(_ sides: [SideRole: any SideEndpoint]) throws -> [SideRole: [String: [String]]] {
        var result: [SideRole: [String: [String]]] = [:]
        for (role, side) in sides { result[role] = try side.capturedColumns() }
        return result
    }

    private static func entry(_ stored: StoredConflict, side: SideRole, columns: [SideRole: [String: [String]]]) -> ConflictEntry {
        let record = stored.record
        let source = SideRole(rawValue: record.source) ?? side.other
        func decode(_ text: String?, _ role: SideRole, _ table: String?) -> [String: String]? {
            // As written, not decoded (text that is not valid UTF-8 shows as `TX'..'`).
            guard let text, let literals = SQLLiteral.split(text) else { return nil }
            let names = table.flatMap { columns[role]?[$0] } ?? []
            var result: [String: String] = [:]
            for (index, literal) in literals.enumerated() {
                result[index < names.count ? names[index] : "column \(index + 1)"] = literal
            }
            return result
        }
        func list(_ text: String?) -> [String]? { text.map { $0.isEmpty ? [] : $0.split(separator: ",").map(String.init) } }
        return ConflictEntry(
            id: ErrorID(side: side, number: stored.id).description, map: record.map, key: record.key, policy: record.policy,
            status: record.status, winner: record.winner, outcome: record.outcome.isEmpty ? nil : record.outcome, at: stored.at,
            source: source, sourceSeq: record.sourceSeq,
            sourceRow: decode(record.sourceRow, source, record.sourceTable.isEmpty ? nil : record.sourceTable),
            sourceChanged: list(record.sourceChanged), targetSeq: record.targetSeq,
            targetRow: decode(record.targetRow, side, record.targetTable.isEmpty ? nil : record.targetTable),
            targetChanged: list(record.targetChanged), resolvedBy: stored.resolvedBy, resolvedAt: stored.resolvedAt)
    }
}
