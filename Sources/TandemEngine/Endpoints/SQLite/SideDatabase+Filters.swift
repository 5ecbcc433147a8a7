import GRDB

/// What a SQLite side tells `tandem status` and `tandem maps validate`
/// about a map's filter: the filter is SQLite's own expression language
/// (``RowFilter``), so the side evaluates it over the table, as the engine
/// does row by row.
extension SideDatabase {
    func rowsOutside(filter: String, table: String) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM \(CaptureSchema.identifier(table)) WHERE \(Self.leftOut(filter))") ?? 0
        }
    }

    func filterMisses(filter: String, table: String) throws -> FilterMisses {
        let columns = try columnTypes(of: table).map(\.name)
        let (names, literals) = Self.tokens(filter)
        // The table's columns the filter reads; SQLite matches names without regard to case.
        var read: [String] = []
        for name in names {
            if let column = columns.first(where: { $0.lowercased() == name.lowercased() }), !read.contains(column) {
                read.append(column)
            }
        }
        let from = "FROM \(CaptureSchema.identifier(table)) WHERE \(Self.leftOut(filter))"
        return try queue.read { db in
            var result = FilterMisses()
            for column in read {
                let name = CaptureSchema.identifier(column)
                // A filter that tests the column for NULL itself (`SALESORDERNUMBER IS NOT NULL`) means
                // to leave those rows out: no warning.
                let nulls =
                    Self.testsNull(column, in: names)
                    ? 0 : try Int.fetchOne(db, sql: "SELECT COUNT(*) \(from) AND \(name) IS NULL") ?? 0
                result.nulls.append((column, nulls))
                for literal in Set(literals).sorted() {
                    let text = CaptureSchema.literal(literal)
                    let rows = try Row.fetchAll(
                        db,
                        sql: """
                            SELECT CAST(\(name) AS TEXT), COUNT(*) \(from) AND typeof(\(name)) = 'text' AND \(name) <> \(text)
                            AND lower(trim(\(name))) = lower(trim(\(text))) GROUP BY \(name) ORDER BY 2 DESC, 1 LIMIT 5
                            """)
                    for row in rows {
                        result.nearMisses.append(
                            FilterMisses.NearMiss(column: column, value: row[0] ?? "", literal: literal, rows: row[1]))
                    }
                }
            }
            result.nearMisses.sort { $0.rows > $1.rows }
            return result
        }
    }

    /// The condition of a row that `filter` leaves out: false or NULL, as ``RowFilter`` judges it.
    private static func leftOut(_ filter: String) -> String {
        "NOT (CASE WHEN (\(filter)) THEN 1 ELSE 0 END)"
    }

    /// Whether `words` (a filter's, see ``tokens(_:)``) test `column` for
    /// NULL: `column IS [NOT] NULL`, `column ISNULL`/`NOTNULL`/`NOT NULL`, or
    /// `coalesce(column…`/`ifnull(column…`.
    static func testsNull(_ column: String, in words: [String]) -> Bool {
        let upper = words.map { $0.uppercased() }
        let name = column.uppercased()
        for (index, word) in upper.enumerated() where word == name {
            let next = upper.dropFirst(index + 1).prefix(3)
            if next.first == "ISNULL" || next.first == "NOTNULL" { return true }
            if ["IS", "NOT"].contains(next.first), next.dropFirst().prefix(2).contains("NULL") { return true }
            if index > 0, ["COALESCE", "IFNULL"].contains(upper[index - 1]) { return true }
        }
        return false
    }

    /// The words (candidate column names) and the text literals of an SQL
    /// expression, in order: quoted names (`"a b"`, `[a]`, `` `a` ``) count
    /// as words; what is inside a text literal does not.
    static func tokens(_ expression: String) -> (words: [String], literals: [String]) {
        var words: [String] = []
        var literals: [String] = []
        let characters = Array(expression)
        var index = 0
        /// The text up to `close`, where a doubled `close` stands for one.
        func quoted(_ close: Character) -> String {
            var text = ""
            index += 1
            while index < characters.count {
                if characters[index] == close {
                    if index + 1 < characters.count, characters[index + 1] == close, close != "]" {
                        text.append(close)
                        index += 2
                        continue
                    }
                    index += 1
                    break
                }
                text.append(characters[index])
                index += 1
            }
            return text
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "'": literals.append(quoted("'"))
            case "\"": words.append(quoted("\""))
            case "`": words.append(quoted("`"))
            case "[": words.append(quoted("]"))
            case "-" where index + 1 < characters.count && characters[index + 1] == "-":
                while index < characters.count, characters[index] != "\n" { index += 1 }
            case _ where character.isLetter || character == "_":
                var word = ""
                while index < characters.count,
                    characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
                        || characters[index] == "$"
                {
                    word.append(characters[index])
                    index += 1
                }
                words.append(word)
            case _ where character.isNumber:
                // A number (`1e5`, `0x1F`): its letters are no column.
                while index < characters.count, characters[index].isLetter || characters[index].isNumber
                    || characters[index] == "."
                {
                    index += 1
                }
            default:
                index += 1
            }
        }
        return (words, literals)
    }
}
