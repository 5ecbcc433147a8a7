public import Foundation
import TandemDocuments
import TandemPluginHost

/// Real files for the tests: temp plugin directories, the bundled plugins
/// this package built, and C plugins compiled with `cc`.
public enum Fixtures {
    /// The repository's root.
    public static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The `tandem` executable as built by this package.
    public static var tandemExecutable: String { productsDirectory + "/tandem" }

    /// The build products folder (where SwiftPM put this test binary and the plugin libraries).
    public static let productsDirectory: String = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().path

    /// The bundled plugins: the folders under `Plugins/` with a `tandem-plugin.json`, sorted.
    public static var bundledPlugins: [String] {
        let root = repositoryRoot + "/Plugins"
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return folders.filter { FileManager.default.fileExists(atPath: "\(root)/\($0)/tandem-plugin.json") }.sorted()
    }

    /// The standard transforms library as built by this package.
    public static var standardTransformsLibrary: String { productsDirectory + "/libTandemStandardTransforms.so" }

    /// A fresh directory under the system temp directory, mode 0755.
    public static func temporaryDirectory(_ label: String = "plugins") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tandem-tests-\(label)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// Packs the bundled standard transforms into `directory`; returns the library's path there.
    @discardableResult
    public static func packStandardTransforms(into directory: String) throws -> String {
        try PluginPackager.pack(
            library: standardTransformsLibrary,
            sourceManifest: repositoryRoot + "/Plugins/StandardTransforms/tandem-plugin.json", into: directory)
        return directory + "/libTandemStandardTransforms.so"
    }

    /// Compiles a C plugin with `cc` into `output`; `source` is absolute or relative to the repository.
    public static func compileC(_ source: String, defines: [String] = [], output: String) throws {
        let arguments =
            ["-std=c11", "-shared", "-fPIC", "-O1", "-Wall", "-Wextra", "-Werror", "-I", repositoryRoot + "/SDK/include"]
            + defines.map { "-D\($0)" } + ["-o", output, source.hasPrefix("/") ? source : repositoryRoot + "/" + source]
        let result = try run("/usr/bin/env", ["cc"] + arguments)
        guard result.status == 0 else {
            throw FixtureError("cc failed for \(source) \(defines): \(result.stderr)")
        }
    }

    /// Compiles `hostile.c` in `mode` (nil: well-formed) and packs it into
    /// `directory` as `lib<name>.so`; returns the packed library's path.
    public static func hostilePlugin(_ mode: String?, into directory: String, name: String? = nil) throws -> String {
        let build = try temporaryDirectory("build")
        let fileName = "lib\(name ?? mode?.lowercased() ?? "hostile").so"
        let built = build + "/" + fileName
        try compileC("Tests/Fixtures/hostile/hostile.c", defines: mode.map { [$0] } ?? [], output: built)
        try PluginPackager.pack(
            library: built, manifest: PluginManifest(id: "test.hostile", version: "1.0.0", kinds: [.transform], toolchain: "c"),
            into: directory)
        return directory + "/" + fileName
    }

    /// Compiles the SDK's C template plugin, with each `(text, replacement)`
    /// edit applied to a copy of its source, and packs it into `directory`.
    public static func cTemplatePlugin(editing edits: [(String, String)] = [], into directory: String) throws -> String {
        let build = try temporaryDirectory("build")
        var source = try String(contentsOfFile: repositoryRoot + "/SDK/examples/c-template/warehouses.c", encoding: .utf8)
        for (text, replacement) in edits {
            guard source.contains(text) else { throw FixtureError("c-template/warehouses.c does not contain \(text)") }
            source = source.replacingOccurrences(of: text, with: replacement)
        }
        try source.write(toFile: build + "/warehouses.c", atomically: true, encoding: .utf8)
        try compileC(build + "/warehouses.c", output: build + "/libwarehouses.so")
        try PluginPackager.pack(
            library: build + "/libwarehouses.so",
            sourceManifest: repositoryRoot + "/SDK/examples/c-template/tandem-plugin.json", into: directory)
        return directory + "/libwarehouses.so"
    }

    /// Compiles the SDK's custom-tables example with each `(text, replacement)`
    /// edit applied to a copy of its source (as an author editing it would),
    /// and packs it into `directory`; returns the packed library's path.
    public static func warehousesExample(editing edits: [(String, String)] = [], into directory: String) throws -> String {
        let build = try temporaryDirectory("build")
        var source = try String(contentsOfFile: repositoryRoot + "/SDK/examples/warehouses/warehouses.c", encoding: .utf8)
        for (text, replacement) in edits {
            guard source.contains(text) else { throw FixtureError("warehouses.c does not contain \(text)") }
            source = source.replacingOccurrences(of: text, with: replacement)
        }
        try source.write(toFile: build + "/warehouses.c", atomically: true, encoding: .utf8)
        try compileC(build + "/warehouses.c", output: build + "/libwarehouses.so")
        try PluginPackager.pack(
            library: build + "/libwarehouses.so",
            sourceManifest: repositoryRoot + "/SDK/examples/warehouses/tandem-plugin.json", into: directory)
        return directory + "/libwarehouses.so"
    }

    /// Runs a program to completion on a thread of its own; returns its exit status and output.
    ///
    /// The async tests' form: Swift's cooperative pool has one thread per core (two on the
    /// reference machine), so a test that waited for a process on one of them would stop every
    /// other test while two such waits run, and time-bound waits elsewhere would fail for it.
    public static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await onOwnThread { try runBlocking(executable, arguments, input: input, environment: environment) }
    }

    /// Runs `body` on a new thread, off Swift's cooperative pool (see ``run(_:_:input:environment:)``).
    public static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Runs the synchronous `body` on a new thread and waits for it there, off Swift's
    /// cooperative pool: the form for polling conditions that run `tandem` commands or other
    /// blocking work (see ``run(_:_:input:environment:)``). The caller is suspended until `body`
    /// returns, so nothing else touches what `body` captures meanwhile. Escaping, not
    /// `withoutActuallyEscaping`: the thread may still hold the closure a moment after it
    /// answered, which that check calls an escape.
    public static func offPool<T>(_ body: @escaping () throws -> T) async throws -> T {
        let box = UncheckedBox(value: body)
        return try await onOwnThread { UncheckedBox(value: try box.value()) }.value
    }

    /// Checks `condition` every `interval` until it holds or `timeout` passes,
    /// the whole poll on a thread of its own; returns whether it held. Not
    /// one step needs Swift's cooperative pool, so a pool that other tests
    /// block for minutes cannot make a wait miss its condition by checking
    /// it too seldom: in a CI run 155 tests were held until 280 s, and three
    /// waits timed out having looked a few times.
    public static func poll(
        timeout: Duration, every interval: Duration = .milliseconds(100), _ condition: @escaping () throws -> Bool
    ) async throws -> Bool {
        try await offPool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if try condition() { return true }
                Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds))
            }
            return try condition()
        }
    }

    /// Carries a value to the thread of ``offPool(_:)``, which the suspended caller never shares it with.
    private struct UncheckedBox<Value>: @unchecked Sendable {
        let value: Value
    }

    /// Runs a program to completion; returns its exit status and output.
    public static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        try runBlocking(executable, arguments, input: input, environment: environment)
    }

    /// The one implementation of both forms of ``run(_:_:input:environment:)``.
    private static func runBlocking(
        _ executable: String, _ arguments: [String], input: Data?, environment: [String: String]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        // Read before waiting, so that a full pipe cannot block the child.
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
    }
}

/// A fixture that could not be set up.
public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
