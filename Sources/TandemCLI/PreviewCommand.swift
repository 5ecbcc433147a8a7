import ArgumentParser
import Foundation
import TandemEngine

/// `tandem maps preview MAP`: what a sync would do to the rows there are
/// now, without writing anything.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show what a map would do to the rows there are now; writes nothing.",
        discussion: """
            Maps every source row as a sync would (the same filter, transforms,
            value maps and lookups) and writes nothing: no capture is installed,
            no side or state database changes. For each direction the map syncs:
              IN SCOPE            rows the filter lets through
              FILTERED OUT        rows the filter leaves out (never synced)
              UNMAPPABLE          rows a transform or value refuses (with why)
              WAITING FOR PARENT  rows whose lookup's parent is not on the
                                  target side yet
              WOULD CONFLICT      rows whose key the target has with other
                                  values (initial sync keeps the master's)
              NEW, UNCHANGED      rows the target lacks, or has alike
            then the first rows in key order beside the rows they would become.

            MAP is any loaded map, enabled or not: a plugin's, or a map file
            in ENV/maps/ just written (`tandem maps inspect MAP` shows it).
            A map tandem.yaml does not enable yet is previewed with the
            default settings (no filter but its own).

            Examples:
              tandem maps preview customers-accounts
              tandem maps preview customers-accounts --json

              A map file just written, the CRM side's rows only, 3 shown:
              tandem maps preview contoso.loyalty-cards --direction crm-to-erp \\
                --limit 3
            """)

    @OptionGroup var options: EnvironmentOptions
    @Argument(help: ArgumentHelp("The map, by its id (`tandem maps list` shows them).", valueName: "MAP"))
    var name: String
    @Option(help: "erp-to-crm or crm-to-erp (default: each way the map syncs).") var direction: String?
    @Option(help: "Sample rows to show per direction, 1 to \(PreviewCommand.maxLimit).") var limit = 10
    @OptionGroup var output: OutputOptions

    /// Each sample is compared with the target on its own: a bound keeps that quick.
    static let maxLimit = 100

    func validate() throws {
        if let direction, SyncDirection(rawValue: direction) == nil {
            throw ValidationError("--direction must be erp-to-crm or crm-to-erp, not '\(direction)'")
        }
        guard (1...Self.maxLimit).contains(limit) else {
            throw ValidationError("--limit must be 1 to \(Self.maxLimit), not \(limit)")
        }
    }

    func run() throws {
        let environment = try options.loadEnvironment()
        let sides = try ReadOnlySides(
            environment: environment, catalog: options.loadCatalog(environment),
            logger: options.makeLogger("tandem.preview"))
        let previews = try sides.preview(
            map: name, direction: direction.flatMap { SyncDirection(rawValue: $0) }, limit: limit)
        if output.json { return printJSON(previews) }
        print(previews.map(Self.render).joined(separator: "\n\n"))
    }

    /// One direction's preview as text: the header, the counts, the examples, the samples.
    static func render(_ preview: MapPreview) -> String {
        let (source, target) = preview.direction == .erpToCrm ? ("erp", "crm") : ("crm", "erp")
        var lines = [
            "\(preview.map) \(preview.direction.rawValue): \(preview.sourceTable) → \(preview.targetTable) (\(preview.from))"
        ]
        if !preview.enabled {
            lines.append("not enabled in tandem.yaml: previewed with the default settings")
        }
        if let filter = preview.filter {
            lines.append("filter: \(filter) (\(preview.filterOrigin ?? "the map's"))")
        }
        lines.append("")
        lines.append(
            renderTable(
                header: [
                    "SOURCE ROWS", "IN SCOPE", "FILTERED OUT", "UNMAPPABLE", "WAITING FOR PARENT", "WOULD CONFLICT",
                    "NEW",
                    "UNCHANGED",
                ],
                rows: [
                    [
                        preview.sourceRows, preview.inScope, preview.filteredOut, preview.unmappable,
                        preview.waitingForParent, preview.wouldConflict, preview.new, preview.unchanged,
                    ].map(String.init)
                ]))
        // Examples with their reasons: what a data admin fixes next.
        let examples: [(String, [String])] = [
            ("filtered out", preview.filteredOutExamples),
            ("unmappable", preview.unmappableExamples.map { "\($0.key): \($0.reason)" }),
            ("waiting for parent", preview.waitingExamples.map { "\($0.key): \($0.reason)" }),
            ("would conflict", preview.conflictExamples.map { "\($0.key): \($0.reason)" }),
        ]
        let shown = examples.filter { !$0.1.isEmpty }
        if !shown.isEmpty { lines.append("") }
        for (label, keys) in shown {
            lines.append("\(label):")
            lines += keys.map { "  \($0)" }
        }
        if !preview.samples.isEmpty {
            lines.append("")
            lines.append("first \(preview.samples.count) source row(s) in key order:")
        }
        for sample in preview.samples {
            let outcome = sample.outcome.rawValue.replacingOccurrences(of: "-", with: " ")
            lines.append("\(sample.key) \(outcome)\(sample.reason.map { ": \($0)" } ?? "")")
            lines.append("  \(source)  " + sample.source.map { "\($0.column)=\($0.value)" }.joined(separator: ", "))
            if let row = sample.target {
                lines.append("  \(target)  " + row.map { "\($0.column)=\($0.value)" }.joined(separator: ", "))
            }
        }
        return lines.joined(separator: "\n")
    }
}
