import ArgumentParser
import Foundation
import TandemConformance

/// `tandem plugins validate PATH`.
struct PluginsValidate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Run the loader's checks and the conformance kit on one plugin file.",
        discussion: """
            Checks, in order: the file (regular, not group/world-writable, no symlink out
            of its directory), its manifest and SHA-256, dlopen, the entry symbol, the
            descriptor, the JSON documents and init; then the SQLite DDL, run in an
            empty database (each map's tables with every mapped column); then every
            transform example (the output must equal the documented one), ownership of
            arrays (the borrowed input is released once, by the host) and error paths.
            Exits 1 if a check fails.
            """
    )

    @Argument(help: "The plugin library, next to its <library>.manifest.json.")
    var path: String

    @OptionGroup var output: OutputOptions

    @Flag(name: .shortAndLong, help: "Log what the loader and the plugin do.")
    var verbose = false

    func run() async throws {
        var options = try PluginOptions.parse(verbose ? ["--verbose"] : [])
        options.noBundled = true
        let report = PluginConformance.run(file: path, loader: options.makeLoader())
        if output.json {
            struct Output: Encodable {
                var file: String
                var plugin: String?
                var passed: Bool
                var checks: [ConformanceCheck]
            }
            printJSON(Output(file: report.file, plugin: report.plugin, passed: report.passed, checks: report.checks))
        } else {
            print("Validating \(report.file)\(report.plugin.map { " (\($0))" } ?? "")")
            for check in report.checks { print("  \(check)") }
            let failures = report.failures.count
            let warnings = report.checks.filter { $0.outcome == .warn }.count
            print(report.passed
                ? "OK: \(report.checks.count) checks passed\(warnings > 0 ? " (\(warnings) warnings)" : "")"
                : "FAILED: \(failures) of \(report.checks.count) checks failed")
        }
        if !report.passed { throw ExitCode(1) }
    }
}
