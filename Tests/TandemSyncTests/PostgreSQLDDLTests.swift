import Testing

@testable import TandemEngine

/// A plugin's SQLite DDL as a PostgreSQL side runs it (``PostgreSQLDDL``).
@Suite("Plugin DDL on PostgreSQL")
struct PostgreSQLDDLTests {
    @Test(
        "Names keep their case, SQLite's own words are translated, the rest is kept",
        arguments: [
            (
                "CREATE TABLE IF NOT EXISTS CustTable (DATAAREAID TEXT NOT NULL, ACCOUNTNUM TEXT NOT NULL, LOGO BLOB, PRIMARY KEY (DATAAREAID, ACCOUNTNUM))",
                #"CREATE TABLE IF NOT EXISTS "CustTable" ("DATAAREAID" TEXT NOT NULL, "ACCOUNTNUM" TEXT NOT NULL, "LOGO" bytea, PRIMARY KEY ("DATAAREAID", "ACCOUNTNUM"))"#
            ),
            (
                // A column named like a type: the first word of a definition is its name.
                "CREATE TABLE Notes (NOTEID INTEGER PRIMARY KEY, TEXT TEXT, RATE REAL DEFAULT 'x y') STRICT",
                #"CREATE TABLE "Notes" ("NOTEID" bigint PRIMARY KEY, "TEXT" TEXT, "RATE" double precision DEFAULT 'x y')"#
            ),
            (
                "CREATE TABLE t (a TEXT, b TEXT REFERENCES Parent (Id), UNIQUE (a, b)) WITHOUT ROWID, STRICT",
                #"CREATE TABLE "t" ("a" TEXT, "b" TEXT REFERENCES "Parent" ("Id"), UNIQUE ("a", "b"))"#
            ),
            (
                #"CREATE TABLE "Quoted" ("Already" INTEGER, note TEXT DEFAULT 'it''s INTEGER')"#,
                #"CREATE TABLE "Quoted" ("Already" bigint, "note" TEXT DEFAULT 'it''s INTEGER')"#
            ),
            ("CREATE INDEX i ON t (a)", "CREATE INDEX i ON t (a)"),
        ])
    func translate(sqlite: String, postgresql: String) {
        #expect(PostgreSQLDDL.translate(sqlite) == postgresql)
    }
}
