import GRDB
import TandemDocuments

/// Runs one side's DDL in an empty in-memory SQLite database, as
/// `tandem capture install --create-tables` would on a new side, and checks
/// that it makes the tables the maps name with every column they map.
///
/// Matching table names in the statements' text is not enough: it takes
/// `InventSites` for `InventSite`, and says nothing of the columns, so those
/// mistakes surfaced only when `tandem run` planned the map.
enum DDLCheck {
    /// One check per statement that fails, then one per map on `side`.
    static func run(side: String, statements: [String], maps: [TableMap]) -> [ConformanceCheck] {
        var checks: [ConformanceCheck] = []
        let database: DatabaseQueue
        do {
            database = try DatabaseQueue()
        } catch {
            return [
                ConformanceCheck("DDL (\(side))", .fail, "cannot open an in-memory SQLite database to run it: \(error)")
            ]
        }
        for (index, statement) in statements.enumerated() {
            do {
                try database.write { db in try db.execute(sql: statement) }
            } catch let error as DatabaseError {
                checks.append(
                    ConformanceCheck(
                        "DDL (\(side)) statement \(index + 1)", .fail,
                        "SQLite refuses it: \(error.message ?? "\(error)"): \(statement.prefix(120))"))
            } catch {
                checks.append(
                    ConformanceCheck(
                        "DDL (\(side)) statement \(index + 1)", .fail, "\(error): \(statement.prefix(120))"))
            }
        }
        for map in maps {
            let table = side == "erp" ? map.erp : map.crm
            let name = "DDL for \(map.id) (\(side))"
            let columns: [String]?
            do {
                columns = try database.read { db in
                    try db.tableExists(table.table) ? try db.columns(in: table.table).map(\.name) : nil
                }
            } catch {
                checks.append(ConformanceCheck(name, .fail, "cannot read table \(table.table) back: \(error)"))
                continue
            }
            guard let columns else {
                // A plugin may map a table the application already has, so this is not a failure.
                checks.append(
                    ConformanceCheck(
                        name, .warn,
                        "creates no table \(table.table); it must exist on the \(side) side before capture is installed"
                    ))
                continue
            }
            // Exact names, as the engine matches them when it plans the map.
            let mapped = table.key + map.fields.flatMap { (side == "erp" ? $0.erp : $0.crm)?.columns ?? [] }
            var seen: Set<String> = []
            let missing = mapped.filter { !columns.contains($0) && seen.insert($0).inserted }
            checks.append(
                missing.isEmpty
                    ? ConformanceCheck(
                        name, .pass, "creates \(table.table) with its \(Set(mapped).count) mapped column(s)")
                    : ConformanceCheck(
                        name, .fail,
                        "\(table.table) has no column \(missing.map { "'\($0)'" }.joined(separator: ", ")), which the map names; add it to the DDL or correct the field (columns: \(columns.joined(separator: ", ")))"
                    ))
        }
        return checks
    }
}
