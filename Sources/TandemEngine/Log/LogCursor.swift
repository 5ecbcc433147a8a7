/// A position in the merged log's order: time, then source, then the entry's
/// number in its source. Printed as `AT:SOURCE:ID` (`1764410400123.5:0:41`);
/// treat it as opaque.
///
/// Every source's numbers only grow (AUTOINCREMENT), so the order is total
/// and stable: entries written later never land between two pages already
/// read at the same time, except at an identical millisecond.
package struct LogCursor: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// ms since the epoch.
    package var at: Double
    /// The source's rank (``LogSource/rank``).
    package var source: Int
    /// The entry's number in its source.
    package var id: Int64

    /// Creates a cursor.
    package init(at: Double, source: Int, id: Int64) {
        self.at = at
        self.source = source
        self.id = id
    }

    /// Parses a printed cursor.
    package init(parsing text: String) throws(SyncError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let at = Double(parts[0]), at.isFinite, let source = Int(parts[1]),
            LogSource.all.indices.contains(source), let id = Int64(parts[2])
        else {
            throw SyncError(
                .state,
                "'\(text)' is not a log cursor; use the one `tandem log` printed (--before AT:SOURCE:ID, e.g. 1764410400123.5:0:41)"
            )
        }
        self.init(at: at, source: source, id: id)
    }

    /// `AT:SOURCE:ID`; the time keeps every digit, so the cursor finds its entry again exactly.
    package var description: String { "\(at):\(source):\(id)" }

    /// Merged order: older first.
    package static func < (lhs: LogCursor, rhs: LogCursor) -> Bool {
        (lhs.at, lhs.source, lhs.id) < (rhs.at, rhs.source, rhs.id)
    }
}
