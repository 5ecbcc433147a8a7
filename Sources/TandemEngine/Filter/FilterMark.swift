/// Where a filter's text starts in tandem.yaml, so that an error found
/// later (an unknown column, once the table is known) still points at its
/// character as `FILE:LINE:COLUMN`.
package struct FilterMark: Hashable, Sendable {
    /// The config file.
    package var file: String
    /// The setting, e.g. `maps[0].filters.erp_to_crm`.
    package var path: String
    /// 1-based line of the text's first character.
    package var line: Int
    /// 1-based column of the text's first character.
    package var column: Int
    /// Whether the text is one line of the file as written (a plain or
    /// quoted scalar): then a character's column is the start's plus its
    /// offset; otherwise only the start is known.
    package var oneLine: Bool
    /// Offsets (into the text) of characters that the file writes with one
    /// more character (a `'` doubled in a single-quoted scalar).
    package var doubled: [Int]

    /// Creates a mark.
    package init(file: String, path: String, line: Int, column: Int, oneLine: Bool, doubled: [Int] = []) {
        self.file = file
        self.path = path
        self.line = line
        self.column = column
        self.oneLine = oneLine
        self.doubled = doubled
    }

    /// Line and column in the file of the character at `offset` in the text
    /// (the text's start when it is not one line as written).
    package func position(offset: Int) -> (line: Int, column: Int) {
        guard oneLine else { return (line, column) }
        return (line, column + offset + doubled.filter { $0 < offset }.count)
    }

    /// `FILE:LINE:COLUMN` of the character at `offset` in the text.
    package func place(offset: Int) -> String {
        let (line, column) = position(offset: offset)
        return "\(file):\(line):\(column)"
    }
}
