import ArgumentParser
import Foundation
import TandemDocuments
import TandemEngine
import TandemPluginHost

/// `tandem maps inspect NAME`: a map as the engine runs it (its plugin's or
/// map file's map with the override applied), each line with where it came from.
struct MapsInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a map as the engine runs it, and where each line comes from.",
        discussion: """
            Shows a map as `tandem run` runs it: its plugin's (or map file's) map
            with an override's differences applied (a map file with extends: NAME
            in ENV/maps/; docs/MAPS.md): tables and keys, each field with its
            direction, transform and config, lookup or default, the filters,
            depends_on and the conflict policy. FROM says where each line came
            from:

              plugin ID VERSION    the plugin's map
              maps/NAME.yaml       a map file of your own
              maps/NAME.yaml:LINE  the override line that added or changed it
              tandem.yaml          the environment's settings for the map

            Fields an override removed are listed as removed. What an override
            asks that the map no longer allows (a field it changes is gone after
            a plugin upgrade) is listed last; `tandem maps validate` reports it
            as TW012. No plugin code runs.

            Examples:
              tandem maps inspect customers-accounts
              tandem maps inspect customers-accounts --env /srv/tandem --json
            """)

    @OptionGroup var options: EnvironmentOptions
    @Argument(help: "The map, by its id (`tandem maps list` shows them).") var name: String
    @OptionGroup var output: OutputOptions

    /// One line of the map, as JSON shows it.
    struct Line: Encodable {
        /// `erp`, `crm`, `field`, `removed`, `filters.erp_to_crm`, `depends_on`, …
        var member: String
        /// What the line says, as text.
        var value: String
        /// Where it came from: `plugin ID VERSION`, `maps/NAME.yaml`,
        /// `maps/NAME.yaml:LINE`, or `tandem.yaml`.
        var from: String
        /// For a field: its columns, direction, transform, lookup and default as a map writes them.
        var field: FieldMap?
    }

    /// The whole answer of `--json`.
    struct Report: Encodable {
        var name: String
        var version: String
        /// `plugin ID`, `map file PATH`, or either `overridden by map file PATH`.
        var source: String
        /// The override file, when there is one.
        var override: String?
        var lines: [Line]
        /// Differences of the override that the base does not allow (`tandem maps validate`'s TW012).
        var findings: [String]
    }

    func run() throws {
        let environment = try options.loadEnvironment()
        let catalog = options.loadCatalog(environment, readOnly: true)
        guard let (source, effective) = catalog.effectiveMap(name) else {
            if let refusal = catalog.mapFileRefusal(for: name) {
                throw SyncError(.configuration, "map '\(name)' is not loaded: \(refusal.message)")
            }
            let closest = StrictJSON.closest(name, in: catalog.mapIDs).map { " (did you mean '\($0)'?)" } ?? ""
            throw SyncError(
                .configuration,
                "no loaded plugin or map file provides map '\(name)'\(closest); `tandem maps list` shows the enabled maps, `tandem plugins list --env DIR` every loaded one"
            )
        }
        let report = Self.report(source, effective, settings: environment.config.map(name))
        if output.json { return printJSON(report) }
        print("map \(report.name) \(report.version): \(report.source)")
        // FROM before VALUE: a long filter or transform config then runs on to the right instead of pushing the origin away.
        print(
            renderTable(
                header: ["MEMBER", "FROM", "VALUE"], rows: report.lines.map { [$0.member, $0.from, $0.value] }))
        if !report.findings.isEmpty {
            print("\nThe override asks for what the map does not allow (`tandem maps validate` TW012):")
            for finding in report.findings { print("  \(finding)") }
        }
    }

    /// The lines of the effective map, in the order a map file writes them.
    static func report(_ source: MapSource, _ effective: EffectiveMap, settings: MapSettings?) -> Report {
        let map = effective.map
        var lines: [Line] = []
        func origin(_ member: String) -> String { effective.origins[member] ?? source.origin }
        if let description = map.description {
            lines.append(Line(member: "description", value: description, from: origin("description")))
        }
        for (side, table) in [("erp", map.erp), ("crm", map.crm)] {
            lines.append(
                Line(
                    member: side, value: "\(table.table) key (\(table.key.joined(separator: ", ")))",
                    from: origin(side)))
        }
        for (field, from) in zip(map.fields, effective.fieldOrigins) {
            lines.append(Line(member: "field", value: describe(field), from: from, field: field))
        }
        for removed in effective.removed {
            lines.append(
                Line(member: "removed", value: describe(removed.field), from: removed.origin, field: removed.field))
        }
        for (key, filter) in [("erp_to_crm", map.filters?.erpToCrm), ("crm_to_erp", map.filters?.crmToErp)] {
            guard let filter else { continue }
            lines.append(Line(member: "filters.\(key)", value: filter, from: origin("filters.\(key)")))
        }
        if let dependsOn = map.dependsOn, !dependsOn.isEmpty {
            lines.append(
                Line(member: "depends_on", value: dependsOn.joined(separator: ", "), from: origin("depends_on")))
        }
        if let policy = map.conflictPolicy {
            lines.append(Line(member: "conflict_policy", value: policy.rawValue, from: origin("conflict_policy")))
        }
        // tandem.yaml's entry applies on top of the map: the admin sees what actually runs, and why.
        if let settings {
            let place = "tandem.yaml"
            lines.append(Line(member: "settings.direction", value: settings.direction.rawValue, from: place))
            if let policy = settings.conflictPolicy {
                lines.append(Line(member: "settings.conflict_policy", value: policy.rawValue, from: place))
            }
            if let filter = settings.filters?.erpToCrm {
                lines.append(Line(member: "settings.filters.erp_to_crm", value: filter, from: place))
            }
            if let filter = settings.filters?.crmToErp {
                lines.append(Line(member: "settings.filters.crm_to_erp", value: filter, from: place))
            }
            if let filter = settings.filtersSQL?.erpToCrm {
                lines.append(Line(member: "settings.filters_sql.erp_to_crm", value: filter, from: place))
            }
            if let filter = settings.filtersSQL?.crmToErp {
                lines.append(Line(member: "settings.filters_sql.crm_to_erp", value: filter, from: place))
            }
        }
        return Report(
            name: map.id, version: map.version, source: source.description, override: source.override?.path,
            lines: lines, findings: effective.findings.map(\.message))
    }

    /// `ERP <-> CRM` and what the field does on the way.
    static func describe(_ field: FieldMap) -> String {
        var text = EffectiveMap.label(field)
        if let transform = field.transform {
            text += " via \(transform.name)"
            if let config = transform.config { text += " \(config.jsonText)" }
        }
        if let lookup = field.lookup {
            text += " lookup \(lookup.map) (\(lookup.erp ?? "-") / \(lookup.crm ?? "-"))"
        }
        if let value = field.defaultValue { text += " default \(value.jsonText)" }
        return text
    }
}
