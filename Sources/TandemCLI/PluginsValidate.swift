import ArgumentParser
import Foundation
import TandemConformance
import TandemEngine

/// `tandem plugins validate PATH`.
struct PluginsValidate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check one plugin file, or every plugin and map an environment loads.",
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

            With --env DIR and no file: every plugin that environment loads (a
            file it would refuse fails), then each enabled map as `tandem maps
            validate` checks it, every field's transform created on the real
            types of the columns it reads.

            Examples:
              tandem plugins validate build/libwarehouses.so --env /srv/shop
              tandem plugins validate --env /srv/shop
            """
    )

    @Argument(help: "The plugin library, next to its <library>.manifest.json.")
    var path: String?

    @OptionGroup var plugins: PluginOptions
    @OptionGroup var environment: PluginEnvironmentOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        guard let path else { return try validateEnvironment() }
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

    /// Every plugin the environment loads, then its enabled maps with their
    /// transforms created on the real column types: what `tandem run` would
    /// meet, checked before it does.
    private func validateEnvironment() throws {
        guard let environment = try environment.environment() else {
            throw CLIError(
                "name a plugin library, or an environment (--env DIR) to check every plugin and map it loads")
        }
        let catalog = plugins.loadCatalog(environment: environment)
        var reports = catalog.refusals.map { refusal in
            ConformanceReport(file: refusal.file, checks: [ConformanceCheck("load", .fail, refusal.description)])
        }
        // A map file that does not read fails here too, enabled or not: it is the environment's.
        reports += catalog.mapFileRefusals.map { refusal in
            ConformanceReport(file: refusal.file, checks: [ConformanceCheck("read", .fail, refusal.message)])
        }
        for plugin in catalog.plugins {
            reports.append(
                PluginConformance.run(
                    file: plugin.file, directory: plugin.directory, loader: plugins.makeLoader(), others: catalog))
        }
        let findings = try MapValidator.validate(environment, catalog: catalog)
        var maps: [ConformanceCheck] = []
        for settings in environment.config.maps {
            let found = findings.filter { $0.map == settings.name }
            if found.isEmpty {
                maps.append(ConformanceCheck("map \(settings.name)", .pass, "tables, columns, filters and transforms"))
            }
            for finding in found {
                let place = "map \(finding.map)\(finding.direction.map { " (\($0))" } ?? "")"
                maps.append(
                    ConformanceCheck(
                        place, finding.severity == .blocking ? .fail : .warn,
                        "\(finding.code.rawValue) \(finding.message); fix: \(finding.fix)"))
            }
        }
        let checks = reports.flatMap(\.checks) + maps
        let failures = checks.filter { $0.outcome == .fail }.count
        if output.json {
            struct Plugin: Encodable {
                var file: String
                var plugin: String?
                var passed: Bool
                var checks: [ConformanceCheck]
            }
            struct Output: Encodable {
                var environment: String
                var passed: Bool
                var plugins: [Plugin]
                var maps: [ConformanceCheck]
            }
            printJSON(
                Output(
                    environment: environment.directory, passed: failures == 0,
                    plugins: reports.map { Plugin(file: $0.file, plugin: $0.plugin, passed: $0.passed, checks: $0.checks) },
                    maps: maps))
        } else {
            for report in reports {
                print("Validating \(report.file)\(report.plugin.map { " (\($0))" } ?? "")")
                for check in report.checks { print("  \(check)") }
            }
            print("Maps of \(environment.configPath)")
            for check in maps { print("  \(check)") }
            let warnings = checks.filter { $0.outcome == .warn }.count
            print(
                failures == 0
                    ? "OK: \(checks.count) checks passed\(warnings > 0 ? " (\(warnings) warnings)" : "")"
                    : "FAILED: \(failures) of \(checks.count) checks failed")
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
