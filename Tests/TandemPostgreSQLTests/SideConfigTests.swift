import TandemPostgreSQL
import Testing

@Suite("PostgreSQL side config")
struct SideConfigTests {
    @Test("reads user, host, port, database and schema from the url")
    func parses() throws {
        let config = try PostgreSQLSideConfig(url: "postgresql://erp@db.example:6543/finance", schema: "ops")
        #expect(config.user == "erp" && config.host == "db.example" && config.port == 6543)
        #expect(config.database == "finance" && config.schema == "ops")
        #expect(config.description == "postgresql://erp@db.example:6543/finance (schema ops)")
        #expect(try PostgreSQLSideConfig(url: "postgres://crm@localhost/crm").port == 5432)
    }

    @Test("a password in the url is refused without repeating it; PGPASSWORD never shows in the description")
    func passwordNeverShown() throws {
        let error = #expect(throws: PostgreSQLError.self) {
            try PostgreSQLSideConfig(url: "postgresql://erp:hunter2-secret@db:5432/finance")
        }
        #expect(error?.code == .badConfig)
        #expect(error?.message.contains("hunter2") == false)
        #expect(error?.message.contains("password_file") == true)
        let config = try PostgreSQLSideConfig(url: "postgresql://erp@db/finance", environment: ["PGPASSWORD": "hunter2"])
        #expect(!config.description.contains("hunter2") && !"\(config)".contains("hunter2"))
    }

    @Test("urls without a user, host or database are refused with the form to write")
    func incomplete() {
        for url in ["mysql://a@b/c", "postgresql://db/finance", "postgresql://erp@db", "not a url"] {
            let error = #expect(throws: PostgreSQLError.self) { try PostgreSQLSideConfig(url: url) }
            #expect(error?.message.contains("postgresql://USER@HOST:PORT/DATABASE") == true, "\(url)")
        }
    }
}
