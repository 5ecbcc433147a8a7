import GRDB

/// The map files a running engine read after it started (`tandem maps
/// add-field` compiles its map again from them): `tandem status` says a
/// file changed since the engine read it, not since the engine started.
extension StateStore {
    /// Records that the engine read `files` (as `maps/NAME`) now.
    func recordMapFilesRead(_ files: [String]) throws {
        guard !files.isEmpty else { return }
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS map_files_read (file TEXT PRIMARY KEY, read_at REAL NOT NULL)")
            for file in files {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO map_files_read (file, read_at) VALUES (?, ?)", arguments: [file, Self.now])
            }
        }
    }

    /// When each map file (`maps/NAME`) was last read by an engine after it started.
    package func mapFilesRead() throws -> [String: Double] {
        try queue.read { db in
            guard try db.tableExists("map_files_read") else { return [:] }
            var result: [String: Double] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT file, read_at FROM map_files_read") { result[row[0]] = row[1] }
            return result
        }
    }
}
