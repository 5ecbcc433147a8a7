import Foundation
import GRDB
@testable import TandemEngine
import TandemTestSupport
import Testing

/// The wait between engine passes, alone: a commit by another connection
/// ends it, other files in the folder do not, and nothing is lost between a
/// drain and the next wait. Each wait that must end by a notification has a
/// deadline far beyond the suite's patience, so a waiter that misses the
/// commit fails the test (it returns `.timedOut`) rather than passing late.
@Suite("Waiting for commits (inotify)")
struct CommitWaiterTests {
    /// A WAL-mode database in a fresh folder, and a second connection that writes it.
    static func database(_ label: String) throws -> (path: String, writer: DatabaseQueue) {
        let path = try Fixtures.temporaryDirectory(label) + "/side.sqlite"
        let writer = try DatabaseQueue(path: path)
        try writer.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "CREATE TABLE t (x INTEGER)")
        }
        return (path, writer)
    }

    /// Runs `write` on another thread shortly after the wait started.
    static func commitSoon(_ write: @escaping @Sendable () throws -> Void) {
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.05)
            try? write()
        }
    }

    @Test("A commit by another connection ends the wait")
    func commitEndsWait() throws {
        #if os(Linux)
            let (path, writer) = try Self.database("waiter-commit")
            let waiter = CommitWaiter(databases: [path])
            #expect(waiter.isWatching, "\(waiter.unavailable ?? "")")
            waiter.drain()
            Self.commitSoon { try writer.write { db in try db.execute(sql: "INSERT INTO t VALUES (1)") } }
            #expect(waiter.wait(until: .now + .seconds(600)) == .notified)
        #endif
    }

    @Test("A database whose -wal file does not exist yet, or is deleted and created again, is still seen")
    func walCreatedLater() throws {
        #if os(Linux)
            let folder = try Fixtures.temporaryDirectory("waiter-later")
            let path = folder + "/later.sqlite"
            let waiter = CommitWaiter(databases: [path])
            #expect(waiter.isWatching)
            Self.commitSoon {
                let writer = try DatabaseQueue(path: path)
                try writer.writeWithoutTransaction { db in
                    _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                    try db.execute(sql: "CREATE TABLE t (x INTEGER)")
                }
            }
            #expect(waiter.wait(until: .now + .seconds(600)) == .notified)
            // The last connection closing deletes the -wal; the next writer creates it anew.
            Thread.sleep(forTimeInterval: 0.2)
            waiter.drain()
            Self.commitSoon {
                try DatabaseQueue(path: path).write { db in try db.execute(sql: "INSERT INTO t VALUES (2)") }
            }
            #expect(waiter.wait(until: .now + .seconds(600)) == .notified)
        #endif
    }

    @Test("Other files in the folder do not end the wait; its deadline does")
    func otherFilesIgnored() throws {
        #if os(Linux)
            let (path, _) = try Self.database("waiter-other")
            let waiter = CommitWaiter(databases: [path])
            waiter.drain()
            let other = (path as NSString).deletingLastPathComponent + "/engine.log"
            Self.commitSoon {
                for line in 0..<20 { try "line \(line)\n".write(toFile: other, atomically: false, encoding: .utf8) }
            }
            #expect(waiter.wait(until: .now + .milliseconds(400)) == .timedOut)
        #endif
    }

    @Test("A commit between a drain and the next wait ends that wait at once: a wake during a pass is not lost")
    func wakeDuringPassKept() throws {
        #if os(Linux)
            let (path, writer) = try Self.database("waiter-pass")
            let waiter = CommitWaiter(databases: [path])
            waiter.drain()
            // The "pass": a commit lands after the drain and before the wait.
            try writer.write { db in try db.execute(sql: "INSERT INTO t VALUES (1)") }
            #expect(waiter.wait(until: .now + .seconds(600)) == .notified)
            // Drained before the next pass: an idle wait then runs to its deadline.
            waiter.drain()
            #expect(waiter.wait(until: .now + .milliseconds(100)) == .timedOut)
        #endif
    }

    @Test("The schedule of timed work ends a wait when statistics or parked retries are due, never after")
    func passSchedule() {
        let start = ContinuousClock.now
        var schedule = PassSchedule(periods: [.seconds(1), .seconds(2)], now: start)
        #expect(schedule.next == start)
        schedule.passed(started: start, ended: start + .milliseconds(5))
        #expect(schedule.next == start + .milliseconds(1005))
        // A pass before anything is due moves nothing.
        schedule.passed(started: start + .milliseconds(500), ended: start + .milliseconds(510))
        #expect(schedule.next == start + .milliseconds(1005))
        // At the second: statistics again; parked retries still due at 2.005 s.
        schedule.passed(started: start + .milliseconds(1005), ended: start + .milliseconds(1010))
        #expect(schedule.next == start + .milliseconds(2005))
        // Parked retries run (next at 4.01 s); statistics, set at 1.01 s, are due at 2.01 s.
        schedule.passed(started: start + .milliseconds(2005), ended: start + .milliseconds(2010))
        #expect(schedule.next == start + .milliseconds(2010))
        schedule.passed(started: start + .milliseconds(2010), ended: start + .milliseconds(2012))
        #expect(schedule.next == start + .milliseconds(3012))
    }
}
