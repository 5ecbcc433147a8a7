import ArgumentParser
import Foundation
import TandemEngine

/// `tandem maps validate [NAME...]`: the map health check.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check maps against the live tables of both sides and the loaded plugins; coded findings with a fix.",
        discussion: """
            Codes (blocking ones keep `tandem maps run` from starting the map):
              TW001 a NOT NULL target column, no default, that no field writes (blocking)
              TW002 a target key column no field writes in a synced direction (blocking)
              TW003 a copied column whose declared types disagree (warning)
              TW004 a field writes a generated, read-only column (blocking)
              TW005 two fields write one target column (blocking) or read one (warning)
              TW006 a two-way value map with two sources for one target value (blocking)
              TW007 a filter that does not parse or names a missing column (blocking)
              TW008 a transform no loaded plugin provides, or one that refuses its
                    config or the real type of a column it reads (blocking)
              TW009 a dependency that is not enabled (blocking; a lookup's map: warning)
              TW010 a table or column the map names that the side does not have (blocking)
              TW011 a filter leaves rows out by a NULL or a value's case (warning)
              TW012 an override's difference its base map does not allow: a field
                    it changes is gone (blocking), one it removes is gone or one
                    it adds is there already (warning)
              TW013 a plugins.settings entry of tandem.yaml for a plugin id that
                    no loaded plugin has (warning; shown when no map is named)
            Exit status 0 without blocking findings, 1 with.

            Example:
              tandem maps validate customers-accounts --json
            """)

    @OptionGroup var options: EnvironmentOptions
    @Argument(help: "The maps (default: every enabled map).") var names: [String] = []
    @OptionGroup var output: OutputOptions

    func run() throws {
        let environment = try options.loadEnvironment()
        for name in names { try environment.requireMap(name) }
        let findings = try MapValidator.validate(environment, catalog: options.loadCatalog(environment), maps: names.isEmpty ? nil : names)
        if output.json {
            printJSON(findings)
        } else if findings.isEmpty {
            print("no findings: \((names.isEmpty ? environment.config.maps.map(\.name) : names).joined(separator: ", "))")
        } else {
            print(Self.render(findings))
        }
        if findings.contains(where: { $0.severity == .blocking }) { throw ExitCode(1) }
    }

    /// One block per finding: code, severity, map and direction, what, and the fix.
    static func render(_ findings: [MapFinding]) -> String {
        MapFinding.render(findings)
    }
}
