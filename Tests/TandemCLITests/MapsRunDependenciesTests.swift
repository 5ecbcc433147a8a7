import Foundation
import TandemTestSupport
import Testing

/// `tandem maps run` for a map whose parents are not running: every one is
/// named at once (it used to be one per try), and `--with-dependencies`
/// starts them too.
@Suite("tandem maps run names every dependency that is not running, and --with-dependencies starts them")
struct MapsRunDependenciesTests {
    @Test("without the flag: every parent named, parents first, with the command; with it: started and said")
    func withDependencies() throws {
        let fixture = try SyncFixture.make("run-deps", maps: ["sample.groups", "sample.customers", "sample.contacts"])
        let refused = try fixture.tandem(["maps", "run", "sample.contacts"])
        #expect(refused.status == 1)
        #expect(
            refused.stderr.contains(
                "sample.contacts depends on maps that are not running: sample.groups (not running), sample.customers (not running) (parents first); name them too (`tandem maps run sample.groups sample.customers sample.contacts`) or pass --with-dependencies"
            ), "\(refused.stderr)")

        let started = try fixture.tandem(["maps", "run", "sample.contacts", "--with-dependencies"])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(
            started.stdout
                == """
                with dependencies: sample.groups, sample.customers (not running; what sample.contacts needs)
                sample.groups: not running → running
                sample.customers: not running → running
                sample.contacts: not running → running

                """, "\(started.stdout)")

        let paused = try fixture.tandem(["maps", "pause", "sample.groups", "--with-dependents"])
        #expect(paused.status == 0, "\(paused.stderr)")
        let misplaced = try fixture.tandem(["maps", "pause", "sample.groups", "--with-dependencies"])
        #expect(misplaced.stderr.contains("--with-dependencies goes with `tandem maps run`"), "\(misplaced.stderr)")
    }
}
