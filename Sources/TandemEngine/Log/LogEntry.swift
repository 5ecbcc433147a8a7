import Foundation

/// One line of the merged log (`tandem log`): an activity entry, a parked
/// change (error) or a conflict.
public struct LogEntry: Codable, Hashable, Sendable {
    /// Where an entry comes from.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// The state database's activity log: what the engine, operators and rules did.
        case activity
        /// A change parked on a side (`tandem errors`).
        case error
        /// A conflict recorded on a side (`tandem conflicts`).
        case conflict
    }

    /// Names this entry's place in the merged order; `--before CURSOR` pages back from it.
    public var cursor: String
    /// When it happened, ms since the epoch.
    public var at: Double
    /// The same time, ISO 8601 in UTC with milliseconds.
    public var time: String
    /// Its source.
    public var kind: Kind
    /// What happened (``ActivityEvent``; `change parked` or `conflict detected` for the other kinds).
    public var event: String
    /// The map concerned, if any.
    public var map: String?
    /// For errors and conflicts, the side that holds the entry (the side its ID names).
    public var side: SideRole?
    /// For errors and conflicts, the key (`quote()` literals, as the side stores it).
    public var key: String?
    /// Who did it: `engine`, `cli:USER`, `rule:NAME`; for errors and conflicts, `engine`.
    public var actor: String
    /// `activity-41`, or the error or conflict ID (`crm-12`) that `tandem errors|conflicts show` takes.
    public var id: String
    /// What happened in words.
    public var details: String?

    /// `2026-11-29T10:00:00.123Z`.
    public static func iso8601(_ milliseconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: milliseconds / 1000))
    }
}
