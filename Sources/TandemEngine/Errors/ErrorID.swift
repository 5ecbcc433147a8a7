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

    /// Parses `crm-12` or `erp-3`.
    package init(parsing text: String) throws(SyncError) {
        let parts = text.split(separator: "-", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0] == "engine", Int64(parts[1]) != nil {
            throw SyncError(
                .state,
                "\(text) is a transient error: the engine keeps retrying, and it clears by itself once the side works again (`tandem status` shows the last error)")
        }
        guard parts.count == 2, let side = SideRole(rawValue: parts[0].lowercased()), let number = Int64(parts[1]), number > 0 else {
            if let number = Int64(text) {
                throw SyncError(
                    .state, "error ID '\(text)' needs its side: crm-\(number) or erp-\(number), as `tandem errors list` shows")
            }
            throw SyncError(.state, "'\(text)' is not an error ID; IDs look like crm-12 or erp-3 (see `tandem errors list`)")
        }
        self.init(side: side, number: number)
    }

    /// `crm-12`.
    package var description: String { "\(side.rawValue)-\(number)" }
}
