public import Foundation
import TandemPluginHost

/// A real environment made by the real `tandem init`, with the bundled
/// plugins this package built, for tests that run the engine as a process.
public struct SyncFixture: Sendable {
    /// The environment folder.
    public let directory: String
    /// The staged bundled-plugin folder.
    public let bundled: String

    /// The ERP side's database.
    public var erp: String { directory + "/erp.sqlite" }
    /// The CRM side's database.
    public var crm: String { directory + "/crm.sqlite" }

    /// Stages every bundled plugin (once per test process) the way the
    /// `./tandem` script does: each `Plugins/<Dir>/tandem-plugin.json` with
    /// the library `libTandem<Dir>.so` this package built.
    public static let stagedPlugins: String = {
        let directory = try! Fixtures.temporaryDirectory("bundled")
        for plugin in Fixtures.bundledPlugins {
            try! PluginPackager.pack(
                library: Fixtures.productsDirectory + "/libTandem\(plugin).so",
                sourceManifest: Fixtures.repositoryRoot + "/Plugins/\(plugin)/tandem-plugin.json", into: directory)
        }
        return directory
    }()

    /// `tandem init` with `maps` (and `initArguments`, such as `--erp URL`), then `edit` applied to tandem.yaml.
    public static func make(
        _ label: String, maps: [String] = ["sample.groups", "sample.customers", "sample.notes"],
        initArguments: [String] = [], edit: (String) -> String = { $0 }
    ) throws -> SyncFixture {
        let directory = try Fixtures.temporaryDirectory(label) + "/env"
        let fixture = SyncFixture(directory: directory, bundled: stagedPlugins)
        let result = try fixture.tandem(["init", directory] + maps.flatMap { ["--map", $0] } + initArguments)
        guard result.status == 0 else { throw FixtureError("tandem init failed: \(result.stderr)") }
        let config = directory + "/tandem.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try edit(text).write(toFile: config, atomically: true, encoding: .utf8)
        return fixture
    }

    /// Runs `tandem ARGS` to completion against this environment's plugins.
    public func tandem(
        _ arguments: [String], input: Data? = nil, environment extra: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        try Fixtures.run(Fixtures.tandemExecutable, arguments, input: input, environment: environment(extra))
    }

    /// Runs `tandem ARGS` to completion against this environment's plugins, on a thread of its
    /// own: the async tests' form (see ``Fixtures/run(_:_:input:environment:)``).
    public func tandem(
        _ arguments: [String], input: Data? = nil, environment extra: [String: String] = [:]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await Fixtures.run(Fixtures.tandemExecutable, arguments, input: input, environment: environment(extra))
    }

    /// The process environment of a `tandem` command: this environment and its plugins, then `extra`.
    private func environment(_ extra: [String: String]) -> [String: String] {
        ["TANDEM_BUNDLED_PLUGINS": bundled, "TANDEM_ENV": directory].merging(extra) { $1 }
    }

    /// Starts `tandem run` (with `extra` arguments); its output goes to `engine.log` in the environment.
    public func startEngine(_ extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.tandemExecutable)
        process.arguments = ["run", "--env", directory] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(["TANDEM_BUNDLED_PLUGINS": bundled]) { $1 }
        let log = directory + "/engine.log"
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let logged = engineLog.count
        try process.run()
        // Ready once it holds the environment (it says so), so that commands see it running.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning, !engineLog.dropFirst(logged).contains("engine running for") {
            Thread.sleep(forTimeInterval: 0.01)
        }
        return process
    }

    /// The engine's log so far.
    public var engineLog: String {
        (try? String(contentsOfFile: directory + "/engine.log", encoding: .utf8)) ?? ""
    }

    /// Starts the Python writer (`Tests/Fixtures/side_writer.py`) on one side.
    public func startWriter(_ side: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.repositoryRoot + "/Tests/Fixtures/side_writer.py", side == "erp" ? erp : crm, side] + arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        return process
    }
}
