import Foundation
import TandemTestSupport
import Testing

/// Issue 17 §1, last bullet: a plugin whose `init` calls abort() or never
/// returns is refused with a reason naming it; it neither kills nor hangs
/// `tandem status`, `tandem log` or any other command.
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
}
