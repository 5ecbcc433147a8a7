import Testing

@testable import TandemEngine

/// The filter language (issue 19 §3): what each form compiles to on each
/// dialect, with every literal a bound value, and what each mistake says,
/// at which character.
@Suite("Filter language")
struct FilterLanguageTests {
    /// The source table's columns the cases resolve against.
    static let columns = ["DATAAREAID", "CUSTGROUP", "NAME", "NAME2", "CREDITMAX", "CREATED", "BLOCKED", "NOTES"]

    /// One form: the filter, then its SQLite SQL and values, then its PostgreSQL SQL and values.
    struct Case: Sendable, CustomTestStringConvertible {
        /// The filter as written.
        let filter: String
        /// Its SQLite SQL.
        let sqlite: String
        /// The values SQLite binds.
        let values: [SideValue]
        /// Its PostgreSQL SQL.
        let postgresql: String
        /// The texts PostgreSQL binds.
        let texts: [String]
        /// The filter, naming the case in test output.
        var testDescription: String { filter }
    }

    /// The grammar table.
    static let cases: [Case] = [
        Case(
            filter: "DATAAREAID eq 'usmf'", sqlite: #"("DATAAREAID" = ?)"#, values: [.text("usmf")],
            postgresql: #"("DATAAREAID" = $1)"#, texts: ["usmf"]),
        Case(
            filter: "dataareaid eq 'usmf' and CUSTGROUP in ('10', '20')",
            sqlite: #"(("DATAAREAID" = ?) AND ("CUSTGROUP" IN (?, ?)))"#, values: [.text("usmf"), .text("10"), .text("20")],
            postgresql: #"(("DATAAREAID" = $1) AND ("CUSTGROUP" IN ($2, $3)))"#, texts: ["usmf", "10", "20"]),
        Case(
            filter: "not (CREDITMAX gt 1000.50 or BLOCKED eq true)",
            sqlite: #"(NOT (("CREDITMAX" > ?) OR ("BLOCKED" = ?)))"#, values: [.real(1000.5), .integer(1)],
            postgresql: #"(NOT (("CREDITMAX" > $1) OR ("BLOCKED" = $2)))"#, texts: ["1000.50", "1"]),
        Case(
            filter: "NAME eq 'a' or NAME eq 'b' and NOTES ne 'c'",
            sqlite: #"(("NAME" = ?) OR (("NAME" = ?) AND ("NOTES" <> ?)))"#, values: [.text("a"), .text("b"), .text("c")],
            postgresql: #"(("NAME" = $1) OR (("NAME" = $2) AND ("NOTES" <> $3)))"#, texts: ["a", "b", "c"]),
        Case(
            filter: "startswith(NAME, 'Con')", sqlite: #"(instr("NAME", ?) = 1)"#, values: [.text("Con")],
            postgresql: #"(strpos(CAST("NAME" AS text), CAST($1 AS text)) = 1)"#, texts: ["Con"]),
        Case(
            filter: "contains(lower(NAME), 'ltd')", sqlite: #"(instr(lower("NAME"), ?) > 0)"#, values: [.text("ltd")],
            postgresql:
                #"(strpos(CAST(translate(CAST("NAME" AS text), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') AS text), CAST($1 AS text)) > 0)"#,
            texts: ["ltd"]),
        Case(
            filter: "NAME like 'TEST\\_%'", sqlite: #"("NAME" LIKE ? ESCAPE '\')"#, values: [.text("TEST\\_%")],
            postgresql:
                #"(translate(CAST("NAME" AS text), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') LIKE translate(CAST($1 AS text), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ESCAPE '\')"#,
            texts: ["TEST\\_%"]),
        Case(
            filter: "NAME not like 'TEST%'", sqlite: #"("NAME" NOT LIKE ? ESCAPE '\')"#, values: [.text("TEST%")],
            postgresql:
                #"(translate(CAST("NAME" AS text), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') NOT LIKE translate(CAST($1 AS text), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ESCAPE '\')"#,
            texts: ["TEST%"]),
        Case(
            filter: "NOTES is null or NAME2 IS NOT NULL", sqlite: #"(("NOTES" IS NULL) OR ("NAME2" IS NOT NULL))"#, values: [],
            postgresql: #"(("NOTES" IS NULL) OR ("NAME2" IS NOT NULL))"#, texts: []),
        Case(
            filter: "CREATED ge 2024-01-31 and CREATED lt 2024-02-01T00:00:00Z",
            sqlite: #"(("CREATED" >= ?) AND ("CREATED" < ?))"#, values: [.text("2024-01-31"), .text("2024-02-01T00:00:00Z")],
            postgresql: #"(("CREATED" >= $1) AND ("CREATED" < $2))"#, texts: ["2024-01-31", "2024-02-01T00:00:00Z"]),
        Case(
            filter: "upper(NAME) ne 'X'", sqlite: #"(upper("NAME") <> ?)"#, values: [.text("X")],
            postgresql:
                #"(translate(CAST("NAME" AS text), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') <> $1)"#,
            texts: ["X"]),
        Case(
            filter: "CUSTGROUP not in (10, -7)", sqlite: #"("CUSTGROUP" NOT IN (?, ?))"#, values: [.integer(10), .integer(-7)],
            postgresql: #"("CUSTGROUP" NOT IN ($1, $2))"#, texts: ["10", "-7"]),
        Case(
            filter: "NAME eq 'O''Brien; DROP TABLE x'", sqlite: #"("NAME" = ?)"#, values: [.text("O'Brien; DROP TABLE x")],
            postgresql: #"("NAME" = $1)"#, texts: ["O'Brien; DROP TABLE x"]),
        Case(
            filter: "CREDITMAX le CUSTGROUP and BLOCKED eq false", sqlite: #"(("CREDITMAX" <= "CUSTGROUP") AND ("BLOCKED" = ?))"#,
            values: [.integer(0)], postgresql: #"(("CREDITMAX" <= "CUSTGROUP") AND ("BLOCKED" = $1))"#, texts: ["0"]),
    ]

    /// `filter` parsed and resolved against ``columns``.
    static func tree(_ filter: String) throws -> FilterExpression {
        try FilterParser.parse(filter).resolved(columns: columns)
    }

    @Test("Each form compiles to SQL with placeholders and its literals as bound values, on SQLite and PostgreSQL", arguments: cases)
    func compiles(_ form: Case) throws {
        let tree = try Self.tree(form.filter)
        let sqlite = FilterSQL.compile(tree, SQLiteFilterDialect())
        #expect(sqlite.sql == form.sqlite)
        #expect(sqlite.parameters == form.values)
        let postgresql = FilterSQL.compile(tree, PostgreSQLFilterDialect())
        #expect(postgresql.sql == form.postgresql)
        #expect(postgresql.parameters == form.texts)
        // Numbered placeholders start where the statement's own end.
        let numbered = FilterSQL.compile(tree, SQLiteFilterDialect(numbered: true), firstPlaceholder: 9)
        #expect(numbered.sql.components(separatedBy: "?").count - 1 == form.values.count)
        if !form.values.isEmpty { #expect(numbered.sql.contains("?9")) }
    }

    @Test("Each form's canonical text parses back to the same tree", arguments: cases)
    func roundTrips(_ form: Case) throws {
        let tree = try FilterParser.parse(form.filter)
        let again = try FilterParser.parse(tree.description)
        #expect(again == tree)
        #expect(again.description == tree.description)
    }

    /// Mistakes and what they say, at which column (1-based, in the filter).
    static let mistakes: [(String, String)] = [
        ("NAME = 'x'", "column 6: expected eq, ne, gt, ge, lt, le, in, like or is after NAME, found '='; the filter language writes '=' as 'eq'"),
        ("NAME <> 'x'", "column 6: expected eq, ne, gt, ge, lt, le, in, like or is after NAME, found '<>'; the filter language writes '<>' as 'ne'"),
        ("NAMEE eq 'x'", "column 1: the table has no column 'NAMEE'; close names: NAME, NAME2"),
        ("DATAAREAID eq 'usmf' and CUSTGRUP eq '10'", "column 26: the table has no column 'CUSTGRUP'; close names: CUSTGROUP"),
        ("ZZZZZZZZZ eq 1", "column 1: the table has no column 'ZZZZZZZZZ'; the table's columns are DATAAREAID, CUSTGROUP, NAME, NAME2, CREDITMAX, CREATED, BLOCKED, NOTES"),
        ("NAME eq 'x", "column 9: this text has no closing quote (')"),
        ("NAME eq null", "column 9: nothing is eq null (SQL's rule); write 'NAME is null'"),
        ("NAME ne null", "column 9: nothing is ne null (SQL's rule); write 'NAME is not null'"),
        ("", "column 1: the filter is empty; write a condition such as DATAAREAID eq 'usmf'"),
        ("NAME eq 'x' and", "column 16: expected a column, a value or lower()/upper(), found the end of the filter"),
        ("NAME eq 'x'; DROP TABLE t", "column 12: ';' is not part of the filter language; it has columns, 'text', numbers, dates, eq ne gt ge lt le, and or not, in (…), like, is null, startswith(), contains(), lower(), upper() and parentheses"),
        ("substr(NAME, 1) eq 'x'", "column 1: 'substr' is not a function of the filter language; it has lower(), upper(), startswith() and contains()"),
        ("CREATED ge 2024-02-30", "column 12: '2024-02-30' is not a date; write a date as 2024-01-31 and a time as 2024-01-31T10:00:00Z"),
        ("(NAME eq 'x'", "column 13: expected ')' or 'and'/'or', found the end of the filter"),
        ("NAME in ()", "column 10: expected a value ('text', a number or a date) in the list after 'in', found ')'"),
        ("\"NAME\" eq 'x'", "column 1: text is written in single quotes ('…'), and a column by its bare name"),
        ("CREDITMAX gt 99999999999999999999", "column 14: 99999999999999999999 does not fit a 64-bit whole number"),
        ("CREDITMAX gt 1e5", "column 14: '1e5' is not a number; write a number as 42, -7 or 12.50"),
        ("NAME eq 'x' NOTES eq 'y'", "column 13: expected 'and', 'or' or the end of the filter, found 'NOTES'"),
        ("NAME is 'x'", "column 9: expected 'null' after 'is', found 'x'"),
        ("NAME not eq 'x'", "column 10: expected 'in' or 'like' after 'not', found 'eq'"),
        ("NAME", "column 5: expected eq, ne, gt, ge, lt, le, in, like or is after NAME, found the end of the filter"),
        ("startswith(NAME 'x')", "column 17: expected ',' between the two arguments of startswith(), found 'x'"),
        (String(repeating: "(", count: 100) + "NAME eq 'x'" + String(repeating: ")", count: 100), "column 65: the filter nests deeper than 64 levels"),
        ("and eq 1", "column 1: expected a column, a value or lower()/upper(), found 'and'"),
    ]

    @Test("A filter that does not parse or names a column the table lacks says what is wrong at its column, with close names")
    func mistakesPointAtTheCharacter() {
        for (filter, expected) in Self.mistakes {
            do {
                let tree = try Self.tree(filter)
                Issue.record("'\(filter)' was taken: \(tree)")
            } catch {
                #expect("\(error)" == expected, "for \(filter)")
            }
        }
    }

    @Test("The caret line sits under the character the error names, and a map filter's message names its place in tandem.yaml")
    func caret() throws {
        let error = FilterError(offset: 5, "x")
        #expect(error.caret(in: "NAME = 'x'") == "  NAME = 'x'\n       ^")
        let mark = FilterMark(
            file: "tandem.yaml", path: "maps[0].filters.erp_to_crm", line: 7, column: 20, oneLine: true, doubled: [1])
        let filter = MapFilter(text: "NAMEE eq 'x'", language: .filter, origin: "filters.erp_to_crm in tandem.yaml", mark: mark)
        do {
            _ = try filter.expression(columns: Self.columns, context: "map m (erp-to-crm)")
            Issue.record("taken")
        } catch {
            #expect(
                error.message
                    == "tandem.yaml:7:20: maps[0].filters.erp_to_crm: the table has no column 'NAMEE'; close names: NAME, NAME2 (map m (erp-to-crm))\n  NAMEE eq 'x'\n  ^")
        }
        // A character after a doubled quote is one column further right in the file.
        #expect(mark.place(offset: 3) == "tandem.yaml:7:24")
    }

    @Test("Raw SQL under filters: fails with the exact lines that move it under filters_sql:")
    func rawSQLUnderFilters() {
        let filter = MapFilter(
            text: "NOTES = 'public' AND \"X\" > 1", language: .filter, origin: "filters.crm_to_erp in tandem.yaml")
        do {
            _ = try filter.expression(columns: Self.columns, context: "map m (crm-to-erp)")
            Issue.record("taken")
        } catch {
            #expect(
                error.message == """
                    map m (crm-to-erp): filters.crm_to_erp in tandem.yaml, column 7: expected eq, ne, gt, ge, lt, le, in, like or is after NOTES, found '='; the filter language writes '=' as 'eq'
                      NOTES = 'public' AND "X" > 1
                            ^
                      filters: takes the filter language (docs/MAPS.md), e.g. NAME eq 'x';
                      if this is raw SQL, move it under filters_sql: (admin-only):
                        filters_sql:
                          crm_to_erp: "NOTES = 'public' AND \\"X\\" > 1"
                    """)
        }
    }

    @Test("A filter reads exactly the columns it names; text literals and null tests are found for maps validate")
    func columnsAndLiterals() throws {
        let tree = try Self.tree("name eq 'a' and (NOTES is null or CUSTGROUP in ('10', 20)) and contains(NAME, 'b')")
        #expect(tree.columns == ["NAME", "NOTES", "CUSTGROUP"])
        #expect(tree.textLiterals == ["10", "a", "b"])
        #expect(tree.testsNull("NOTES"))
        #expect(!tree.testsNull("NAME"))
    }
}
