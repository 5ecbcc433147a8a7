import Foundation

/// Reads `--since` values and prints times relative to now.
enum TimeFilter {
    /// `30s`, `15m`, `2h`, `7d` ago, or an ISO 8601 date or date-time, as ms since the epoch.
    static func milliseconds(_ text: String, option: String, now: Date = Date()) throws -> Double {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let unit = text.last, let seconds = units[unit], let amount = Double(text.dropLast()), amount >= 0 {
            return (now.timeIntervalSince1970 - amount * seconds) * 1000
        }
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date.timeIntervalSince1970 * 1000 }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return date.timeIntervalSince1970 * 1000 }
        throw CLIError("\(option) '\(text)' is neither a duration (30s, 15m, 2h, 7d) nor a date (2026-11-29 or 2026-11-29T10:00:00Z)")
    }

    /// `12s ago`, `5m ago`, `3h ago`, `2d ago`.
    static func ago(_ milliseconds: Double, now: Date = Date()) -> String {
        let seconds = max(0, Int(now.timeIntervalSince1970 - milliseconds / 1000))
        switch seconds {
        case ..<60: return "\(seconds)s ago"
        case ..<3600: return "\(seconds / 60)m ago"
        case ..<86_400: return "\(seconds / 3600)h ago"
        default: return "\(seconds / 86_400)d ago"
        }
    }
}
