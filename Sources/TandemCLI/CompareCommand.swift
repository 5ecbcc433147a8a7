import ArgumentParser
import Foundation
import TandemEngine

/// `tandem maps compare [NAME...]`: are the two sides in step, row by row?
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Check, row by row, whether each map's two tables hold the same rows.",
        discussion: """
            Every source row the map carries (its filter applied) is mapped through the
            map's fields and transforms and compared, column by column, with the target row
            of the same key, by the target column's own type rules, then byte for byte
            (NULs included) and by storage class; columns a `default` fills are not
            compared. Reported per map: rows on each side, rows equal, differing, missing
            on the target, only on the target, and source rows that cannot be mapped (they
            sit in the error list once synced), with example keys, and for a differing key
            its columns. FILTERED counts the source rows the map's filter leaves out: not
            a difference, but named with example keys, since a NULL or a value in
            the wrong case in a filter column keeps a row on one side (`tandem maps
            validate` warns of those). A target row whose source row the filter
            leaves out is one an update moved out of the filter's scope: counted
            apart (outOfScope), a difference unless the map's out_of_scope is keep.
            A target row the map's other direction's filter leaves out belongs to
            another map sharing the table (annotation holds every kind of note):
            counted apart (otherMaps), never a difference.
            The comparison goes ERP to CRM when the map syncs that way. It only
            reads: it installs no capture and writes to no database. On a busy
            environment rows in flight show as differences, so run it again once
            `tandem status` shows no queue. Exit status 0 when every map is in
            step, 1 otherwise.

            Example:
              tandem maps compare customers-accounts --json
            """)

    @OptionGroup var options: EnvironmentOptions
    @Argument(help: "The maps (default: every enabled map).") var names: [String] = []
    @OptionGroup var output: OutputOptions

    func run() throws {
        let environment = try options.loadEnvironment()
        for name in names { try environment.requireMap(name) }
        // Read-only: no capture installed, nothing written to either side or the state database.
        let sides = try ReadOnlySides(
            environment: environment, catalog: options.loadCatalog(environment),
            logger: options.makeLogger("tandem.engine"))
        let results = try (names.isEmpty ? environment.config.maps.map(\.name) : names).map { try sides.compare(map: $0) }
        if output.json {
            printJSON(results)
        } else {
            print(Self.render(results))
        }
        if results.contains(where: { !$0.inStep }) { throw ExitCode(1) }
    }

    /// The text table, with one line of example keys per difference.
    static func render(_ results: [SyncEngine.MapComparison]) -> String {
        var text = renderTable(
            header: [
                "MAP", "DIRECTION", "SOURCE", "TARGET", "CARRIED", "FILTERED", "EQUAL", "DIFFERING", "MISSING", "ONLY TARGET",
                "UNMAPPABLE", "IN STEP",
            ],
            rows: results.map {
                [
                    $0.map, $0.direction.rawValue, "\($0.sourceRows)", "\($0.targetRows)", "\($0.carried)", "\($0.filteredOut)",
                    "\($0.equal)", "\($0.differing)",
                    "\($0.missing)", "\($0.onlyTarget)", "\($0.unmappable)", $0.inStep ? "yes" : "NO",
                ]
            })
        for result in results {
            if result.filteredOut > 0, let filter = result.filter {
                // Not a difference (the filter means it), but never silent: a NULL or a value in
                // the wrong case in a filter column keeps a row on one side.
                text +=
                    "\n  \(result.map) left out by \(result.filterOrigin ?? "its filter") (\(filter)): "
                    + "\(result.filteredOut) row(s), e.g. \(result.filteredOutExamples.joined(separator: "; "))"
            }
            if result.otherMaps > 0, let filter = result.otherMapsFilter {
                text +=
                    "\n  \(result.map): \(result.otherMaps) \(result.direction.target) row(s) outside its "
                    + "\(result.direction.target)-side filter (\(filter)) belong to other maps; not compared"
            }
            for (kind, keys) in result.examples.sorted(by: { $0.key < $1.key }) {
                // A differing key names its columns: `'usmf','C1' (name, creditlimit)`.
                let shown = keys.map { key in
                    result.differingColumns[key].map { "\(key) (\($0.joined(separator: ", ")))" } ?? key
                }
                let label =
                    switch kind {
                    case "onlyTarget": "only on target"
                    case "outOfScope": "left its filter's scope, still on target (out_of_scope: \(result.outOfScopePolicy.rawValue))"
                    default: kind
                    }
                text += "\n  \(result.map) \(label): \(shown.joined(separator: "; "))"
            }
        }
        return text
    }
}
