import Foundation
import GRDB
import TandemEngine
import TandemTestSupport
import Testing

/// SQLite's file errors name the side, its file and what to do.
@Suite("SQLite errors name the side, the file and what to do")
struct SideFaultTests {
    @Test("A side file that is not a database, or a folder, is refused naming the side, the file and the next step")
    func notADatabase() throws {
        let fixture = try SyncFixture.make("fault-notadb", maps: ["sample.notes"])
        try FileManager.default.removeItem(atPath: fixture.crm)
        try "hello\n".write(toFile: fixture.crm, atomically: true, encoding: .utf8)
        let text = try fixture.tandem(["run"])
        #expect(text.status != 0)
        #expect(
            text.stderr.contains(
                "the crm side (\(fixture.crm)): SQLite error 26: file is not a database (while running PRAGMA synchronous = NORMAL): \(fixture.crm) is not a SQLite database: check the sides in tandem.yaml, or restore the file from a backup"
            ), "\(text.stderr)")

        try FileManager.default.removeItem(atPath: fixture.crm)
        try FileManager.default.createDirectory(atPath: fixture.crm, withIntermediateDirectories: false)
        let expected =
            "the crm side (\(fixture.crm)): SQLite error 14: unable to open database file: check that \(fixture.crm) is a database file (not a folder), that the folder \(fixture.directory) exists and is writable"
        let folder = try fixture.tandem(["run"])
        #expect(folder.status != 0)
        #expect(folder.stderr.contains(expected), "\(folder.stderr)")
        // `status` always works (issue 17): it names the side it cannot read and shows its figures as unknown.
        let status = try fixture.tandem(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("crm side    cannot be read now: " + expected), "\(status.stdout)")
        #expect(status.stdout.contains("erp-to-crm  ?       ?"), "\(status.stdout)")
    }

    @Test("A read-only side's write error names the side, the file and the permissions to check")
    func readOnly() {
        // Tests run as root, which SQLite's read-only checks do not stop; the error is the one SQLite gives.
        let error = DatabaseError(
            resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database",
            sql: "DELETE FROM _tandem_context")
        let described = "\(SideFault.describe(error, role: .crm, path: "/envs/prod/crm.sqlite"))"
        #expect(
            described.hasPrefix(
                "the crm side (/envs/prod/crm.sqlite): SQLite error 8: attempt to write a readonly database (while running DELETE FROM _tandem_context): the file is read-only for this process"
            ), "\(described)")
        #expect(
            described.contains(
                "make /envs/prod/crm.sqlite, /envs/prod/crm.sqlite-wal, /envs/prod/crm.sqlite-shm and the folder /envs/prod writable"
            ))
        // Not a file error: unchanged.
        let constraint = DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "NOT NULL constraint failed")
        #expect("\(SideFault.describe(constraint, role: .crm, path: "/x"))" == "\(constraint)")
    }
}
