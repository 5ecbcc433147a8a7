import TandemEngine
import Testing

/// Issue 17 §3: `plugins.settings.ID.isolation` and `call_timeout_ms` in
/// tandem.yaml, and the errors that name the setting and what it takes.
@Suite("Plugin isolation settings")
struct PluginIsolationConfigTests {
    static func config(_ settings: String) -> String {
        validConfig + "\nplugins:\n  settings:\n" + settings
    }

    @Test("A plugin runs in-process unless its settings say process; call_timeout_ms defaults to 30000 ms")
    func defaults() throws {
        let config = try ConfigLoader.parse(
            Self.config(
                "    com.acme.a: {isolation: process}\n    com.acme.b: {isolation: process, call_timeout_ms: 250}\n"),
            file: "tandem.yaml")
        #expect(
            config.plugins.isolation["com.acme.a"] == PluginIsolation(mode: .process, callTimeoutMilliseconds: 30_000))
        #expect(config.plugins.isolation["com.acme.b"] == PluginIsolation(mode: .process, callTimeoutMilliseconds: 250))
        #expect(config.plugins.isolation["com.acme.c"] == nil)
        #expect(try ConfigLoader.parse(validConfig, file: "tandem.yaml").plugins.isolation.isEmpty)
    }

    @Test(
        "A bad isolation value, a timeout out of range or without process isolation, and an unknown setting are refused, naming the setting",
        arguments: [
            (
                "    com.acme.a: {isolation: thread}\n",
                "tandem.yaml:17:29: plugins.settings.com.acme.a.isolation: 'thread' is not one of in-process, process"
            ),
            (
                "    com.acme.a: {isolation: process, call_timeout_ms: 0}\n",
                "tandem.yaml:17:55: plugins.settings.com.acme.a.call_timeout_ms: 0 is out of range; use 1...86400000"
            ),
            (
                "    com.acme.a: {call_timeout_ms: 500}\n",
                "tandem.yaml:17:35: plugins.settings.com.acme.a.call_timeout_ms: applies with 'isolation: process' only; add that, or remove call_timeout_ms"
            ),
            (
                "    com.acme.a: {isolaton: process}\n",
                "plugins.settings.com.acme.a.isolaton: unknown setting 'isolaton' (did you mean 'isolation'?)"
            ),
        ])
    func refused(_ settings: String, _ message: String) throws {
        let error = #expect(throws: (any Error).self) {
            try ConfigLoader.parse(Self.config(settings), file: "tandem.yaml")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains(message), "\(String(describing: error))")
    }
}
