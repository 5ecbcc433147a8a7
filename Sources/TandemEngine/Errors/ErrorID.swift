/// Names one parked change: the side that stores it (the side it was to be
/// applied to) and its number there, written `crm-12`.
package struct ErrorID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The side whose `_tandem_parked` holds the entry.
    package var side: SideRole
    /// The entry's number on that side.
    package var number: Int64

    /// Creates an ID.
    package init(side: SideRole, number: Int64) {
        self.side = side
        self.number = number
    }

    /// Parses `crm-12` or `erp-3`: an entry of the error list, or of the
    /// conflict list when `conflict` (which the messages then name).
    package init(parsing text: String, conflict: Bool = false) throws(SyncError) {
        let (what, list) = conflict ? ("conflict", "tandem conflicts list") : ("error", "tandem errors list")
        let parts = text.split(separator: "-", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0] == "engine", Int64(parts[1]) != nil {
            throw SyncError(
                .state,
                "\(text) is a transient error: the engine keeps retrying, and it clears by itself once the side works again (`tandem status` shows the last error)")
        }
        guard parts.count == 2, let side = SideRole(rawValue: parts[0].lowercased()), let number = Int64(parts[1]), number > 0 else {
            if let number = Int64(text) {
                throw SyncError(
                    .state, "\(what) ID '\(text)' needs its side: crm-\(number) or erp-\(number), as `\(list)` shows")
            }
            throw SyncError(.state, "'\(text)' is not \(conflict ? "a" : "an") \(what) ID; IDs look like crm-12 or erp-3 (see `\(list)`)")
        }
        self.init(side: side, number: number)
    }

    /// `crm-12`.
    package var description: String { "\(side.rawValue)-\(number)" }
}
