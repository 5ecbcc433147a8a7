import Foundation

/// One line of the merged log (`tandem log`): an activity entry, a parked
/// change (error) or a conflict.
package struct LogEntry: Codable, Hashable, Sendable {
    /// Where an entry comes from.
    package enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// The state database's activity log: what the engine, operators and rules did.
        case activity
        /// A change parked on a side (`tandem errors`).
        case error
        /// A conflict recorded on a side (`tandem conflicts`).
        case conflict
    }

    /// Names this entry's place in the merged order; `--before CURSOR` pages back from it.
    package var cursor: String
    /// When it happened, ms since the epoch.
    package var at: Double
    /// The same time, ISO 8601 in UTC with milliseconds.
    package var time: String
    /// Its source.
    package var kind: Kind
    /// What happened (``ActivityEvent``; `change parked` or `conflict detected` for the other kinds).
    package var event: String
    /// The map concerned, if any.
    package var map: String?
    /// For errors and conflicts, the side that holds the entry (the side its ID names).
    package var side: SideRole?
    /// For errors and conflicts, the key (`quote()` literals, as the side stores it).
    package var key: String?
    /// Who did it: `engine`, `cli:USER`, `rule:NAME`; for errors and conflicts, `engine`.
    package var actor: String
    /// `activity-41`, or the error or conflict ID (`crm-12`) that `tandem errors|conflicts show` takes.
    package var id: String
    /// What happened in words.
    package var details: String?

    /// `2026-11-29T10:00:00.123Z`.
    package static func iso8601(_ milliseconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: milliseconds / 1000))
    }
}
