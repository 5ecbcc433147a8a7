import Foundation
package import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API.
///
/// The engine's per-change statements (read a change, set the context, upsert
/// a row) ran at about a third of the writer-alone rate through GRDB's
/// generic argument and row types: the profile was dominated by generic
/// metadata lookups, key paths and per-row allocations, not by SQLite. This
/// binds ``SideValue``s and reads columns directly. The statement itself
/// still comes from GRDB's cache, and is reset after every use so that GRDB
/// can keep using it.
package struct RawStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    /// Kept for error messages only (its `sql` is computed on each call).
    private let statement: Statement

    /// Wraps a statement GRDB prepared on `db`.
    package init(_ statement: Statement, _ db: Database) {
        handle = statement.sqliteStatement
        connection = db.sqliteConnection!
        self.statement = statement
    }

    /// Prepares (or takes from GRDB's cache) `sql` on `db`.
    package init(sql: String, _ db: Database) throws {
        self.init(try db.cachedStatement(sql: sql), db)
    }

    /// Binds `values` to parameters 1, 2, ….
    package func bind(_ values: some Sequence<SideValue>) {
        var index: Int32 = 1
        for value in values {
            bind(value, at: index)
            index += 1
        }
    }

    /// Binds one value to parameter `index` (1-based).
    package func bind(_ value: SideValue, at index: Int32) {
        switch value {
        case .null:
            sqlite3_bind_null(handle, index)
        case .integer(let integer):
            sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            sqlite3_bind_double(handle, index, real)
        case .text(var text):
            _ = text.withUTF8 { bytes in
                // An empty buffer may have no address, which SQLite would bind as NULL.
                if bytes.isEmpty {
                    sqlite3_bind_text(handle, index, "", 0, nil)
                } else {
                    sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
                }
            }
        case .blob(let data):
            if data.isEmpty {
                sqlite3_bind_zeroblob(handle, index, 0)
            } else {
                data.withUnsafeBytes { bytes in
                    _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
                }
            }
        }
    }

    /// Binds a text to parameter `index`.
    package func bind(_ text: String, at index: Int32) {
        bind(.text(text), at: index)
    }

    /// Runs the statement to completion and resets it; returns the rows it changed.
    @discardableResult
    package func execute() throws -> Int {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            switch code {
            case SQLITE_DONE: return Int(sqlite3_changes(connection))
            case SQLITE_ROW: continue
            default: throw error(code)
            }
        }
    }

    /// Runs an `INSERT … ON CONFLICT DO UPDATE` into a rowid table to completion
    /// and resets it; returns the rows it changed and whether it inserted
    /// (rather than updated) its row, which the capture triggers would record
    /// as an `I` or a `U`. An upsert's update leaves the connection's last
    /// inserted rowid alone, so a value no ordinary insert gives tells them apart.
    package func executeUpsert() throws -> (changed: Int, inserted: Bool) {
        sqlite3_set_last_insert_rowid(connection, Int64.min)
        let changed = try execute()
        return (changed, sqlite3_last_insert_rowid(connection) != Int64.min)
    }

    /// Steps a query: true while there is a row. Call ``reset()`` when done.
    package func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            defer { sqlite3_reset(handle) }
            throw error(code)
        }
    }

    /// Makes the statement ready for new arguments.
    package func reset() {
        sqlite3_reset(handle)
    }

    /// Column `index` of the current row as an integer.
    package func int64(_ index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    /// Column `index` of the current row as a real.
    package func double(_ index: Int32) -> Double {
        sqlite3_column_double(handle, index)
    }

    /// Column `index` of the current row with its storage class.
    package func value(_ index: Int32) -> SideValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_TEXT: return .text(text(index) ?? "")
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let bytes = sqlite3_column_blob(handle, index) else { return .blob(Data()) }
            return .blob(Data(bytes: bytes, count: count))
        default: return .null
        }
    }

    /// Column `index` of the current row as text, nil when NULL.
    package func text(_ index: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Column `index` of the current row as a change-log literal list (`key`,
    /// `row`), nil when NULL: read as bytes, so that text that is not valid
    /// UTF-8 is kept as `TX'..'` instead of being repaired (``SQLLiteral/normalized(_:)``).
    package func literals(_ index: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return SQLLiteral.normalized(UnsafeBufferPointer(start: bytes, count: count))
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
            message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
    }

    /// SQLite copies the bytes before the bind call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
