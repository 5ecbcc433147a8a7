import GRDB

/// Where a SQLite side keeps its ``SideIdentity``: a one-row table that is
/// not part of capture (`tandem capture remove` must not make a side forget
/// whose it is).
extension SideDatabase {
    /// The one-row table every side holds.
    static let identitySchema = """
        CREATE TABLE IF NOT EXISTS _tandem_side (
            id INTEGER PRIMARY KEY CHECK (id = 1), environment TEXT NOT NULL, side TEXT NOT NULL,
            side_id TEXT NOT NULL, created_at REAL NOT NULL)
        """

    func storedIdentity() throws -> SideIdentity? {
        try queue.read { db in
            guard try db.tableExists("_tandem_side") else { return nil }
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT environment, side, side_id, created_at FROM _tandem_side WHERE id = 1")
            else { return nil }
            // An unknown role is as foreign as another environment's side.
            return SideIdentity(
                environment: row[0], role: SideRole(rawValue: row[1]) ?? .erp, id: row[2], createdAt: row[3])
        }
    }

    func storeIdentity(_ identity: SideIdentity) throws {
        try queue.write { db in
            try db.execute(sql: Self.identitySchema)
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO _tandem_side (id, environment, side, side_id, created_at) VALUES (1, ?, ?, ?, ?)",
                arguments: [identity.environment, identity.role.rawValue, identity.id, identity.createdAt])
        }
    }

    func removeIdentity() throws {
        try queue.write { db in try db.execute(sql: "DROP TABLE IF EXISTS _tandem_side") }
    }
}
