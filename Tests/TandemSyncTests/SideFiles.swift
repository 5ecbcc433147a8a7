import Foundation
import TandemTestSupport
import Testing

/// What an administrator does to side files, done the way an administrator
/// does it: the `sqlite3` CLI's `.backup`, `cp` over the file, `mv`.
enum SideFiles {
    /// Inserts notes `ids` into the ERP side, one statement, as an application would.
    static func insertERPNotes(_ fixture: SyncFixture, _ ids: ClosedRange<Int>) throws {
        try SideReader.execute(
            fixture.erp, "INSERT INTO Notes VALUES " + ids.map { "(\($0), 'note \($0)')" }.joined(separator: ", "))
    }

    /// `sqlite3 PATH ".backup COPY"`: an online backup, consistent while the engine writes.
    static func backup(_ path: String, to copy: String) throws {
        let result = try Fixtures.run("/usr/bin/env", ["sqlite3", path, ".backup '\(copy)'"])
        guard result.status == 0 else { throw FixtureError("sqlite3 .backup failed: \(result.stderr)") }
    }

    /// Puts `copy` in place of `path` with the engine stopped: `cp`, and the old WAL files gone with the old database.
    static func restore(_ copy: String, to path: String) throws {
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let result = try Fixtures.run("/bin/cp", [copy, path])
        guard result.status == 0 else { throw FixtureError("cp failed: \(result.stderr)") }
    }

    /// SIGTERM, then waits for a clean exit.
    static func stop(_ engine: Process) async throws {
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
    }

    /// The notes of both sides, byte for byte (`quote()` of every value), once they are drained and equal.
    static func convergedNotes(_ fixture: SyncFixture) async throws -> (erp: [String], crm: [String]) {
        try await SideReader.awaitNotesConverged(fixture, timeout: .seconds(60))
    }
}
