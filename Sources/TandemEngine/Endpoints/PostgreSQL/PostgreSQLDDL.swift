import Foundation

/// A plugin's DDL as a PostgreSQL side runs it. Plugins write their tables
/// once, in SQLite's dialect (the SDK's and the bundled plugins' DDL), and
/// what PostgreSQL reads otherwise is translated here (docs/ENDPOINTS.md,
/// "Plugin DDL on PostgreSQL"):
///
/// - names keep their case: in `CREATE TABLE`, the table's, the columns'
///   and those in key, unique and reference lists are quoted, since
///   PostgreSQL folds unquoted names to lower case and the maps name
///   `CustTable`, not `custtable`;
/// - `INTEGER` → `bigint` (a SQLite integer has 64 bits, PostgreSQL's
///   `integer` 32), `BLOB` → `bytea`, `REAL` → `double precision`;
/// - the table options `STRICT` and `WITHOUT ROWID` are dropped (PostgreSQL
///   tables are typed and have no rowid anyway).
///
/// Everything else (`TEXT`, `NUMERIC`, `NOT NULL`, `DEFAULT`, `IF NOT
/// EXISTS`) is the same in both. A statement other than `CREATE TABLE`
/// gets the type words only.
enum PostgreSQLDDL {
    /// One piece of a statement.
    private enum Token: Equatable {
        case word(String)
        case quoted(String)
        case symbol(Character)
        case space(String)
    }

    /// `statement` in PostgreSQL's dialect.
    static func translate(_ statement: String) -> String {
        let tokens = tokenize(statement)
        let words = tokens.indices.filter {
            if case .word = tokens[$0] { return true } else { return false }
        }
        func upper(_ index: Int) -> String? {
            if case .word(let text) = tokens[index] { return text.uppercased() }
            return nil
        }
        var names: Set<Int> = []
        if words.count >= 3, upper(words[0]) == "CREATE", upper(words[1]) == "TABLE" {
            // The table's name: the first name after `TABLE` (and `IF NOT EXISTS`), a word or one quoted already.
            let after = upper(words[2]) == "IF" && words.count > 4 ? words[4] : words[1]
            if let table = tokens.indices.first(where: { $0 > after && isName(tokens[$0]) }) {
                if case .word = tokens[table] { names.insert(table) }
                names.formUnion(columnNames(tokens, after: table))
            }
        }
        var result = ""
        for (index, token) in tokens.enumerated() {
            switch token {
            case .word(let text) where names.contains(index):
                result += "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            case .word(let text):
                switch text.uppercased() {
                case "INTEGER": result += "bigint"
                case "BLOB": result += "bytea"
                case "REAL": result += "double precision"
                default: result += text
                }
            case .quoted(let text): result += text
            case .symbol(let character): result.append(character)
            case .space(let text): result += text
            }
        }
        // Table options follow the closing parenthesis: `) STRICT`, `) WITHOUT ROWID`, or both.
        let options = try! NSRegularExpression(
            pattern: #"\)\s*((STRICT|WITHOUT\s+ROWID)\s*,?\s*)+;?\s*$"#, options: [.caseInsensitive])
        return options.stringByReplacingMatches(
            in: result, range: NSRange(result.startIndex..., in: result), withTemplate: ")")
    }

    /// Whether `token` can be a name: a word, or a name in double quotes.
    private static func isName(_ token: Token) -> Bool {
        switch token {
        case .word: true
        case .quoted(let text): text.hasPrefix("\"")
        default: false
        }
    }

    /// The indices of the name words in a `CREATE TABLE`'s column list,
    /// which starts after token `start`: each column definition's first
    /// word, the names in `PRIMARY KEY (…)`, `UNIQUE (…)`, `FOREIGN KEY (…)`,
    /// and a reference's table and columns.
    private static func columnNames(_ tokens: [Token], after start: Int) -> Set<Int> {
        var names: Set<Int> = []
        var depth = 0
        var atElementStart = false
        // Inside a name list at depth 2 (key, unique, foreign key, reference columns).
        var inNameList = false
        var expectNameList = false
        var expectReferencedTable = false
        var index = start + 1
        while index < tokens.count {
            switch tokens[index] {
            case .symbol("("):
                depth += 1
                if depth == 1 { atElementStart = true }
                if depth == 2, expectNameList { inNameList = true }
                expectNameList = false
            case .symbol(")"):
                if depth == 2 { inNameList = false }
                depth -= 1
                if depth == 0 { return names }
            case .symbol(",") where depth == 1:
                atElementStart = true
            case .word(let text) where depth == 1:
                let word = text.uppercased()
                if expectReferencedTable {
                    names.insert(index)
                    expectReferencedTable = false
                    expectNameList = true
                } else if atElementStart {
                    atElementStart = false
                    if ["PRIMARY", "UNIQUE", "FOREIGN"].contains(word) {
                        expectNameList = true
                    } else if !["CONSTRAINT", "CHECK"].contains(word) {
                        names.insert(index)
                    }
                } else if word == "REFERENCES" {
                    expectReferencedTable = true
                }
            case .quoted(let text) where depth == 1 && text.hasPrefix("\""):
                // A name quoted already stays as written, and counts as the element's name or the referenced table.
                if expectReferencedTable {
                    expectReferencedTable = false
                    expectNameList = true
                } else if atElementStart {
                    atElementStart = false
                }
            case .word where depth == 2 && inNameList:
                names.insert(index)
            default: break
            }
            index += 1
        }
        return names
    }

    /// `statement` as words, quoted parts (strings and quoted names, kept
    /// as written), symbols and spaces.
    private static func tokenize(_ statement: String) -> [Token] {
        var tokens: [Token] = []
        var characters = Array(statement)[...]
        while let first = characters.first {
            if first == "'" || first == "\"" {
                var text = String(first)
                characters = characters.dropFirst()
                while let next = characters.first {
                    text.append(next)
                    characters = characters.dropFirst()
                    if next == first {
                        // A doubled quote is one quote inside.
                        if characters.first == first {
                            text.append(first)
                            characters = characters.dropFirst()
                        } else {
                            break
                        }
                    }
                }
                tokens.append(.quoted(text))
            } else if first.isLetter || first.isNumber || first == "_" {
                let word = characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }
                tokens.append(.word(String(word)))
                characters = characters.dropFirst(word.count)
            } else if first.isWhitespace {
                let space = characters.prefix(while: \.isWhitespace)
                tokens.append(.space(String(space)))
                characters = characters.dropFirst(space.count)
            } else {
                tokens.append(.symbol(first))
                characters = characters.dropFirst()
            }
        }
        return tokens
    }
}
