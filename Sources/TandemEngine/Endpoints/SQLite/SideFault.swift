import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// SQLite's errors say what failed (`unable to open database file`,
/// `attempt to write a readonly database`) but not on which database or
/// what to do. This names the side, its file and the next step; errors
/// that are not about a file (a constraint, a busy wait) pass unchanged.
package enum SideFault {
    /// Result codes that are about the file itself.
    static let fileCodes: [ResultCode] = [
        .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_PERM,
    ]

    /// What to do about `code` on `path`.
    static func advice(_ code: ResultCode, path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        switch code.primaryResultCode {
        case .SQLITE_READONLY, .SQLITE_PERM:
            return
                "the file is read-only for this process (user id \(getuid())): make \(path), \(path)-wal, \(path)-shm and the folder \(folder) writable by it, or check that the file system is not mounted read-only"
        case .SQLITE_CANTOPEN:
            return
                "check that \(path) is a database file (not a folder), that the folder \(folder) exists and is writable (SQLite keeps \(path)-wal and \(path)-shm next to it), and that sides in tandem.yaml name the right file"
        case .SQLITE_NOTADB:
            return "\(path) is not a SQLite database: check the sides in tandem.yaml, or restore the file from a backup"
        case .SQLITE_CORRUPT:
            return
                "the database file is damaged: stop the applications that write it, then restore it from a backup (docs/OPERATIONS.md, \"Sides that go back in time\", says how Tandem recovers)"
        case .SQLITE_FULL: return "the disk holding \(path) is full: free space there; the engine retries"
        default: return "a disk error on \(path): check the disk and the system log; the engine retries"
        }
    }

    /// `error` from `role`'s database at `path`, with the side, the file and what to do.
    package static func describe(_ error: any Error, role: SideRole, path: String) -> any Error {
        guard let database = error as? DatabaseError, fileCodes.contains(database.resultCode.primaryResultCode) else {
            return error
        }
        return SyncError(
            .database,
            "the \(role) side (\(path)): SQLite error \(database.resultCode.rawValue): \(database.message ?? "\(database)")"
                + (database.sql.map { " (while running \($0.prefix(80)))" } ?? "")
                + ": \(advice(database.resultCode, path: path))")
    }

    /// `error` from one of `sides`, when it can tell which: the side whose
    /// file is not where it was, or not writable. Otherwise it names both
    /// files. `sides`: the SQLite sides' files (a server side has none).
    package static func describe(_ error: any Error, sides: [SideRole: String]) -> any Error {
        guard let database = error as? DatabaseError, fileCodes.contains(database.resultCode.primaryResultCode) else {
            return error
        }
        let ordered = sides.sorted { $0.key.rawValue < $1.key.rawValue }
        let suspect = ordered.first { _, path in
            let folder = (path as NSString).deletingLastPathComponent
            return [path, folder].contains { (file: String) in access(file, W_OK) != 0 }
                || FileIdentity(path: path) == nil
        }
        if let (role, path) = suspect { return describe(error, role: role, path: path) }
        guard ordered.count == 2 else {
            return ordered.first.map { describe(error, role: $0.key, path: $0.value) } ?? error
        }
        return SyncError(
            .database,
            "the erp side (\(ordered[0].value)) or the crm side (\(ordered[1].value)): SQLite error \(database.resultCode.rawValue): \(database.message ?? "\(database)"): check both files (\(advice(database.resultCode, path: "the file")))"
        )
    }
}
