import Foundation
import GRDB
import TandemTestSupport
import Testing

/// Reads the side databases the way a test checks them: full table contents
/// with SQLite's own `quote()` of every value, so type and digits count.
enum SideReader {
    /// An application holding `path`'s write lock (`BEGIN IMMEDIATE` from a
    /// Python process) for `seconds`; returns once the lock is held.
    static func holdWriteLock(_ path: String, seconds: Int) throws -> Process {
        let output = Pipe()
        let holder = try python(
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); "
                + "print('locked', flush=True); time.sleep(float(sys.argv[2])); c.execute('COMMIT')",
            [path, String(seconds)], output: output)
        _ = output.fileHandleForReading.availableData  // "locked"
        return holder
    }

    /// An application process holding `path`'s write lock until `release`
    /// is called (not for a fixed time: a test that must see the engine
    /// meet the lock keeps it until it has, however slow the machine).
    static func holdWriteLockUntilReleased(_ path: String) throws -> (holder: Process, release: () -> Void) {
        let output = Pipe()
        let input = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); "
                + "print('locked', flush=True); sys.stdin.readline(); c.execute('COMMIT')",
            path,
        ]
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        _ = output.fileHandleForReading.availableData  // "locked"
        return (process, { try? input.fileHandleForWriting.write(contentsOf: Data("release\n".utf8)) })
    }

    /// Starts `python3 -c script arguments...`, an application process that knows nothing of Tandem.
    static func python(_ script: String, _ arguments: [String], output: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        if let output { process.standardOutput = output }
        try process.run()
        return process
    }

    /// A connection to the side file at `path` as an application would open it:
    /// it waits up to 30 s for the engine's write lock instead of failing at
    /// once with "database is locked" (GRDB's default), which a busy machine
    /// turns into a failed test.
    static func queue(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    static func rows(_ path: String, _ sql: String) throws -> [String] {
        try queue(path).read { db in try String.fetchAll(db, sql: sql) }
    }

    static func scalar(_ path: String, _ sql: String) throws -> Int {
        try queue(path).read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    static func execute(_ path: String, _ sql: String) throws {
        try queue(path).writeWithoutTransaction { db in try db.execute(sql: sql) }
    }

    /// Every column of the rows of `table` where `condition` holds, each as
    /// SQLite's `quote()` of its value (`'text'`, `42`, `NULL`), so that a
    /// comparison sees storage class and every digit.
    static func records(_ path: String, _ table: String, where condition: String) throws -> [[String: String]] {
        try queue(path).read { db in
            let columns = try db.columns(in: table).map(\.name)
            let select = columns.map { "quote(\"\($0)\")" }.joined(separator: ", ")
            return try Row.fetchAll(db, sql: "SELECT \(select) FROM \"\(table)\" WHERE \(condition)").map { row in
                Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($0.element, row[$0.offset] as String) })
            }
        }
    }

    /// The first rows that differ, for a failure message that fits on a screen.
    static func differences(_ erp: [String], _ crm: [String]) -> String {
        let onlyERP = Set(erp).subtracting(crm).sorted().prefix(5)
        let onlyCRM = Set(crm).subtracting(erp).sorted().prefix(5)
        return "\(erp.count) ERP rows, \(crm.count) CRM rows; only on ERP: \(onlyERP.map { $0.prefix(60) }); only on CRM: \(onlyCRM.map { $0.prefix(60) })"
    }

    /// Every note as `quote()` gives it, with its bytes in hex where a NUL would make `quote()` stop short.
    static let erpNotes = "SELECT quote(NOTEID) || '|' || \(exact("TEXT")) FROM Notes ORDER BY NOTEID"
    static let crmNotes = "SELECT quote(annotationid) || '|' || \(exact("notetext")) FROM annotation ORDER BY annotationid"

    /// `quote(column)`, and for a value holding a NUL byte its type and every byte, which `quote()` would cut.
    static func exact(_ column: String) -> String {
        "quote(\(column)) || CASE WHEN instr(\(column), char(0)) THEN ' ' || typeof(\(column)) || ' ' || hex(\(column)) ELSE '' END"
    }

    /// Whether every captured change of `map` on both sides has been consumed.
    static func drained(_ fixture: SyncFixture, map: String, erpTable: String, crmTable: String) throws -> Bool {
        for (source, sourcePath, targetPath, table) in [("erp", fixture.erp, fixture.crm, erpTable), ("crm", fixture.crm, fixture.erp, crmTable)] {
            let head = try scalar(sourcePath, "SELECT COALESCE(MAX(seq), 0) FROM _tandem_changes WHERE tbl = '\(table)'")
            let checkpoint = try scalar(
                targetPath, "SELECT COALESCE(MAX(seq), 0) FROM _tandem_checkpoints WHERE map = '\(map)' AND source = '\(source)'")
            if checkpoint < head { return false }
        }
        return true
    }

    /// Waits until the notes tables are drained and equal; returns both row lists.
    static func awaitNotesConverged(_ fixture: SyncFixture, timeout: Duration = .seconds(90)) async throws -> (erp: [String], crm: [String]) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let drained = try Self.drained(fixture, map: "sample.notes", erpTable: "Notes", crmTable: "annotation")
            let erp = try rows(fixture.erp, erpNotes)
            let crm = try rows(fixture.crm, crmNotes)
            if drained, erp == crm { return (erp, crm) }
            if ContinuousClock.now > deadline { return (erp, crm) }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

extension Process {
    /// Waits for exit without blocking the cooperative pool for long.
    func awaitExit(timeout: Duration = .seconds(120)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now > deadline {
                kill(processIdentifier, SIGKILL)
                throw FixtureError("process \(processIdentifier) did not exit in time")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return terminationStatus
    }
}

/// Waits until `condition` holds, checking every 100 ms; records an issue after `timeout`.
/// The default is generous: the suites run in parallel on a 2-core machine, a dozen engines at once
/// (202 tests; 90 s was not always enough in a CI run). The poll runs off the cooperative pool
/// (``Fixtures/poll(timeout:every:_:)``): most conditions run `tandem` commands, and other tests'
/// blocking work held that pool for minutes in CI runs.
func waitUntil(timeout: Duration = .seconds(180), _ condition: @escaping () throws -> Bool) async throws {
    if try await !Fixtures.poll(timeout: timeout, condition) {
        Issue.record("condition not met in \(timeout)")
    }
}
