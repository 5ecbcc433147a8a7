package import TandemPluginHost
import TandemArrow
import TandemDocuments

/// The map health check behind `tandem maps validate`: each enabled map
/// against the live tables of both sides and the loaded plugins, reported as
/// coded findings with a fix (``MapFinding``), all of them rather than the
/// first, so that an admin fixes a map in one round. Blocking findings keep
/// `tandem maps run` from starting the map.
package enum MapValidator {
    /// Findings for `names` (every enabled map when nil), in map order.
    package static func validate(_ environment: TandemEnvironment, catalog: PluginCatalog, maps names: [String]? = nil) throws -> [MapFinding] {
        let sides = try environment.openEndpoints()
        let enabled = Set(environment.config.maps.map(\.name))
        var findings: [MapFinding] = []
        for settings in environment.config.maps where names?.contains(settings.name) ?? true {
            guard let (_, map) = catalog.map(settings.name) else {
                if let refusal = catalog.mapFileRefusal(for: settings.name) {
                    findings.append(
                        MapFinding(
                            map: settings.name, code: .dependencyMissing, severity: .blocking, direction: nil,
                            message: refusal.message, fix: "fix the map file; `tandem maps validate` checks it again"))
                    continue
                }
                findings.append(
                    MapFinding(
                        map: settings.name, code: .dependencyMissing, severity: .blocking, direction: nil,
                        message: "no loaded plugin provides map \(settings.name)",
                        fix: "install the plugin that provides it (`tandem plugins list` shows what loaded and what was refused), or remove the map from tandem.yaml"))
                continue
            }
            // An override's difference the base does not allow is named first: it is why the map differs from what the admin wrote.
            for finding in catalog.effectiveMap(settings.name)?.map.findings ?? [] {
                findings.append(
                    MapFinding(
                        map: settings.name, code: .overrideConflict, severity: finding.blocking ? .blocking : .warning,
                        direction: nil, message: finding.message,
                        fix: "edit the override file; `tandem maps inspect \(settings.name)` shows the map it makes"))
            }
            findings += try check(
                map, settings: settings, enabled: enabled, sides: sides, catalog: catalog)
        }
        if names == nil { findings += unknownPluginSettings(environment.config.plugins, catalog: catalog) }
        return findings
    }

    /// A settings entry whose plugin id is misspelt would leave, say, a crashing plugin in the engine's process
    /// while the admin believes it isolated: named here, with the closest loaded id.
    private static func unknownPluginSettings(_ plugins: PluginSettings, catalog: PluginCatalog) -> [MapFinding] {
        let loaded = catalog.plugins.map(\.id).sorted()
        return plugins.isolation.keys.sorted().filter { catalog.plugin($0) == nil }.map { id in
            let closest = StrictJSON.closest(id, in: loaded).map { "write '\($0)', the loaded plugin it is closest to, or " } ?? ""
            return MapFinding(
                map: "plugins.settings.\(id)", code: .unknownPluginSetting, severity: .warning, direction: nil,
                message: "no loaded plugin has id \(id): its settings apply to nothing",
                fix: "\(closest)remove the entry from tandem.yaml; `tandem plugins list` shows the loaded plugins and their ids")
        }
    }

    private static func check(
        _ map: TableMap, settings: MapSettings, enabled: Set<String>, sides: [SideRole: any SideEndpoint], catalog: PluginCatalog
    ) throws -> [MapFinding] {
        var findings: [MapFinding] = []
        func add(_ code: MapFinding.Code, _ severity: MapFinding.Severity, _ direction: SyncDirection?, _ message: String, fix: String) {
            findings.append(MapFinding(map: map.id, code: code, severity: severity, direction: direction, message: message, fix: fix))
        }
        // A name no plugin provides is a slip in the plugin: enabling it is not the fix.
        let plugin = catalog.map(map.id)?.source.label ?? "its plugin"
        let known = catalog.mapIDs.sorted()
        func unprovidedFix(_ name: String, _ member: String) -> String {
            let closest = StrictJSON.closest(name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "fix \(member) in \(plugin)\(closest), or load the plugin that provides \(name)"
        }
        for parent in map.dependsOn ?? [] where !enabled.contains(parent) {
            if catalog.map(parent) == nil {
                add(
                    .dependencyMissing, .blocking, nil, "map \(map.id) depends on \(parent), which no loaded plugin provides",
                    fix: unprovidedFix(parent, "depends_on"))
            } else {
                add(.dependencyMissing, .blocking, nil, "map \(map.id) depends on \(parent), which is not enabled", fix: "add \(parent) to maps in tandem.yaml")
            }
        }
        for lookup in map.fields.compactMap(\.lookup) where lookup.map != map.id && !enabled.contains(lookup.map) {
            if catalog.map(lookup.map) == nil {
                add(
                    .dependencyMissing, .warning, nil,
                    "a lookup names map \(lookup.map), which no loaded plugin provides: rows that name a parent wait for it forever",
                    fix: unprovidedFix(lookup.map, "lookup.map"))
            } else {
                add(
                    .dependencyMissing, .warning, nil, "a lookup names map \(lookup.map), which is not enabled: rows that name a parent wait for it forever",
                    fix: "add \(lookup.map) to maps in tandem.yaml")
            }
        }
        var tables: [SideRole: [String: SideColumn]] = [:]
        for role in SideRole.allCases {
            let reference = role == .erp ? map.erp : map.crm
            let found = try sides[role]!.columnDetails(of: reference.table)
            if found.isEmpty {
                add(
                    .missingColumn, .blocking, nil, "the \(role) side has no table \(reference.table)",
                    fix: "`tandem capture install --create-tables` creates it from the DDL of "
                        + (catalog.map(map.id)?.source.description ?? "the map's plugin"))
            }
            tables[role] = found
        }
        guard !(tables[.erp]!.isEmpty || tables[.crm]!.isEmpty) else { return findings }
        for direction in SyncDirection.allCases where settings.direction != .both && settings.direction.allows(direction) && !map.possibleDirections.contains(direction) {
            let key = direction == .erpToCrm ? map.crm : map.erp
            add(
                .keyUnmapped, .blocking, direction,
                "tandem.yaml asks map \(map.id) to sync \(direction), but its key \(key.table) (\(key.key.joined(separator: ", "))) is not written that way",
                fix: "set direction: \(map.naturalDirection.rawValue), or make the key fields `<->` in the plugin")
        }
        for direction in SyncDirection.allCases where settings.direction.allows(direction) && map.possibleDirections.contains(direction) {
            let toCRM = direction == .erpToCrm
            let source = tables[direction.source]!
            let target = tables[direction.target]!
            let sourceTable = toCRM ? map.erp.table : map.crm.table
            let targetTable = toCRM ? map.crm.table : map.erp.table
            var written: [String: Int] = [:]
            var read: [String: Int] = [:]
            for field in map.fields {
                let flows = field.direction == .both || (field.direction == .erpToCrm) == toCRM
                guard flows, let targetRef = toCRM ? field.crm : field.erp else { continue }
                let sourceRef = toCRM ? field.erp : field.crm
                for column in targetRef.columns {
                    written[column, default: 0] += 1
                    guard let info = target[column] else {
                        add(.missingColumn, .blocking, direction, "\(targetTable) has no column \(column)", fix: "add the column to the \(direction.target) table or fix the map in its plugin")
                        continue
                    }
                    if info.generated {
                        add(.readOnlyTarget, .blocking, direction, "\(targetTable).\(column) is a generated column; nothing can write it", fix: "map it one way toward the other side only, or drop the field")
                    }
                }
                for column in sourceRef?.columns ?? [] {
                    // Transforms often read a column that is also copied (a unit beside a quantity): only plain copies count.
                    if field.transform == nil { read[column, default: 0] += 1 }
                    if source[column] == nil {
                        add(.missingColumn, .blocking, direction, "\(sourceTable) has no column \(column)", fix: "add the column to the \(direction.source) table or fix the map in its plugin")
                    }
                }
                if let transform = field.transform {
                    if let provider = catalog.transform(transform.name) {
                        findings += valueMapDuplicates(map, field: field, transform: transform, direction: direction)
                        // Created as the engine creates it, on the source columns' real types: a config
                        // the transform refuses, or a column type it cannot take, shows here and not
                        // only when the map starts (`plugins validate` checks only the documented examples).
                        if let sourceRef, !sourceRef.columns.isEmpty {
                            let columns = sourceRef.columns.compactMap { column in source[column].map { (column, $0) } }
                            if columns.count == sourceRef.columns.count {
                                let schema = Schema(
                                    columns.map { Field($0.0, ValueConversion.arrowType(declared: $0.1.type)) })
                                let sourceSide = sides[direction.source]
                                do {
                                    _ = try TransformInstance(
                                        name: transform.name, plugin: provider.plugin,
                                        config: TransformInstance.config(of: field, direction), input: schema,
                                        source: sourceSide,
                                        sourceColumns: { table in try sourceSide?.columnTypes(of: table).map(\.name) ?? [] },
                                        place: "map \(map.id) (\(direction)), field \(sourceRef.columns.joined(separator: ","))")
                                } catch {
                                    add(
                                        .unknownTransform, .blocking, direction, "\(error)",
                                        fix: "fix the transform's config in the map, or the type of the column it reads")
                                }
                            }
                        }
                    } else {
                        // A slip of the keyboard in a map file is the likelier cause: name the closest transform.
                        let names = catalog.plugins.flatMap { $0.transforms?.transforms.map(\.name) ?? [] }
                        let closest = StrictJSON.closest(transform.name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                        add(
                            .unknownTransform, .blocking, direction,
                            "transform \(transform.name) is not provided by any loaded plugin\(closest)",
                            fix: "install the plugin that provides it (`tandem plugins list`), or fix the transform's name in the map")
                    }
                } else if let sourceRef, sourceRef.columns.count == 1, targetRef.columns.count == 1,
                    let from = source[sourceRef.columns[0]], let to = target[targetRef.columns[0]],
                    from.valueClass != to.valueClass, !(["integer", "numeric"].contains(from.valueClass) && ["integer", "numeric", "real"].contains(to.valueClass))
                {
                    add(
                        .typeMismatch, .warning, direction,
                        "\(sourceTable).\(sourceRef.columns[0]) (\(from.type.isEmpty ? "no type" : from.type)) is copied into \(targetTable).\(targetRef.columns[0]) (\(to.type.isEmpty ? "no type" : to.type)); SQLite converts or refuses values on the way",
                        fix: "make the column types agree, or map the field through a transform")
                }
            }
            for (column, count) in written where count > 1 {
                add(.duplicateColumn, .blocking, direction, "\(count) fields write \(targetTable).\(column)", fix: "keep one of them")
            }
            for (column, count) in read where count > 1 {
                add(.duplicateColumn, .warning, direction, "\(count) fields read \(sourceTable).\(column)", fix: "fine when intended (a value used twice); otherwise drop one")
            }
            for column in (toCRM ? map.crm.key : map.erp.key) where written[column] == nil {
                add(
                    .keyUnmapped, .blocking, direction, "key column \(targetTable).\(column) is written by no field flowing \(direction)",
                    fix: "map it `<->`, or set the map's direction to the way its key flows")
            }
            for (column, info) in target.sorted(by: { $0.key < $1.key }) where info.notNull && !info.hasDefault && !info.generated && written[column] == nil {
                // An INTEGER PRIMARY KEY fills itself.
                if info.primaryKey, info.valueClass == "integer", target.values.filter(\.primaryKey).count == 1 { continue }
                add(
                    .mandatoryUnmapped, .blocking, direction, "\(targetTable).\(column) is NOT NULL without a default, and no field writes it: every insert would fail",
                    fix: "map a field to it, give it a default in the map (`default`), or let the column be empty")
            }
            func parses(_ filter: MapFilter) -> Bool {
                do {
                    _ = try RowFilter(filter: filter, columns: source.keys.sorted(), context: "map \(map.id) (\(direction))")
                    return true
                } catch {
                    let fix =
                        filter.language == .filter
                        ? "write the filter in the filter language (docs/MAPS.md) over \(sourceTable)'s columns"
                        : "write the filter as an SQL expression over \(sourceTable)'s columns"
                    add(
                        .badFilter, .blocking, direction, "\(error)",
                        fix: "\(fix) (\(source.keys.sorted().joined(separator: ", ")))")
                    return false
                }
            }
            let filter = MapFilter.of(map: map, settings: settings, toCRM: toCRM, mapSource: "\(plugin)")
            if let filter, parses(filter) {
                let filterText = filter.text
                let place = filter.origin.hasSuffix("in tandem.yaml") ? filter.origin : "the filter of \(plugin)"
                let misses = try sides[direction.source]!.filterMisses(filter: filter, table: sourceTable)
                for (column, rows) in misses.nulls where rows > 0 {
                    add(
                        .filterMisses, .warning, direction,
                        "\(rows) row(s) of \(sourceTable) have no \(column) (NULL), and \(place) (\(filterText)) leaves them out: they never reach \(targetTable), and no error says so",
                        fix: "give them a \(column) (the filter reads it, so it is required), or change the filter in tandem.yaml")
                }
                for miss in misses.nearMisses {
                    add(
                        .filterMisses, .warning, direction,
                        "\(miss.rows) row(s) of \(sourceTable) have \(miss.column) '\(miss.value)', which misses '\(miss.literal)' of \(place) (\(filterText)) by case or blanks only: they never reach \(targetTable), and no error says so",
                        fix: "write '\(miss.literal)' in those rows, or change the filter in tandem.yaml")
                }
            }
        }
        return findings
    }

    /// A two-way value map must be one-to-one: its reverse direction would not know which source to write.
    private static func valueMapDuplicates(
        _ map: TableMap, field: FieldMap, transform: TransformReference, direction: SyncDirection
    ) -> [MapFinding] {
        guard transform.name == "tandem.std.value-map", field.direction == .both, direction == .crmToErp,
            let entries = transform.config?["map"]?.objectValue
        else { return [] }
        var byTarget: [String: [String]] = [:]
        for (key, value) in entries {
            byTarget[value.stringValue ?? value.integerValue.map(String.init) ?? "\(value)", default: []].append(key)
        }
        return byTarget.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map { target, keys in
            MapFinding(
                map: map.id, code: .duplicateValueMapEntry, severity: .blocking, direction: direction,
                message: "the value map on \((field.erp?.columns ?? []).joined(separator: ", ")) maps \(keys.sorted().joined(separator: " and ")) to \(target); going back, \(target) is ambiguous",
                fix: "give each value its own target, or make the field one way (`->`)")
        }
    }
}
