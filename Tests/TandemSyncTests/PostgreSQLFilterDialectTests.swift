import Foundation
import Testing

@testable import TandemEngine

/// The filter language compiled for PostgreSQL (issue 19 §3), run by the
/// real server with bound parameters: each filter selects exactly the rows
/// the engine's own judgement (``RowFilter``, as live sync and initial sync
/// judge a PostgreSQL side's rows) lets through, and a literal that carries
/// SQL is only a value.
@Suite(
    "Filter language on PostgreSQL", .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason),
    .timeLimit(.minutes(10)))
struct PostgreSQLFilterDialectTests {
    /// The filters, one of each form, and a hostile literal.
    static let filters = [
        "NAME eq 'Ada'", "lower(NAME) eq 'ada'", "upper(NAME) eq 'éMILE'", "NAME like 'a%'", "NAME like 'A\\_%'",
        "NAME not like '%e'", "startswith(NAME, 'Ad')", "contains(NAME, 'la')", "contains(NAME, '')",
        "BORN ge 2000-01-01", "BORN lt 1990-06-30 or BORN is null", "FLAG eq true", "FLAG ne 1 and ID in (1, 2, 3, 4)",
        "ID not in (2, 4)", "not (NAME eq 'Ada' or NOTES is not null)", "NOTES ne 'x'",
        "NAME eq 'x''; DROP TABLE people; --'", "upper(lower(NAME)) eq 'ALAN'",
    ]

    @Test("Each filter selects on the server exactly the rows the engine's judgement passes")
    func sameRowsAsTheEngine() async throws {
        try await ContractSide.with(
            .postgresql,
            // ICU's collation folds é as a UTF-8 locale does (the test cluster's own is C, which folds
            // ASCII only), so a locale-bound upper() or lower() would select other rows than the engine.
            ddl: { _ in
                ["CREATE TABLE people (id integer PRIMARY KEY, name text COLLATE \"und-x-icu\", born date, flag integer, notes text)"]
            },
            captured: [(name: "people", key: ["id"])]
        ) { side in
            try await side.exec(
                """
                INSERT INTO people VALUES (1, 'Ada', '1985-12-10', 1, NULL), (2, 'alan', '2001-03-04', 0, 'x'),
                (3, 'émile', NULL, 1, 'y'), (4, 'A_b', '1990-06-30', 0, NULL), (5, 'Ab', '2000-01-01', NULL, 'note'),
                (6, 'x''; DROP TABLE people; --', '1970-01-01', 1, NULL), (7, 'Lale', '1999-12-31', 1, 'x')
                """)
            let results = try await side.call { endpoint -> [String] in
                let server = endpoint as! PostgreSQLSide
                let columns = try server.columnTypes(of: "people").map(\.name)
                let rows = try server.scanRows(table: "people", columns: columns, after: nil, limit: 100)
                var lines: [String] = []
                for text in Self.filters {
                    let filter = MapFilter(text: text, language: .filter, origin: "filters")
                    let judge = try RowFilter(filter: filter, columns: columns, context: "test")
                    let engine = try rows.filter { try judge.passes($0.values ?? []) }.map { row -> String in
                        if case .integer(let id) = row.position[0] { return String(id) }
                        return "\(row.position[0])"
                    }
                    let tree = try #require(try filter.expression(columns: columns, context: "test"))
                    let compiled = FilterSQL.compile(tree, PostgreSQLFilterDialect())
                    let selected = try server.query(
                        "SELECT id FROM \(server.name("people")) WHERE \(compiled.sql) ORDER BY id",
                        compiled.parameters.map { Optional($0) }, table: "people"
                    ).map { $0[0] ?? "" }
                    lines.append("\(text): server \(selected) engine \(engine)")
                }
                return lines
            }
            for line in results {
                let parts = line.components(separatedBy: ": server ")[1].components(separatedBy: " engine ")
                #expect(parts[0] == parts[1], "\(line)")
            }
            // The hostile literal matched its row as a value; the table is still there.
            #expect(results.contains { $0.hasPrefix("NAME eq 'x''; DROP TABLE people; --': server [\"6\"]") }, "\(results)")
            #expect(results.contains { $0.hasPrefix("lower(NAME) eq 'ada': server [\"1\"]") }, "\(results)")
            #expect(results.contains { $0.hasPrefix("NAME like 'a%': server [\"1\", \"2\", \"4\", \"5\"]") }, "\(results)")
            let count = try await side.call { endpoint in
                try (endpoint as! PostgreSQLSide).query("SELECT COUNT(*) FROM \((endpoint as! PostgreSQLSide).name("people"))")
            }
            #expect(count == [["7"]])
        }
    }
}
