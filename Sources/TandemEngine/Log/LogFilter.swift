import Foundation
import GRDB

/// What `tandem log` keeps. Every condition is pushed into the SQL of each
/// source, so a filter costs an index range, not a scan of the whole log.
package struct LogFilter: Sendable, Hashable {
    /// Only these maps (empty: all).
    package var maps: Set<String> = []
    /// Only errors and conflicts held by this side. Activity entries belong
    /// to the environment or a map, not to a side, so this drops them.
    package var side: SideRole?
    /// Only these kinds. With ``events``: an entry is kept when its kind or
    /// its event is listed; both empty keep every entry.
    package var kinds: Set<LogEntry.Kind> = []
    /// Only these events (see ``ActivityEvent``), or kinds (``kinds``).
    package var events: Set<String> = []
    /// Only entries about this key: errors and conflicts whose key is it,
    /// activity entries whose details name it.
    package var key: String?
    /// Only entries at or after this time, ms since the epoch.
    package var since: Double?
    /// Only entries before this time, ms since the epoch.
    package var until: Double?

    /// Creates a filter that keeps everything.
    package init() {}

    /// The stored forms `key` may take: as typed when it is already in
    /// `quote()` form (`'usmf','10'`, `5000`), and with each comma-separated
    /// part as text or, when it reads as a number, as a number (`usmf,10`).
    static func keyForms(_ key: String) -> [String] {
        var forms: [String] = []
        if let values = try? SQLLiteral.parseList(key) { forms.append(SQLLiteral.quoteList(values)) }
        var combinations = [""]
        for (index, raw) in key.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let part = raw.trimmingCharacters(in: .whitespaces)
            var options = [SQLLiteral.quote(.text(part))]
            if let integer = Int64(part) { options.append(String(integer)) }
            combinations = combinations.flatMap { prefix in options.map { index == 0 ? $0 : prefix + "," + $0 } }
            // A key of many numeric parts: the forms double with each; beyond this, typed forms must do.
            if combinations.count > 64 { break }
        }
        for form in combinations where !forms.contains(form) { forms.append(form) }
        if !forms.contains(key) { forms.append(key) }
        return forms
    }
}
