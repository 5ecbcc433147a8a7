import TandemEngine
import Testing

/// `sides.X.endpoint: postgresql` in tandem.yaml: what is accepted, and
/// what each mistake says (never repeating a password).
@Suite("tandem.yaml: PostgreSQL sides")
struct PostgreSQLSideConfigTests {
    static func config(_ erp: String) -> String {
        """
        version: 1
        sides:
          erp:
        \(erp)
          crm: {database: crm.sqlite}
        """
    }

    @Test("A PostgreSQL side has a url, a schema and a password file; the other side stays SQLite")
    func mixed() throws {
        let config = try ConfigLoader.parse(
            Self.config(
                """
                    endpoint: postgresql
                    url: postgresql://tandem@db.example:6543/erp
                    schema: ops
                    password_file: secrets/erp-password
                """), file: "tandem.yaml")
        let erp = try #require(config.sides[.erp])
        #expect(erp.endpoint == .postgresql)
        #expect(erp.url == "postgresql://tandem@db.example:6543/erp")
        #expect(erp.schema == "ops")
        #expect(erp.passwordFile == "secrets/erp-password")
        #expect(erp.location == "postgresql://tandem@db.example:6543/erp (schema ops)")
        #expect(config.sides[.crm]?.endpoint == .sqlite)
    }

    @Test(
        "Each mistake names the line, the setting and the fix",
        arguments: [
            (
                "    endpoint: oracle\n    database: erp.sqlite",
                "tandem.yaml:4:15: sides.erp.endpoint: 'oracle' is not one of sqlite, postgresql"
            ),
            ("    endpoint: postgresql", "sides.erp.url: missing; give the server, e.g. 'url: postgresql://"),
            (
                "    endpoint: postgresql\n    url: postgresql://tandem@db/erp\n    database: erp.sqlite",
                "sides.erp.database: a PostgreSQL side names its database in url"
            ),
            (
                "    database: erp.sqlite\n    url: postgresql://tandem@db/erp",
                "sides.erp.url: only a PostgreSQL side has url; set endpoint: postgresql"
            ),
            (
                "    endpoint: postgresql\n    url: mysql://tandem@db/erp",
                "sides.erp.url: 'mysql://tandem@db/erp' is not a PostgreSQL url; write postgresql://USER@HOST:PORT/DATABASE"
            ),
            (
                "    endpoint: postgresql\n    url: postgresql://tandem@db",
                "sides.erp.url: postgresql://tandem@db names no database"
            ),
            (
                "    endpoint: postgresql\n    url: postgresql://tandem@db/erp\n    schema: \"\"",
                "tandem.yaml:6:13: sides.erp.schema: expected text, found nothing"
            ),
        ])
    func mistakes(erp: String, expected: String) {
        #expect {
            try ConfigLoader.parse(Self.config(erp), file: "tandem.yaml")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test("A password written into the url is refused without being repeated")
    func passwordInURL() {
        let secret = "s3cr3t-Hunter2"
        #expect {
            try ConfigLoader.parse(
                Self.config("    endpoint: postgresql\n    url: postgresql://tandem:\(secret)@db/erp"), file: "tandem.yaml")
        } throws: { error in
            let text = "\(error)"
            return !text.contains(secret) && text.contains("sides.erp.url: postgresql://tandem:***@db/erp holds a password")
                && text.contains("password_file")
        }
    }
}
