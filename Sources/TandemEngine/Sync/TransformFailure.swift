import Foundation
import TandemPluginHost

/// A transform's failure on one row, as the error list shows it: the cause
/// first, with the column and its value, and the transform's name once.
///
/// Bad data that a transform refuses (status invalid data: a value not in a
/// value map, an eleventh decimal) is class `application`, as OPERATIONS.md
/// defines it: fixing the data fixes it, and an alert rule on application
/// errors must see it. Anything else (an internal error, a broken ABI rule)
/// is the plugin's, class `plugin`.
///
/// Before, a reason read `transform T: plugin P: process (T) failed (code 3,
/// invalid data): T: row 0: ...`: the name three times, and a row number
/// that is always 0 because the host reruns a failed batch row by row. The
/// list view cut it at 100 characters, before the cause.
enum TransformFailure {
    /// The error for the row whose `columns` held `values` when transform `name` failed with `error`.
    static func error(_ error: any Error, transform name: String, columns: [String], values: [SideValue]) -> SyncError {
        guard let call = error as? PluginCallError else {
            return SyncError(.plugin, "transform \(name) failed: \(error)")
        }
        guard call.isInvalidData else {
            // The plugin's description names the transform (`process (T)`) and the plugin once.
            return SyncError(.plugin, call.description)
        }
        let cause = cleaned(call.message, transform: name, columns: columns)
        // The value is said once: value maps and currency precision already quote it.
        let named = zip(columns, values).map { column, value in
            let literal = literal(value)
            let raw = raw(value)
            // A short text ("No") would be found by chance in any message.
            let said = cause.contains(literal) || (raw.count >= 3 && cause.contains(raw))
            return said ? column : "\(column) = \(literal)"
        }
        return SyncError(
            .badValue,
            "column\(columns.count == 1 ? "" : "s") \(named.joined(separator: ", ")): \(cause) (transform \(name))")
    }

    /// The plugin's message without what the reason says already: a leading
    /// `T: `, the row number of a one-row batch and a leading `column 'C': `.
    static func cleaned(_ message: String, transform name: String, columns: [String]) -> String {
        var text = message
        if text.hasPrefix("\(name): ") { text.removeFirst(name.count + 2) }
        for phrase in ["row 0: ", "row 0 of "] where text.hasPrefix(phrase) { text.removeFirst(phrase.count) }
        for phrase in [", row 0", " in row 0", " at row 0"] { text = text.replacingOccurrences(of: phrase, with: "") }
        for column in columns {
            for prefix in ["column '\(column)': ", "column \(column): ", "column '\(column)' "]
            where text.hasPrefix(prefix) {
                text.removeFirst(prefix.count)
            }
        }
        return text
    }

    /// The value as SQL writes it: `'text'`, `42`, `NULL`.
    private static func literal(_ value: SideValue) -> String {
        switch value {
        case .null: "NULL"
        case .integer(let integer): "\(integer)"
        case .real(let real): "\(real)"
        case .text(let text): "'\(text.prefix(60))'"
        case .blob(let data): "a blob of \(data.count) bytes"
        }
    }

    /// The value's text without quotes, to find it in the plugin's message.
    private static func raw(_ value: SideValue) -> String {
        switch value {
        case .null, .blob: ""
        case .integer(let integer): "\(integer)"
        case .real(let real): "\(real)"
        case .text(let text): String(text.prefix(60))
        }
    }
}
