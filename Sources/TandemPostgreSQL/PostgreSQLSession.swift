import Logging
import PostgresNIO

/// A connection of its own for a caller that runs a transaction statement by
/// statement, deciding between statements (the engine's apply step reads
/// parents and pending edits, writes, parks, and stores its checkpoints in
/// one transaction).
///
/// Not part of ``PostgreSQLEndpoint``'s one connection: a transaction there
/// would have to be one request, and a caller that decides between
/// statements would hold the actor's queue for the whole of it. A session
/// runs one statement at a time; the caller serialises its own use of it.
///
/// Errors are ``PostgreSQLError``s, translated as the endpoint's are (server,
/// database and table named, never the password). Once ``isClosed`` (the
/// server ended the connection), open another one. Always ``close()`` it:
/// postgres-nio requires every connection to be closed before it is released.
public final class PostgreSQLSession: Sendable {
    let connection: PostgresConnection
    let endpoint: PostgreSQLEndpoint
    let logger: Logger

    init(connection: PostgresConnection, endpoint: PostgreSQLEndpoint, logger: Logger) {
        self.connection = connection
        self.endpoint = endpoint
        self.logger = logger
    }

    /// Whether the connection has ended (closed here, or by the server).
    public var isClosed: Bool { connection.isClosed }

    /// Runs `sql` with `parameters` bound as text of unspecified type (the server parses each as
    /// the type it meets, so a numeric arrives as its digits, never through a float) and returns
    /// every row, each column as text (NULL as nil). `table` is named in an error's message.
    ///
    /// Columns of integer, boolean and text types are read as they are; cast any other column to
    /// `text` in `sql` (the endpoint reads values by their text, see ``PostgreSQLColumn/Kind``).
    public func query(_ sql: String, _ parameters: [String?] = [], table: String? = nil) async throws -> [[String?]] {
        do {
            var result: [[String?]] = []
            for try await row in try await connection.query(PostgreSQLSQL.query(sql, parameters), logger: logger) {
                var values: [String?] = []
                values.reserveCapacity(row.count)
                for cell in row {
                    values.append(try Self.text(cell))
                }
                result.append(values)
            }
            return result
        } catch {
            throw endpoint.translate(error, table: table)
        }
    }

    /// A cell's text: integers and booleans in PostgreSQL's text form, anything else decoded as text.
    private static func text(_ cell: PostgresCell) throws -> String? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int2, .int4, .int8: return String(try cell.decode(Int64.self))
        case .bool: return try cell.decode(Bool.self) ? "true" : "false"
        default: return try cell.decode(String.self)
        }
    }

    /// Closes the connection.
    public func close() async {
        try? await connection.close()
    }
}
