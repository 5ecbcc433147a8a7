import GRDB

/// What a SQLite side tells `tandem status` and `tandem maps validate`
/// about a map's filter: the side evaluates it over the table, as the
/// engine does row by row (``RowFilter``): a filter in the filter language
/// compiled with bound values, raw SQL as written.
extension SideDatabase {
    func rowsOutside(filter: MapFilter, table: String) throws -> Int {
        let leftOut = try leftOut(filter, table: table)
        return try queue.read { db in
            try Self.count(db, "SELECT COUNT(*) FROM \(CaptureSchema.identifier(table)) AS s WHERE \(leftOut.sql)", leftOut.parameters)
        }
    }

    func filterMisses(filter: MapFilter, table: String) throws -> FilterMisses {
        let columns = try columnTypes(of: table).map(\.name)
        let (names, literals) = try Self.namesAndLiterals(filter, columns: columns, context: "\(table) on the \(role) side")
        let leftOut = try leftOut(filter, table: table)
        // The table's columns the filter reads; SQLite matches names without regard to case.
        var read: [String] = []
        for name in names {
            if let column = columns.first(where: { $0.lowercased() == name.lowercased() }), !read.contains(column) {
                read.append(column)
            }
        }
        let from = "FROM \(CaptureSchema.identifier(table)) AS s WHERE \(leftOut.sql)"
        return try queue.read { db in
            var result = FilterMisses()
            for column in read {
                let name = CaptureSchema.identifier(column)
                // A filter that tests the column for NULL itself (`SALESORDERNUMBER IS NOT NULL`) means
                // to leave those rows out: no warning.
                let nulls =
                    Self.testsNull(column, in: filter, words: names, columns: columns)
                    ? 0 : try Self.count(db, "SELECT COUNT(*) \(from) AND \(name) IS NULL", leftOut.parameters)
                result.nulls.append((column, nulls))
                for literal in Set(literals).sorted() {
                    // The literal is bound too: a filter's text never enters a statement.
                    let statement = RawStatement(
                        try db.makeStatement(
                            sql: """
                                SELECT CAST(\(name) AS TEXT), COUNT(*) \(from) AND typeof(\(name)) = 'text' AND \(name) <> ?
                                AND lower(trim(\(name))) = lower(trim(?)) GROUP BY \(name) ORDER BY 2 DESC, 1 LIMIT 5
                                """), db)
                    statement.bind(leftOut.parameters + [.text(literal), .text(literal)])
                    defer { statement.reset() }
                    while try statement.step() {
                        result.nearMisses.append(
                            FilterMisses.NearMiss(
                                column: column, value: statement.text(0) ?? "", literal: literal,
                                rows: Int(statement.int64(1))))
                    }
                }
            }
            result.nearMisses.sort { $0.rows > $1.rows }
            return result
        }
    }

    /// The condition of a row of `table` (as `s`) that `filter` leaves
    /// out: false or NULL, as ``RowFilter`` judges it. A parsed filter reads
    /// the values without column affinity (unary `+`), as ``RowFilter`` and
    /// initial sync do, so that all three select the same rows.
    private func leftOut(_ filter: MapFilter, table: String) throws -> CompiledFilter<SideValue> {
        let columns = try columnTypes(of: table).map(\.name)
        guard let tree = try filter.expression(columns: columns, context: "\(table) on the \(role) side") else {
            return CompiledFilter(sql: "NOT (CASE WHEN (\(filter.text)) THEN 1 ELSE 0 END)", parameters: [])
        }
        let compiled = FilterSQL.compile(tree, SQLiteFilterDialect())
        let projection = (tree.columns.isEmpty ? columns : tree.columns).map {
            "+s.\(CaptureSchema.identifier($0)) AS \(CaptureSchema.identifier($0))"
        }
        return CompiledFilter(
            sql: "NOT EXISTS (SELECT 1 FROM (SELECT \(projection.joined(separator: ", "))) WHERE \(compiled.sql))",
            parameters: compiled.parameters)
    }

    /// `SELECT COUNT(*) …` with `parameters` bound through the C API (GRDB binds text up to its first NUL).
    private static func count(_ db: Database, _ sql: String, _ parameters: [SideValue]) throws -> Int {
        let statement = RawStatement(try db.makeStatement(sql: sql), db)
        statement.bind(parameters)
        defer { statement.reset() }
        return try statement.step() ? Int(statement.int64(0)) : 0
    }

    /// The candidate column names and the text literals of `filter`: from
    /// its parsed tree for the filter language, from its words for raw SQL.
    static func namesAndLiterals(_ filter: MapFilter, columns: [String], context: String) throws
        -> (names: [String], literals: [String])
    {
        guard let tree = try filter.expression(columns: columns, context: context) else {
            let (words, literals) = tokens(filter.text)
            return (words, literals)
        }
        return (tree.columns, tree.textLiterals)
    }

    /// Whether `filter` tests `column` for NULL itself; `words` are its
    /// names (``namesAndLiterals(_:columns:context:)``).
    static func testsNull(_ column: String, in filter: MapFilter, words: [String], columns: [String]) -> Bool {
        guard filter.language == .filter else { return testsNull(column, in: words) }
        guard let tree = try? filter.expression(columns: columns, context: "") else { return false }
        return tree.testsNull(column)
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
