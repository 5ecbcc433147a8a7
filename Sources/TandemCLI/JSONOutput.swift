import Foundation

/// Prints an encodable value as pretty JSON with sorted keys.
func printJSON(_ value: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Encoding the CLI's own Codable structs cannot fail.
    print(String(decoding: try! encoder.encode(value), as: UTF8.self))
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Renders rows as a left-aligned text table with a header. With
/// `wrapLast`, the last column's text is wrapped at that many characters,
/// its further lines indented under the column: a long reason is read
/// whole instead of cut before its cause.
func renderTable(header: [String], rows: [[String]], wrapLast: Int? = nil) -> String {
    var widths = header.map(\.count)
    for row in rows {
        for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    let indent = String(repeating: " ", count: widths.dropLast().reduce(0, +) + 2 * (widths.count - 1))
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            guard index == cells.count - 1 else {
                return cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            guard let wrapLast else { return cell }
            return wrapWords(cell, width: wrapLast).joined(separator: "\n" + indent)
        }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
}

/// `text` in lines of at most `width` characters, broken between words
/// (a word longer than the width has a line of its own).
func wrapWords(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
        if !current.isEmpty, current.count + 1 + word.count > width {
            lines.append(current)
            current = String(word)
        } else {
            current += current.isEmpty ? String(word) : " " + word
        }
    }
    return lines + [current]
}
