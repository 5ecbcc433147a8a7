import Foundation

/// One parked change as operators see it: an error (or a change waiting for
/// its parent) with the change itself.
package struct ErrorEntry: Codable, Sendable, Hashable {
    /// `crm-12`.
    package var id: String
    /// The map.
    package var map: String
    /// The direction it was travelling.
    package var direction: SyncDirection
    /// `error` (refused or failed), `parent` (waits for its parent), `behind`
    /// (waits behind an earlier parked change of its key) or `conflict`.
    package var kind: String
    /// What kind of failure.
    package var errorClass: ErrorClass
    /// Why it is parked.
    package var reason: String
    /// How often it was tried.
    package var attempts: Int
    /// When it was first parked, ms since the epoch.
    package var parkedAt: Double
    /// The change: source sequence number, table, operation, key (`quote()` literals).
    package var sourceSeq: Int64
    package var table: String
    package var operation: String
    package var key: String
    /// Later changes of the same key parked behind this one.
    package var waitingBehind: Int
    /// The change's row, column → `quote()` literal (only from ``ErrorList/entry(_:id:)``).
    package var row: [String: String]?
    /// The entries waiting behind this one (only from ``ErrorList/entry(_:id:)``).
    package var behind: [String]?
    /// A change that has waited for its parent longer than `engine.parent_wait_s`:
    /// an error now, since the parent may never come (a reference in the wrong case).
    package var overdue: Bool?
}

/// Reads the parked changes of an environment's two sides; any process may
/// do this while the engine runs.
package enum ErrorList {
    /// Filters for ``entries(_:filter:)``.
    package struct Filter: Sendable {
        /// Only this map.
        package var map: String?
        /// Only entries parked at or after this time, ms since the epoch.
        package var since: Double?
        /// Only this class.
        package var errorClass: ErrorClass?
        /// Also the changes that only wait behind another of their key.
        package var includeBehind = false

        /// Creates a filter that lets everything but `behind` entries through.
        package init(map: String? = nil, since: Double? = nil, errorClass: ErrorClass? = nil, includeBehind: Bool = false) {
            self.map = map
            self.since = since
            self.errorClass = errorClass
            self.includeBehind = includeBehind
        }
    }

    /// The parked changes on both sides, oldest first; throws if a side cannot be read.
    package static func entries(_ environment: TandemEnvironment, filter: Filter = Filter()) throws -> [ErrorEntry] {
        let (entries, unreadable) = try readableEntries(environment, filter: filter)
        if let (role, why) = unreadable.sorted(by: { $0.key.rawValue < $1.key.rawValue }).first {
            throw SyncError(.database, "the \(role) side cannot be read: \(why)")
        }
        return entries
    }

    /// The parked changes of every side that can be read now, oldest first,
    /// and why each other side could not be (a server down): the list still
    /// shows the other side's errors and the engine's open incidents, which
    /// is when an admin needs it most.
    package static func readableEntries(_ environment: TandemEnvironment, filter: Filter = Filter()) throws
        -> (entries: [ErrorEntry], unreadable: [SideRole: String])
    {
        var result: [ErrorEntry] = []
        var unreadable: [SideRole: String] = [:]
        for (role, location) in try environment.locations().sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            do {
                let side = try location.open(role: role, busyTimeout: environment.config.engine.busyTimeoutSeconds)
                result += try side.parkedRecords(id: nil, filter: filter).map {
                    entry($0, side: role, parentWait: environment.config.engine.parentWaitSeconds)
                }
            } catch {
                unreadable[role] = "\(error)"
            }
        }
        // Sides that keep failing: one entry per incident, for the maps it holds up.
        if filter.errorClass == nil || filter.errorClass == .transient {
            for incident in try environment.openState().openIncidents() {
                if let map = filter.map, !incident.maps.contains(map) { continue }
                if let since = filter.since, incident.lastAt < since { continue }
                result.append(
                    ErrorEntry(
                        id: "engine-\(incident.id)", map: incident.maps.joined(separator: ","), direction: .erpToCrm, kind: "error",
                        errorClass: .transient,
                        reason: "the sides have kept failing since \(LogEntry.iso8601(incident.startedAt)) (latest "
                            + "\(LogEntry.iso8601(incident.lastAt))): \(incident.error); the engine keeps retrying",
                        attempts: 0, parkedAt: incident.startedAt, sourceSeq: 0, table: "", operation: "", key: "", waitingBehind: 0, row: nil,
                        behind: nil))
            }
        }
        return (result.sorted { ($0.parkedAt, $0.id) < ($1.parkedAt, $1.id) }, unreadable)
    }

    /// One entry with its row decoded and the entries waiting behind it.
    package static func entry(_ environment: TandemEnvironment, id: ErrorID) throws -> ErrorEntry {
        let sides = try environment.openEndpoints()
        let found = try sides[id.side]!.parkedRecords(id: id.number, filter: Filter()).first.map { record in
            var result = entry(record, side: id.side, parentWait: environment.config.engine.parentWaitSeconds)
            result.behind = try sides[id.side]!.parkedBehind(record).map { ErrorID(side: id.side, number: $0).description }
            return (result, record.row)
        }
        guard let found else {
            // Gone from the side, but the log's history knows how it left.
            if let cleared = try environment.openState().cleared(id) {
                throw SyncError(
                    .state,
                    "\(id) is no longer parked: \(cleared.how); `tandem log --key \(cleared.key)` shows its story, `tandem errors list` the current ones"
                )
            }
            throw SyncError(.state, "there is no parked change \(id) (it may have been applied or discarded); `tandem errors list` shows the current ones")
        }
        var result = found.0
        let text = found.1
        // Column names come from the source side's capture record.
        let columns = try sides[result.direction.source]!.capturedColumns()[result.table] ?? []
        // As written, not decoded: a change parked for text that is not valid UTF-8 still shows every column.
        if let text, let literals = SQLLiteral.split(text) {
            var row: [String: String] = [:]
            for (index, literal) in literals.enumerated() {
                row[index < columns.count ? columns[index] : "column \(index + 1)"] = literal
            }
            result.row = row
        }
        return result
    }

    private static func entry(_ record: ParkedRecord, side: SideRole, parentWait: Int) -> ErrorEntry {
        let source = SideRole(rawValue: record.source) ?? side.other
        var result = ErrorEntry(
            id: ErrorID(side: side, number: record.id).description, map: record.map, direction: SyncDirection(from: source),
            kind: record.kind, errorClass: record.errorClass, reason: record.reason, attempts: record.attempts,
            parkedAt: record.parkedAt, sourceSeq: record.seq, table: record.table, operation: record.operation,
            key: record.key, waitingBehind: record.waiting, row: nil, behind: nil, overdue: false)
        let waited = (StateStore.now - result.parkedAt) / 1000
        if result.kind == "parent", waited > Double(parentWait) {
            // Still retried whenever its parent may have come; but after this long the
            // likely cause is a value that names no parent at all.
            result.overdue = true
            result.reason +=
                "; it has waited \(duration(waited)), longer than engine.parent_wait_s (\(duration(Double(parentWait)))): "
                + "check that the value matches the parent's key exactly, case included, and that the parent's map "
                + "runs; then `tandem errors retry \(result.id)`, or discard it"
        }
        return result
    }

    /// `45s`, `12m`, `2h 5m`, `3d 4h`: how long something waited, to the unit that matters.
    package static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds))
        switch total {
        case ..<60: return "\(total)s"
        case ..<3600: return "\(total / 60)m"
        case ..<86_400: return "\(total / 3600)h" + (total % 3600 / 60 > 0 ? " \(total % 3600 / 60)m" : "")
        default: return "\(total / 86_400)d" + (total % 86_400 / 3600 > 0 ? " \(total % 86_400 / 3600)h" : "")
        }
    }
}
