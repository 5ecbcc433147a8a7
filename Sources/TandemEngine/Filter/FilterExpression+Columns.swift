extension FilterExpression {
    /// The filter with each column spelled as `columns` (the source table's)
    /// spell it; a name matches without regard to ASCII case, as SQLite and
    /// the map's other settings match names. Throws at the first name the
    /// table lacks, naming it and its closest columns.
    package func resolved(columns: [String]) throws(FilterError) -> FilterExpression {
        try mapColumns { (column: FilterColumn) throws(FilterError) -> String in
            if let exact = columns.first(where: { $0 == column.name }) { return exact }
            if let folded = columns.first(where: { $0.lowercased() == column.name.lowercased() }) { return folded }
            let close = Self.closeNames(to: column.name, in: columns)
            let hint =
                close.isEmpty
                ? "the table's columns are \(columns.joined(separator: ", "))"
                : "close names: \(close.joined(separator: ", "))"
            throw FilterError(offset: column.offset, "the table has no column '\(column.name)'; \(hint)")
        }
    }

    /// Up to five of `columns` nearest `name` by edit distance (ignoring
    /// case), or containing it; none when nothing is near.
    static func closeNames(to name: String, in columns: [String]) -> [String] {
        let wanted = Array(name.lowercased())
        let scored = columns.map { column -> (String, Int) in
            let candidate = column.lowercased()
            var distance = editDistance(wanted, Array(candidate))
            if candidate.contains(String(wanted)) || String(wanted).contains(candidate) {
                distance = min(distance, 1)
            }
            return (column, distance)
        }
        let limit = max(2, wanted.count / 3)
        return scored.filter { $0.1 <= limit }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(5).map(\.0)
    }

    /// Levenshtein distance between two character arrays.
    private static func editDistance(_ left: [Character], _ right: [Character]) -> Int {
        guard !left.isEmpty else { return right.count }
        guard !right.isEmpty else { return left.count }
        var previous = Array(0...right.count)
        for (i, leftCharacter) in left.enumerated() {
            var row = [i + 1] + Array(repeating: 0, count: right.count)
            for (j, rightCharacter) in right.enumerated() {
                row[j + 1] = min(
                    previous[j + 1] + 1, row[j] + 1, previous[j] + (leftCharacter == rightCharacter ? 0 : 1))
            }
            previous = row
        }
        return previous[right.count]
    }
}
