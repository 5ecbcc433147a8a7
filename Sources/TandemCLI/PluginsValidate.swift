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
            arrays (the borrowed input is released once, by the host) and error paths;
            and that every map named in depends_on and lookup.map, and every transform
            a field names, is provided by this plugin or another loaded one (the bundled
            plugins, --env DIR's plugin folders, TANDEM_PLUGIN_PATH, --plugins DIR).
            The JSON documents are read strictly: a trailing comma, a member given
            twice or an unknown member is an error with its line and column.
            Exits 1 if a check fails.

            Example:
              tandem plugins validate build/libwarehouses.so --env /srv/shop
            """
    )

    @Argument(help: "The plugin library, next to its <library>.manifest.json.")
    var path: String

    @OptionGroup var plugins: PluginOptions
    @OptionGroup var environment: PluginEnvironmentOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        // The plugins the validated one may name: loaded first, with their
        // refusals shown, so a name they would provide is not reported missing.
        let others = plugins.loadCatalog(environment: try environment.environment())
        let validated = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        for refusal in others.refusals
        where !output.json
            && URL(fileURLWithPath: refusal.file).standardizedFileURL.resolvingSymlinksInPath().path != validated
        {
            printError("warning: \(refusal.description)")
        }
        let report = PluginConformance.run(file: path, loader: plugins.makeLoader(), others: others)
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
            print(
                report.passed
                    ? "OK: \(report.checks.count) checks passed\(warnings > 0 ? " (\(warnings) warnings)" : "")"
                    : "FAILED: \(failures) of \(report.checks.count) checks failed")
        }
        if !report.passed { throw ExitCode(1) }
    }
}
