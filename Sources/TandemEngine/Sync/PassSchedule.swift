/// When the engine's next pass has time-based work due, for a wait that
/// must end in time for it: ``SyncEngine/iterate()`` writes statistics
/// (and audits the sides, saves checkpoints) once a second and retries
/// parked changes every two seconds, whether or not anything was committed.
///
/// Kept from the outside: each period starts again at the end of a pass
/// that began at or after its due time. A pass that began a little earlier
/// may have done the work already; the schedule then ends one wait early
/// (a pass with nothing to do), never late.
struct PassSchedule {
    /// The periods of ``SyncEngine/iterate()``'s timed work.
    static let engine: [Duration] = [.seconds(1), .seconds(2)]

    private var due: [(period: Duration, at: ContinuousClock.Instant)]

    /// Everything due at `now`, as in a new engine.
    init(periods: [Duration] = Self.engine, now: ContinuousClock.Instant = .now) {
        due = periods.map { ($0, now) }
    }

    /// Takes in a pass that ran from `started` to `ended`.
    mutating func passed(started: ContinuousClock.Instant, ended: ContinuousClock.Instant) {
        for index in due.indices where started >= due[index].at {
            due[index].at = ended + due[index].period
        }
    }

    /// The earliest time some timed work is due.
    var next: ContinuousClock.Instant { due.map(\.at).min() ?? .now }
}
