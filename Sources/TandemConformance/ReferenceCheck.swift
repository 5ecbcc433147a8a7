import TandemDocuments
public import TandemPluginHost

/// Checks the names a plugin's maps use to reach other plugins: the maps in
/// `depends_on`, the map of each `lookup` and each field's transform. The
/// loader cannot check them (a dependency may come from a plugin loaded
/// later), so a misspelt name used to pass `tandem plugins validate` and
/// fail only in an environment, or never: an unknown lookup map makes rows
/// wait for a parent forever.
public enum ReferenceCheck {
    /// One check per map: passes when every name is provided by `plugin`
    /// itself or by a plugin of `others`; otherwise fails naming each
    /// unknown name, where it is used and the closest known one.
    public static func run(_ plugin: LoadedPlugin, others: PluginCatalog) -> [ConformanceCheck] {
        guard let maps = plugin.maps?.maps else { return [] }
        // An environment's map files provide maps too: a plugin's map may look one of them up.
        let files = others.mapFiles.map(\.map.id)
        let others = others.plugins.filter { $0.id != plugin.id }
        let knownMaps = Set(maps.map(\.id) + others.flatMap { $0.maps?.maps.map(\.id) ?? [] } + files)
        let knownTransforms = Set(
            (plugin.transforms?.transforms.map(\.name) ?? [])
                + others.flatMap { $0.transforms?.transforms.map(\.name) ?? [] })
        let loaded = ([plugin.id] + others.map(\.id)).joined(separator: ", ")
        var checks: [ConformanceCheck] = []
        for (mapIndex, map) in maps.enumerated() {
            var problems: [String] = []
            func unknown(_ name: String, _ what: String, _ place: String, _ known: Set<String>) {
                let suggestion = StrictJSON.closest(name, in: known.sorted()).map { "; did you mean '\($0)'?" } ?? ""
                problems.append("\(place): \(what) '\(name)' is provided by no loaded plugin\(suggestion)")
            }
            for (index, parent) in (map.dependsOn ?? []).enumerated() where !knownMaps.contains(parent) {
                unknown(parent, "map", "maps[\(mapIndex)].depends_on[\(index)]", knownMaps)
            }
            for (index, field) in map.fields.enumerated() {
                if let lookup = field.lookup, !knownMaps.contains(lookup.map) {
                    unknown(lookup.map, "map", "maps[\(mapIndex)].fields[\(index)].lookup.map", knownMaps)
                }
                if let transform = field.transform, !knownTransforms.contains(transform.name) {
                    unknown(
                        transform.name, "transform", "maps[\(mapIndex)].fields[\(index)].transform.name",
                        knownTransforms)
                }
            }
            let name = "references of \(map.id)"
            if problems.isEmpty {
                checks.append(ConformanceCheck(name, .pass, "dependencies, lookups and transforms found"))
            } else {
                checks.append(
                    ConformanceCheck(
                        name, .fail,
                        problems.joined(separator: "; ")
                            + " (plugins loaded: \(loaded); add --plugins DIR or --env DIR for a plugin that lives elsewhere)"
                    ))
            }
        }
        return checks
    }
}
