import GRDB
import Testing

@testable import TandemEngine

/// Random and mutated filters (issue 19 §3): the parser never crashes; it
/// refuses with an error inside the text, or yields a tree whose canonical
/// text parses back to it and whose SQL, on either dialect, holds nothing
/// the user typed but the table's own column names.
@Suite("Filter language fuzzing")
struct FilterFuzzTests {
    /// A seeded generator (SplitMix64), so that a failure repeats.
    struct Generator: RandomNumberGenerator {
        /// The generator's state.
        var state: UInt64
        /// The next 64 random bits.
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The table's columns.
    static let columns = FilterLanguageTests.columns
    /// Pieces the random filters are made of: the language's own, SQL's, and hostile text.
    static let pieces = [
        "NAME", "notes", "CUSTGROUP", "NAMEX", "eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not", "in", "like",
        "is", "null", "true", "false", "startswith", "contains", "lower", "upper", "(", ")", ",", "'", "''", "'x'",
        "'a''b'", "42", "-7", "12.50", "2024-01-31", "2024-01-31T10:00:00Z", "2024-13-01", "=", "<>", ";", "--",
        "/*", "*/", "\"", "DROP TABLE CustTable", "' OR 1=1 --", "\\", "%", "_", "\u{0}", "é", "𝄞", " ", " ", "\n",
        "?", "$1", "?1", "@p",
    ]
    /// Filters that parse, to mutate.
    static let seeds = FilterLanguageTests.cases.map(\.filter) + [
        "NAME eq 'x''; DROP TABLE CustTable; --'", "not (NAME like '%x%' or NOTES is not null)",
    ]

    /// Words a compiled filter may hold besides the table's quoted column names and placeholders.
    static let sqlWords: Set<String> = [
        "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ESCAPE", "lower", "upper", "instr", "strpos", "CAST", "AS",
        "text", "translate",
    ]

    /// Whether `sql` holds only SQL of the compiler's own: known words, operators, placeholders, the
    /// table's quoted columns, and the compiler's fixed literals (`'\'`, the ASCII alphabets).
    static func isCompilersOwn(_ sql: String) -> Bool {
        var rest = sql
        for column in columns { rest = rest.replacingOccurrences(of: "\"\(column)\"", with: " ") }
        for fixed in ["'\\'", "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'", "'abcdefghijklmnopqrstuvwxyz'"] {
            rest = rest.replacingOccurrences(of: fixed, with: " ")
        }
        var word = ""
        for character in rest + " " {
            if character.isLetter {
                word.append(character)
                continue
            }
            if !word.isEmpty, !sqlWords.contains(word) { return false }
            word = ""
            guard character.isASCII, " ()?,$=<>!0123456789".contains(character) else { return false }
        }
        return true
    }

    /// Checks one input; returns whether it parsed.
    @discardableResult
    static func check(_ input: String, probe: RowFilterProbe) throws -> Bool {
        let tree: FilterExpression
        do {
            tree = try FilterParser.parse(input)
        } catch {
            #expect((0...input.count).contains(error.offset), "offset \(error.offset) outside '\(input)'")
            #expect(!error.message.isEmpty)
            _ = error.caret(in: input)
            return false
        }
        let canonical = tree.description
        let again = try FilterParser.parse(canonical)
        #expect(again == tree, "'\(input)' → '\(canonical)'")
        #expect(again.description == canonical)
        let resolved: FilterExpression
        do {
            resolved = try tree.resolved(columns: columns)
        } catch {
            #expect((0..<input.count).contains(error.offset))
            #expect(error.message.hasPrefix("the table has no column"))
            return true
        }
        let sqlite = FilterSQL.compile(resolved, SQLiteFilterDialect())
        let postgresql = FilterSQL.compile(resolved, PostgreSQLFilterDialect())
        #expect(isCompilersOwn(sqlite.sql), "'\(input)' → \(sqlite.sql)")
        #expect(isCompilersOwn(postgresql.sql), "'\(input)' → \(postgresql.sql)")
        #expect(sqlite.sql.filter { $0 == "?" }.count == sqlite.parameters.count)
        #expect(postgresql.sql.components(separatedBy: "$").count - 1 == postgresql.parameters.count)
        // SQLite takes every compiled filter as a statement and judges a row with it.
        try probe.judge(resolved)
        return true
    }

    @Test("Random strings of the language's pieces, SQL and hostile text never crash the parser or reach the SQL")
    func randomStrings() throws {
        var random = Generator(state: 19)
        let probe = try RowFilterProbe()
        var parsed = 0
        for _ in 0..<4_000 {
            let count = Int.random(in: 1...9, using: &random)
            let input = (0..<count).map { _ in Self.pieces.randomElement(using: &random)! }
                .joined(separator: Bool.random(using: &random) ? " " : "")
            if try Self.check(input, probe: probe) { parsed += 1 }
        }
        // The generator reaches both outcomes, so both branches were tested.
        #expect(parsed > 0)
    }

    /// A random tree of depth at most `depth`, with hostile text in its literals.
    static func randomTree(_ depth: Int, _ random: inout Generator) -> FilterExpression {
        let texts = ["x", "", "O'Brien", "'; DROP TABLE t; --", "a\u{0}b", "é𝄞", "%_\\", "\"q\"", "?1", "$1", "NAME"]
        func literal() -> FilterLiteral {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: .integer(Int64.random(in: Int64.min...Int64.max, using: &random))
            case 1: .decimal("\(Int.random(in: -999...999, using: &random)).\(Int.random(in: 0...99, using: &random))")
            case 2: .date("2024-02-29")
            case 3: .dateTime("2024-01-31T10:00:00.5+01:00")
            case 4: .boolean(Bool.random(using: &random))
            default: .text(texts.randomElement(using: &random)!)
            }
        }
        func operand(_ depth: Int) -> FilterOperand {
            switch Int.random(in: 0..<(depth > 0 ? 4 : 2), using: &random) {
            case 0: .column(FilterColumn(name: columns.randomElement(using: &random)!.lowercased(), offset: 0))
            case 1: .literal(literal())
            case 2: .lower(operand(depth - 1))
            default: .upper(operand(depth - 1))
            }
        }
        let choice = Int.random(in: 0..<(depth > 0 ? 10 : 7), using: &random)
        switch choice {
        case 0: return .compare(operand(2), FilterComparison.allCases.randomElement(using: &random)!, operand(2))
        case 1: return .isNull(operand(1), negated: Bool.random(using: &random))
        case 2: return .among(operand(1), (0..<Int.random(in: 1...4, using: &random)).map { _ in literal() }, negated: Bool.random(using: &random))
        case 3: return .like(operand(1), operand(1), negated: Bool.random(using: &random))
        case 4: return .startsWith(operand(1), operand(1))
        case 5: return .contains(operand(1), operand(1))
        case 6: return .compare(operand(0), .eq, .literal(literal()))
        case 7: return .and(randomTree(depth - 1, &random), randomTree(depth - 1, &random))
        case 8: return .or(randomTree(depth - 1, &random), randomTree(depth - 1, &random))
        default: return .not(randomTree(depth - 1, &random))
        }
    }

    @Test("Random trees print as text that parses back to them, and compile to SQL of the compiler's own that SQLite runs")
    func randomTrees() throws {
        var random = Generator(state: 31)
        let probe = try RowFilterProbe()
        for _ in 0..<3_000 {
            let tree = Self.randomTree(Int.random(in: 0...4, using: &random), &random)
            let text = tree.description
            #expect(try FilterParser.parse(text) == tree, "\(text)")
            #expect(try Self.check(text, probe: probe), "\(text)")
        }
    }

    @Test("Mutated valid filters (characters dropped, doubled, swapped or replaced) are refused at a position or parse to a tree that round-trips")
    func mutations() throws {
        var random = Generator(state: 1903)
        let probe = try RowFilterProbe()
        var parsed = 0
        var refused = 0
        let alphabet = Array("()',;=<>\"\\-_%0123456789abcxyzNAME \u{0}é")
        for _ in 0..<4_000 {
            var characters = Array(Self.seeds.randomElement(using: &random)!)
            for _ in 0..<Int.random(in: 1...3, using: &random) where !characters.isEmpty {
                let at = Int.random(in: 0..<characters.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: characters.remove(at: at)
                case 1: characters.insert(characters[at], at: at)
                case 2: characters.swapAt(at, Int.random(in: 0..<characters.count, using: &random))
                default: characters[at] = alphabet.randomElement(using: &random)!
                }
            }
            if try Self.check(String(characters), probe: probe) { parsed += 1 } else { refused += 1 }
        }
        #expect(parsed > 100)
        #expect(refused > 100)
    }
}

/// An in-memory SQLite table of one row with the fuzz columns, to run a compiled filter against.
struct RowFilterProbe {
    /// The database with the table.
    let queue: DatabaseQueue

    /// Makes the table and its row.
    init() throws {
        queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE t (\(FilterLanguageTests.columns.map { "\"\($0)\"" }.joined(separator: ", ")));
                    INSERT INTO t VALUES ('usmf', '10', 'x''; DROP TABLE t; --', NULL, 12.5, '2024-01-31', 0, 'secret');
                    """)
        }
    }

    /// Runs `tree` compiled for SQLite over the row; the table must still be there afterwards.
    func judge(_ tree: FilterExpression) throws {
        let compiled = FilterSQL.compile(tree, SQLiteFilterDialect())
        try queue.write { db in
            let statement = RawStatement(try db.makeStatement(sql: "SELECT COUNT(*) FROM t WHERE \(compiled.sql)"), db)
            statement.bind(compiled.parameters)
            defer { statement.reset() }
            _ = try statement.step()
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 1)
        }
    }
}
