import PostgresNIO
import TandemPostgreSQL
import Testing

@Suite("PostgreSQL types round trip exactly", .enabled(if: TestServer.enabled, TestServer.skipReason), .timeLimit(.minutes(20)))
struct TypesTests {
    static let createTable = """
        CREATE TABLE v (
            id bigint PRIMARY KEY, amount numeric(32,10), rate numeric(24,12), label text, blob bytea,
            ref uuid, day date, at timestamptz, local timestamp, flag boolean, small smallint, whole integer)
        """

    /// Text in many scripts, emoji, combining marks (kept decomposed), RTL, and the characters COPY escapes.
    static let texts: [String] = [
        "Ærøskøbing", "Straße", "日本語のテキスト", "中文", "한국어", "العربية", "עברית", "हिन्दी", "ไทย",
        "Ελληνικά", "Кириллица", "e\u{301}te\u{301}", "👩🏽‍💻🇯🇵", "tab\there", "line\nbreak\r\n", "back\\slash",
        "  trailing blanks  ", "", "'quote\"",
    ]

    static func rows() -> [[String: PostgreSQLValue]] {
        var rows: [[String: PostgreSQLValue]] = [
            [
                "id": .integer(1), "amount": .decimal("12345678901234567890.1234567890"),
                "rate": .decimal("0.000000000001"), "label": .text("plain"),
                "blob": .bytes((0...255).map { UInt8($0) }), "ref": .uuid("0e2c7a1e-4b6f-4c1e-9a39-2f7d0c3b5a11"),
                "day": .date("2026-02-28"), "at": .timestamptz("2026-03-29T01:59:59.999999Z"),
                "local": .timestamp("1999-12-31T23:59:59.5"), "flag": .boolean(true), "small": .integer(-32768),
                "whole": .integer(2_147_483_647),
            ],
            ["id": .integer(Int64.max), "amount": .decimal("-0.0000000001"), "rate": .decimal("123456789012.123456789012"), "flag": .boolean(false)],
            ["id": .integer(Int64.min), "amount": .decimal("0.0000000000"), "blob": .bytes([])],
        ]
        for (index, text) in texts.enumerated() {
            rows.append(["id": .integer(Int64(100 + index)), "label": .text(text)])
        }
        return rows
    }

    /// A row as read back: every column present, NULL where the write left it out.
    static func complete(_ row: [String: PostgreSQLValue], _ columns: [String]) -> [String: PostgreSQLValue] {
        Dictionary(uniqueKeysWithValues: columns.map { ($0, row[$0] ?? .null) })
    }

    @Test("numeric(32,10), 12-decimal rates, text in every script, every byte, uuid, dates, times, booleans, integer extremes")
    func roundTrip() async throws {
        try await TestSchema.with { schema in
            try await schema.exec(Self.createTable)
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "v")
                let written = Self.rows()
                _ = try await endpoint.apply(
                    written.map { .upsert(table: "v", row: $0) },
                    checkpoint: PostgreSQLCheckpoint(map: "m", source: "erp", seq: 1), origin: "erp:1")
                let (columns, rows) = try await endpoint.readRows(table: "v", after: nil, limit: 1_000)
                let names = columns.map(\.name)
                let read = rows.map { Dictionary(uniqueKeysWithValues: zip(names, $0)) }
                let expected = written.map { Self.complete($0, names) }.sorted { "\($0["id"]!)" < "\($1["id"]!)" }
                #expect(read.sorted { "\($0["id"]!)" < "\($1["id"]!)" } == expected)
                // Swift's == on String ignores normalisation: compare the bytes of every text too.
                func bytes(_ rows: [[String: PostgreSQLValue]]) -> [[UInt8]] {
                    rows.sorted { "\($0["id"]!)" < "\($1["id"]!)" }.map {
                        if case .text(let text) = $0["label"]! { return Array(text.utf8) }
                        return []
                    }
                }
                #expect(bytes(read) == bytes(expected))
                // The change log's images (echoes here) carry the same values as the table.
                let logged = try await endpoint.changes(after: 0).echoes.map(\.row)
                #expect(logged.sorted { "\($0["id"]!)" < "\($1["id"]!)" } == expected)
                // The server holds exactly the digits and bytes, as psql prints them.
                let check = try await schema.rows(
                    "SELECT amount::text, rate::text, encode(blob, 'hex'), at::text FROM v WHERE id = 1")
                #expect(check[0][0] == "12345678901234567890.1234567890")
                #expect(check[0][1] == "0.000000000001")
                #expect(check[0][2] == PostgreSQLValue.bytes((0...255).map { UInt8($0) }).description.dropFirst(2).description)
            }
        }
    }

    @Test("an application's values written with psql are read exactly, in any session time zone")
    func fromPsql() async throws {
        try await TestSchema.with { schema in
            try await schema.exec(Self.createTable)
            try await schema.withEndpoint { endpoint in
                try await endpoint.installCapture(table: "v")
                try await psql(
                    """
                    SET TimeZone = 'America/St_Johns'; SET DateStyle = 'SQL, DMY'; SET bytea_output = 'escape';
                    INSERT INTO v (id, amount, at, local, day, blob, label) VALUES
                    (7, 99999999999999999999.9999999999, '2026-06-01 12:00:00+02', '2026-06-01 08:30:00.25',
                     '2026-06-01', '\\x00ff10', 'naïve café');
                    """, schema: schema.name)
                let change = try #require(try await endpoint.changes(after: 0).changes.first)
                #expect(change.row["amount"] == .decimal("99999999999999999999.9999999999"))
                #expect(change.row["at"] == .timestamptz("2026-06-01T10:00:00Z"))
                #expect(change.row["local"] == .timestamp("2026-06-01T08:30:00.25"))
                #expect(change.row["day"] == .date("2026-06-01"))
                #expect(change.row["blob"] == .bytes([0x00, 0xff, 0x10]))
                #expect(change.row["label"] == .text("naïve café"))
                let (columns, rows) = try await endpoint.readRows(table: "v", after: nil, limit: 10)
                #expect(Dictionary(uniqueKeysWithValues: zip(columns.map(\.name), rows[0])) == change.row)
            }
        }
    }

    @Test("text with a NUL byte and a decimal with more places than its column are refused, naming table and column")
    func refusedValues() async throws {
        try await TestSchema.with { schema in
            try await schema.exec(Self.createTable)
            try await schema.withEndpoint { endpoint in
                let checkpoint = PostgreSQLCheckpoint(map: "m", source: "erp", seq: 1)
                try await endpoint.install()
                let nul = await #expect(throws: PostgreSQLError.self) {
                    try await endpoint.apply(
                        [.upsert(table: "v", row: ["id": .integer(1), "label": .text("a\u{0}b")])],
                        checkpoint: checkpoint, origin: "erp:1")
                }
                #expect(nul?.code == .badValue)
                #expect(nul?.message.contains("v.label") == true && nul?.message.contains("NUL") == true)
                let scale = await #expect(throws: PostgreSQLError.self) {
                    try await endpoint.apply(
                        [.upsert(table: "v", row: ["id": .integer(1), "amount": .decimal("1.12345678901")])],
                        checkpoint: checkpoint, origin: "erp:1")
                }
                #expect(scale?.code == .badValue)
                #expect(scale?.message.contains("v.amount") == true)
                #expect(try await schema.rows("SELECT count(*)::text FROM v") == [["0"]])
                #expect(try await endpoint.checkpoint(map: "m", source: "erp") == nil)
            }
        }
    }
}
