import Foundation
import TandemEngine
import Logging
import Synchronization
import TandemPluginHost

/// A throwaway environment with map `sample.notes` (or other maps) and its engine, as the
/// benchmarks use it: created, optionally with the map running, and the
/// engine optionally run on a thread of its own until ``stop()``.
final class BenchEngine: @unchecked Sendable {
    // Unchecked: once ``start()`` hands the engine to its thread, only that thread uses it.
    let environment: TandemEnvironment
    let engine: SyncEngine
    /// Commit times of applied source changes, filled by ``observeApplied(_:)``.
    let applied = AppliedLog()
    private let stopped = Atomic<Bool>(false)
    private var thread: Thread?

    /// Creates the environment at `directory`; `running` sets the map running first; `sides`
    /// puts a side on PostgreSQL (a fresh schema named after the folder's last component).
    init(
        at directory: String, maps: [String] = ["sample.notes"], catalog: PluginCatalog, running: Bool = true,
        sides: BenchSides = BenchSides()
    ) throws {
        environment = try TandemEnvironment.create(
            at: directory, maps: maps, catalog: catalog,
            sides: try sides.configs(for: URL(fileURLWithPath: directory).lastPathComponent))
        if running { try environment.openState().setStates(maps, to: .running, actor: "bench") }
        var logger = Logger(label: "tandem.bench")
        logger.logLevel = .warning
        engine = try SyncEngine(environment: environment, catalog: catalog, logger: logger)
        // As in `tandem run`: every plugin transform call is journaled first, so the figures include it.
        engine.containPluginCrashes(journal: try PluginCallJournal(directory: directory), crashSignal: nil)
    }

    /// Opens one of the environment's sides, as an application would.
    func side(_ role: SideRole) throws -> SideDatabase {
        try SideDatabase(role: role, path: environment.path("\(role.rawValue).sqlite"))
    }

    /// An application writing to `role`'s side, SQLite or PostgreSQL.
    func writer(_ role: SideRole) throws -> BenchWriter {
        try BenchWriter(environment, role)
    }

    /// Records the commit time of every change applied in `direction` (every direction when nil).
    func observeApplied(_ direction: SyncDirection? = nil) {
        let applied = self.applied
        engine.observer = { applying, seqs, instant in
            guard direction == nil || applying == direction else { return }
            applied.times.withLock { for seq in seqs { $0[seq] = instant } }
        }
    }

    /// Runs the engine on its own thread.
    func start() {
        let thread = Thread { [self] in try? engine.run { stopped.load(ordering: .relaxed) } }
        thread.stackSize = 8 << 20
        thread.start()
        self.thread = thread
    }

    /// Stops the engine's thread and waits for it.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        while let thread, !thread.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    }

    deinit { stopped.store(true, ordering: .relaxed) }
}

/// Commit times of applied changes, written by the engine thread.
final class AppliedLog: Sendable {
    let times = Mutex<[Int64: ContinuousClock.Instant]>([:])
}
