import Foundation
import TandemTestSupport
import Testing

/// A suite trait that starts one ``StandardEnvironment`` for a whole suite
/// and stops its engine when the last test of the suite is done.
///
/// Why: a standard environment with every map takes about a minute to
/// start on the shared 2-core CI machine (`tandem init`, the initial sync of
/// every map, the engine's start, the seed in step, `maps compare` over every
/// table), and the prospect-to-cash suite started one per test case: 18
/// starts were most of its ~1,050 s. The tests of a suite that uses this
/// trait run one after another (`.serialized`) in the one environment, each
/// with keys of its own, and each leaves the environment in step with
/// nothing parked (it checks so), so the next one starts from the same state
/// as from a fresh environment.
///
/// A test reads the environment with ``fixture``.
struct SharedEnvironment: SuiteTrait, TestScoping {
    /// Names the environment's temporary folder.
    var label: String
    /// The maps `tandem init` sets up and runs, parents first.
    var maps: [String]
    /// ERP statements written after ``StandardEnvironment/seed``, each
    /// awaited in step before the next, then before the first test.
    var seeds: [String]

    /// The running environment of the suite being run, set for its tests only.
    @TaskLocal static var current: SyncFixture?

    /// The environment of the running suite, or a failed requirement when
    /// the test runs outside a suite with this trait.
    static var fixture: SyncFixture {
        get throws { try #require(current, "the suite has no SharedEnvironment trait") }
    }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let (fixture, engine) = try await StandardEnvironment.start(label, maps: maps)
        // Killed on every way out, a failed start included: a left-over engine
        // would keep one of the two shared cores busy for the rest of the run.
        defer { kill(engine.processIdentifier, SIGKILL) }
        for seed in seeds {
            try SideReader.execute(fixture.erp, seed)
            try await StandardEnvironment.awaitInStep(fixture)
        }
        try await Self.$current.withValue(fixture) { try await function() }
    }
}
