import Logging
import PostgresNIO
import Synchronization

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
    /// The statement in flight, resumed by whichever comes first: its answer or the connection's end.
    private let pending = Mutex<Pending>(Pending())

    /// The caller waiting for a statement, and whether the connection has ended.
    private struct Pending {
        var waiting: CheckedContinuation<[[String?]], any Error>?
        /// The promise a thread in ``pipeline(_:)`` waits on.
        var pipeline: EventLoopPromise<[Result<[[String?]], PostgreSQLError>]>?
        var closed = false
    }

    init(connection: PostgresConnection, endpoint: PostgreSQLEndpoint, logger: Logger) {
        self.connection = connection
        self.endpoint = endpoint
        self.logger = logger
        connection.closeFuture.whenComplete { [weak self] _ in self?.connectionEnded() }
    }

    /// Fails the statement in flight: the server ended the connection (or it was closed).
    private func connectionEnded() {
        let (waiting, pipeline) = pending.withLock { state in
            state.closed = true
            defer {
                state.waiting = nil
                state.pipeline = nil
            }
            return (state.waiting, state.pipeline)
        }
        waiting?.resume(throwing: lost)
        pipeline?.fail(lost)
    }

    private var lost: PostgreSQLError {
        let config = endpoint.config
        return PostgreSQLError(
            .connectionLost,
            "PostgreSQL at \(config.host):\(config.port) (database \(config.database), user \(config.user)) ended "
                + "the connection while a statement ran; the transaction in flight was rolled back")
    }

    /// Whether the connection has ended (closed here, or by the server).
    public var isClosed: Bool { connection.isClosed }

    /// Runs `sql` with `parameters` bound as text of unspecified type (the server parses each as
    /// the type it meets, so a numeric arrives as its digits, never through a float) and returns
    /// every row, each column as text (NULL as nil). `table` is named in an error's message.
    ///
    /// Columns of integer, boolean and text types are read as they are; cast any other column to
    /// `text` in `sql` (the endpoint reads values by their text, see ``PostgreSQLColumn/Kind``).
    ///
    /// A statement sent into a connection the server has just ended was seen to wait for ever in
    /// postgres-nio (about one run in two of the dropped-connection test); so the connection's end
    /// fails the statement in flight with ``PostgreSQLError/Code/connectionLost`` whatever the
    /// driver does. The statement runs in a task of its own for that reason: a driver that never
    /// answers leaves that one task suspended, not the caller.
    public func query(_ sql: String, _ parameters: [String?] = [], table: String? = nil) async throws -> [[String?]] {
        try await alone { try await self.run(sql, parameters, table: table) }
    }

    /// Runs `statements` in order and returns each one's rows, or its error, blocking the calling
    /// thread until the last is answered.
    ///
    /// All of them are queued on the connection at once, so its event loop sends each one as soon
    /// as the one before is answered: one wait of the caller for all of them, with no task or
    /// thread between two statements (a statement through ``query(_:_:table:)`` from a blocking
    /// caller costs a task, a semaphore and the driver's own task; under load each of those
    /// hand-overs waits for a core). Each statement is its own extended-protocol exchange, so a
    /// failed one does not stop the others: in a transaction they fail with SQLSTATE 25P02, and a
    /// `COMMIT` after a failure rolls the transaction back.
    ///
    /// The connection's end fails every statement not answered yet with
    /// ``PostgreSQLError/Code/connectionLost``, as in ``query(_:_:table:)``.
    ///
    /// Call it from a thread of its own, never from a Swift concurrency task or an event loop (it
    /// blocks); the caller serialises its own use of the session, as for ``query(_:_:table:)``.
    package func pipeline(_ statements: [PostgreSQLStatement]) -> [Result<[[String?]], PostgreSQLError>] {
        startPipeline(statements).wait()
    }

    /// Queues `statements` as ``pipeline(_:)`` does, without waiting for them: the caller does
    /// other work meanwhile (a write-through's target begins its transaction while the origin
    /// writes) and then waits with ``Flight/wait()``. Nothing else may be sent on the session
    /// until that wait returned.
    package func startPipeline(_ statements: [PostgreSQLStatement]) -> Flight {
        let eventLoop = connection.eventLoop
        let done = eventLoop.makePromise(of: [Result<[[String?]], PostgreSQLError>].self)
        let closed = pending.withLock { state in
            if !state.closed { state.pipeline = done }
            return state.closed
        }
        let endpoint = self.endpoint
        if closed {
            done.fail(lost)
            return Flight(future: done.futureResult, count: statements.count, endpoint: endpoint)
        }
        // Queued from the event loop, in one hop: a query queued from this thread hands itself to
        // the loop on its own (a wake-up of the loop's thread each), and those hand-overs were the
        // largest part of a write-through's CPU on the engine's thread.
        let connection = self.connection
        let logger = self.logger
        let queue = { @Sendable () -> EventLoopFuture<[Result<[[String?]], any Error>]> in
            let queries = statements.map { statement in
                connection.query(PostgreSQLSQL.query(statement.sql, statement.parameters), logger: logger)
                    .flatMapThrowing { result in
                        try result.rows.map { row in try row.map(Self.text) }
                    }
            }
            return EventLoopFuture.whenAllComplete(queries, on: eventLoop)
        }
        let all = eventLoop.inEventLoop ? queue() : eventLoop.flatSubmit(queue)
        all.whenComplete { outcome in
            // Only this call's promise: the connection's end may have failed it already.
            let waiting = self.pending.withLock { state -> EventLoopPromise<[Result<[[String?]], PostgreSQLError>]>? in
                guard let current = state.pipeline, current.futureResult === done.futureResult else { return nil }
                state.pipeline = nil
                return current
            }
            guard let waiting else { return }
            switch outcome {
            case .success(let results):
                waiting.succeed(
                    zip(results, statements).map { result, statement in
                        result.mapError { endpoint.translate($0, table: statement.table) }
                    })
            case .failure(let error):
                waiting.fail(error)
            }
        }
        return Flight(future: done.futureResult, count: statements.count, endpoint: endpoint)
    }

    /// Statements queued by ``startPipeline(_:)``, not yet waited for.
    package struct Flight: Sendable {
        let future: EventLoopFuture<[Result<[[String?]], PostgreSQLError>]>
        let count: Int
        let endpoint: PostgreSQLEndpoint

        /// Each statement's rows or error, blocking the calling thread until the last is answered
        /// (a thread of its own, as for ``PostgreSQLSession/pipeline(_:)``).
        package func wait() -> [Result<[[String?]], PostgreSQLError>] {
            do {
                return try future.wait()
            } catch {
                let lost = endpoint.translate(error)
                return (0..<count).map { _ in .failure(lost) }
            }
        }
    }

    /// Sends `text`, rows in COPY's text format (see ``copyField(_:)``), into `columns` of
    /// `schema`.`table` with `COPY … FROM STDIN`, in the transaction in flight. Fails, as
    /// ``query(_:_:table:)`` does, when the connection ends; a row the server refuses fails the
    /// whole COPY (and the transaction) with the server's SQLSTATE.
    public func copyIn(schema: String, table: String, columns: [String], text: String) async throws {
        _ = try await alone {
            do {
                // postgres-nio puts the name between double quotes as given: `a"."b` names b in schema a.
                let quoted = { (name: String) in name.replacingOccurrences(of: "\"", with: "\"\"") }
                try await self.connection.copyFrom(
                    table: quoted(schema) + "\".\"" + quoted(table), columns: columns.map(quoted), logger: self.logger
                ) { writer in
                    var buffer = ByteBuffer()
                    buffer.writeString(text)
                    try await writer.write(buffer)
                }
            } catch {
                throw self.endpoint.translate(error, table: table)
            }
            return []
        }
    }

    /// One field of COPY's text format: `\N` for NULL; backslash, tab, newline and return escaped.
    public static func copyField(_ text: String?) -> String {
        PostgreSQLEndpoint.copyField(text)
    }

    /// Runs `work` as the session's one statement in flight (see ``query(_:_:table:)``).
    private func alone(_ work: @escaping @Sendable () async throws -> [[String?]]) async throws -> [[String?]] {
        try await withCheckedThrowingContinuation { continuation in
            let closed = pending.withLock { state in
                if !state.closed { state.waiting = continuation }
                return state.closed
            }
            if closed {
                continuation.resume(throwing: lost)
                return
            }
            Task {
                let result: Result<[[String?]], any Error>
                do {
                    result = .success(try await work())
                } catch {
                    result = .failure(error)
                }
                let waiting = pending.withLock { state in
                    defer { state.waiting = nil }
                    return state.waiting
                }
                waiting?.resume(with: result)
            }
        }
    }

    /// Runs one statement and reads its rows to the end.
    private func run(_ sql: String, _ parameters: [String?], table: String?) async throws -> [[String?]] {
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

    /// A cell's text: integers and booleans in PostgreSQL's text form, floats in Swift's shortest
    /// form that reads back to the same double (the binary float does not decode as text: it
    /// read as nothing before), anything else decoded as text.
    private static func text(_ cell: PostgresCell) throws -> String? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int2, .int4, .int8: return String(try cell.decode(Int64.self))
        case .bool: return try cell.decode(Bool.self) ? "true" : "false"
        case .float4, .float8: return String(try cell.decode(Double.self))
        default: return try cell.decode(String.self)
        }
    }

    /// Closes the connection, waiting at most two seconds; false when the close did not finish
    /// (a connection the server just ended can take that long): keep the session referenced
    /// then, since postgres-nio traps on releasing a connection that is not closed.
    @discardableResult
    public func close() async -> Bool {
        await connection.close(within: .seconds(2))
    }
}
