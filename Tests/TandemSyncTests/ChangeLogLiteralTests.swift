import Foundation
import GRDB
import TandemEngine
import TandemTestSupport
import Testing

/// The change log's literal form for text `quote()` cannot carry: what the
/// capture triggers record for a text holding a NUL, what the engine writes
/// for its own echoes' keys, and how both parse back.
@Suite("Change-log literals for NUL bytes and text that is not valid UTF-8")
struct ChangeLogLiteralTests {
    @Test("The capture triggers record a text holding a NUL whole as TX'..', the form the engine writes for its own keys, and it parses back to the same bytes; a blob holding a zero stays a blob")
    func triggersAndEngineAgree() throws {
        let path = try Fixtures.temporaryDirectory("literals") + "/side.sqlite"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT, b BLOB, n INTEGER)") }
        try queue.writeWithoutTransaction { db in try CaptureSchema.install(db, tables: [(name: "t", key: ["k"])]) }
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t VALUES ('K' || char(0) || 'evil', 'a' || char(0) || 'b', x'00ff', 7), ('K', 'plain', NULL, NULL)")
        }
        let logged = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT CAST(key AS BLOB), CAST(row AS BLOB) FROM _tandem_changes ORDER BY seq").map {
                (String(decoding: $0[0] as Data, as: UTF8.self), String(decoding: $0[1] as Data, as: UTF8.self))
            }
        }
        #expect(logged.map(\.0) == ["TX'4B006576696C'", "'K'"])
        #expect(logged.map(\.1) == ["TX'4B006576696C',TX'610062',X'00FF',7", "'K','plain',NULL,NULL"])
        #expect(SQLLiteral.quoteList([.text("K\u{0}evil")]) == logged[0].0)
        let values = try SQLLiteral.parseList(logged[0].1)
        #expect(values == [.text("K\u{0}evil"), .text("a\u{0}b"), .blob(Data([0, 255])), .integer(7)])
        #expect(SQLLiteral.split(logged[0].1) == ["TX'4B006576696C'", "TX'610062'", "X'00FF'", "7"])
    }

    @Test("A quote followed by a combining mark is doubled as SQLite's quote() doubles it, in keys, literals and identifiers (found by fuzzing)")
    func quoteBeforeCombiningMark() throws {
        let path = try Fixtures.temporaryDirectory("literals") + "/side.sqlite"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)") }
        try queue.writeWithoutTransaction { db in try CaptureSchema.install(db, tables: [(name: "t", key: ["k"])]) }
        // ' + U+0338 is one grapheme cluster: Foundation's replacingOccurrences(of: "'") does not see the quote.
        try queue.write { db in try db.execute(sql: "INSERT INTO t VALUES (char(39, 824, 120), 'v')") }
        let logged = try queue.read { db in
            String(decoding: try Data.fetchOne(db, sql: "SELECT CAST(key AS BLOB) FROM _tandem_changes")!, as: UTF8.self)
        }
        let key = "'\u{0338}x"
        #expect(logged == "'''\u{0338}x'")
        #expect(SQLLiteral.quoteList([.text(key)]) == logged)
        #expect(try SQLLiteral.parseList(logged) == [.text(key)])
        // The same text as an SQL literal and as an identifier stays inside its quotes.
        let name = "a\"\u{0301}b"
        let selected = try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT \(CaptureSchema.literal(key)) AS \(CaptureSchema.identifier(name))")!
        }
        #expect(selected.columnNames.first == name)
        #expect((selected[0] as String?) == key)
    }

    @Test("A TX literal that is not valid UTF-8 is refused with the column and the byte, never repaired: a lone byte, an overlong form, a surrogate, a cut sequence")
    func invalidRefused() throws {
        for (literal, byte, of, hex) in [
            ("TX'4BFF'", 2, 2, "FF"), ("TX'C0AF'", 1, 2, "C0"), ("TX'61EDA080'", 2, 4, "ED"), ("TX'6162E282'", 3, 4, "E2"),
        ] {
            let error = #expect(throws: SyncError.self) { try SQLLiteral.parseList("1,\(literal)", names: ["ID", "NAME"]) }
            #expect(error?.code == .invalidText)
            #expect(
                error?.message
                    == "column NAME is not valid UTF-8: byte \(byte) of \(of) (0x\(hex)) in \(literal); Tandem carries text byte for byte and does not repair it"
            )
        }
        // Valid multi-byte text with a NUL parses.
        #expect(try SQLLiteral.parseList("TX'C3A900F09F9982'") == [.text("é\u{0}🙂")])
        #expect(SQLLiteral.firstInvalidUTF8(Array("é\u{0}🙂".utf8)) == nil)
    }

    @Test("A rowid alias is recorded with plain quote(); an INTEGER PRIMARY KEY DESC is no alias, and a text key holding a NUL there is recorded whole")
    func rowidAlias() throws {
        let path = try Fixtures.temporaryDirectory("literals-rowid") + "/side.sqlite"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE d (id INTEGER PRIMARY KEY DESC, v TEXT)")
        }
        try queue.writeWithoutTransaction { db in
            try CaptureSchema.install(db, tables: [(name: "a", key: ["id"]), (name: "d", key: ["id"])])
        }
        let triggers = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_ins' ORDER BY tbl_name")
        }
        #expect(triggers.count == 2)
        #expect(triggers.first?.contains("quote(NEW.\"id\"), CASE") == true, "\(triggers)")
        #expect(triggers.last?.contains("typeof(NEW.\"id\")") == true, "\(triggers)")
        try queue.write { db in try db.execute(sql: "INSERT INTO d VALUES ('K' || char(0) || 'x', 'v')") }
        let key = try queue.read { db in try Data.fetchOne(db, sql: "SELECT CAST(key AS BLOB) FROM _tandem_changes WHERE tbl = 'd'") }
        #expect(key.map { String(decoding: $0, as: UTF8.self) } == "TX'4B0078'")
    }
}
