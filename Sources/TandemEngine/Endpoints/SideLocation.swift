import Foundation
import Logging
package import TandemPostgreSQL

/// Where a side is, as `tandem.yaml` gives it: the one place that picks the
/// endpoint (the SQLite or the PostgreSQL folder's type) for a side, so that
/// the engine, the housekeeper and the alert thread each open the same side
/// their own way (a connection of their own) without knowing its dialect.
package enum SideLocation: Sendable, CustomStringConvertible {
    /// A SQLite database file (absolute).
    case sqlite(path: String)
    /// A schema in a PostgreSQL database.
    case postgresql(PostgreSQLSideConfig)

    /// The SQLite file, nil for a server side (only a file can be deleted or
    /// replaced under the engine, and only a file is watched with inotify).
    package var file: String? {
        if case .sqlite(let path) = self { return path }
        return nil
    }

    /// The file, or the server, database and schema (never a password).
    package var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgresql(let config): config.description
        }
    }

    /// Opens the side as `role`: `busyTimeout` (s) is how long a SQLite side
    /// waits for another writer; `background`, a connection off the
    /// applying path (see ``SideDatabase/init(role:path:create:busyTimeout:readOnly:background:)``);
    /// `readOnly`, a SQLite connection that cannot write; `create`, a SQLite file that may not exist yet.
    func open(
        role: SideRole, busyTimeout: Int = 30, background: Bool = false, readOnly: Bool = false, create: Bool = false,
        logger: Logger = Logger(label: "tandem.side")
    ) throws -> any SideEndpoint {
        switch self {
        case .sqlite(let path):
            return try SideDatabase(
                role: role, path: path, create: create, busyTimeout: busyTimeout, readOnly: readOnly, background: background)
        case .postgresql(let config):
            return PostgreSQLSide(role: role, config: config, logger: logger)
        }
    }
}
