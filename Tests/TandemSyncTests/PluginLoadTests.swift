import Foundation
import TandemTestSupport
import Testing

/// Issue 17 §1, last bullet: a plugin whose `init` calls abort() or never
/// returns is refused with a reason naming it; it neither kills nor hangs
/// `tandem status`, `tandem log` or any other command; and the commands that
/// only read state describe a plugin from its last load, running none of it.
@Suite("A plugin whose init aborts or hangs is refused, not fatal", .serialized)
struct PluginLoadTests {
    /// An environment with the SDK's C template (map `example.warehouses`), its init edited by `edits`.
    static func fixture(_ label: String, _ edits: [(String, String)]) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: ["sample.groups"]) {
            $0.replacingOccurrences(of: "maps:\n", with: "maps:\n  - name: example.warehouses\n")
        }
        _ = try Fixtures.cTemplatePlugin(editing: edits, into: fixture.directory + "/plugins")
        return fixture
    }

    @Test("A plugin whose init aborts: status, log, maps list and errors list work and name it; its map is failed with the reason")
    func initAborts() throws {
        let fixture = try Self.fixture("init-abort", [("g_host = host;", "g_host = host;\n    abort();")])
        let reason = "plugin com.example.warehouses 1.0.0 crashed the process loading it (SIGABRT)"
        let status = try fixture.tandem(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stderr.contains(reason), "\(status.stderr)")
        let line = status.stdout.split(separator: "\n").first { $0.hasPrefix("example.warehouses") }.map(String.init) ?? ""
        #expect(line.contains(" failed "), "\(status.stdout)")
        #expect(status.stdout.contains("sample.groups"), "the other map is listed: \(status.stdout)")
        let log = try fixture.tandem(["log"])
        #expect(log.status == 0, "\(log.stderr)")
        let list = try fixture.tandem(["maps", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("example.warehouses failed: "), "\(list.stdout)")
        let errors = try fixture.tandem(["errors", "list"])
        #expect(errors.status == 0, "\(errors.stderr)")
    }

    @Test("A plugin whose init never returns: a command that loads plugins ends with the refusal naming it, after the time limit")
    func initHangs() throws {
        let fixture = try Self.fixture(
            "init-hang",
            [
                ("#include <stdarg.h>", "#define _POSIX_C_SOURCE 200809L\n#include <unistd.h>\n#include <stdarg.h>"),
                ("g_host = host;", "g_host = host;\n    for (;;) {\n        pause();\n    }"),
            ])
        let limit = ["TANDEM_PLUGIN_LOAD_TIMEOUT_S": "2"]
        let list = try fixture.tandem(["plugins", "list"], environment: limit)
        #expect(
            list.stdout.contains(
                "[load-timeout]: plugin com.example.warehouses 1.0.0 did not finish loading within 2 s (its init never returned)"),
            "\(list.stdout)\n\(list.stderr)")
        #expect(list.stdout.contains("tandem.samples"), "the other plugins load: \(list.stdout)")
        let status = try fixture.tandem(["status"], environment: limit)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stderr.contains("did not finish loading within 2 s"), "\(status.stderr)")
        let log = try fixture.tandem(["log"], environment: limit)
        #expect(log.status == 0, "\(log.stderr)")
    }

    @Test(
        "A plugin that loaded once is described, not loaded, by status and maps list: an init that aborts later ends neither"
    )
    func describedFromLastLoad() async throws {
        let fixture = try Self.fixture(
            "init-abort-later",
            [("g_host = host;", "g_host = host;\n    if (getenv(\"TANDEM_TEST_ABORT_INIT\") != NULL) abort();")])
        let cache = ["XDG_CACHE_HOME": fixture.directory + "/cache"]
        let loaded = try await fixture.tandem(["plugins", "list"], environment: cache)
        #expect(loaded.status == 0 && loaded.stdout.contains("com.example.warehouses"), "\(loaded.stdout)\(loaded.stderr)")

        // From now on its init aborts; status and maps list describe it from the load above.
        let aborting = cache.merging(["TANDEM_TEST_ABORT_INIT": "1"]) { $1 }
        let status = try await fixture.tandem(["status"], environment: aborting)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(!status.stderr.contains("crashed"), "\(status.stderr)")
        let line = status.stdout.split(separator: "\n").first { $0.hasPrefix("example.warehouses") }.map(String.init) ?? ""
        #expect(!line.isEmpty && !line.contains(" failed "), "\(status.stdout)")
        let list = try await fixture.tandem(["maps", "list", "--json"], environment: aborting)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("\"example.warehouses\"") && !list.stdout.contains("failed"), "\(list.stdout)")

        // The same init with nothing remembered (another cache) does abort: status refuses the plugin.
        let fresh = aborting.merging(["XDG_CACHE_HOME": fixture.directory + "/other-cache"]) { $1 }
        let refused = try await fixture.tandem(["status"], environment: fresh)
        #expect(refused.status == 0, "\(refused.stderr)")
        #expect(
            refused.stderr.contains("plugin com.example.warehouses 1.0.0 crashed the process loading it (SIGABRT)"),
            "\(refused.stderr)")
    }
}
