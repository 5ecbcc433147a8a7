import Synchronization

/// What a PostgreSQL side's commit watch tells the side itself: whether it
/// runs, and how often it rang. While it runs, a commit to the side's log
/// rings it (a NOTIFY, or its own re-check of the sequence), so a commit
/// token read since the last ring is still the log's: the side answers it
/// without a server query (see ``PostgreSQLSide/commitToken()``). An idle
/// engine's passes asked for it four times a second per side.
final class PostgreSQLWatchRings: Sendable {
    /// Whether a watch runs, and the number of its rings so far.
    private let state = Mutex<(watching: Int, rings: Int)>((0, 0))

    /// A watch started.
    func started() { state.withLock { $0.watching += 1 } }

    /// A watch stopped (it rings no more).
    func stopped() { state.withLock { $0.watching -= 1 } }

    /// A watch saw a commit, or lost its connection: any token read before is stale.
    func ring() { state.withLock { $0.rings += 1 } }

    /// The rings so far while a watch runs; nil when none runs (then nothing says a token is current).
    var current: Int? { state.withLock { $0.watching > 0 ? $0.rings : nil } }
}
