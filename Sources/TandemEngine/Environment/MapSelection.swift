import TandemDocuments
package import TandemPluginHost

/// The maps an operator names (`tandem init --map`, `tandem maps run`) and
/// the maps they depend on, directly or not. A map runs only after its
/// parents, so a newcomer who names one map needs its whole closure; naming
/// one missing parent per try made `customers-accounts` take ten tries.
package struct MapSelection: Sendable {
    /// Every named map and every map it depends on, each after the maps it
    /// depends on (named order otherwise kept).
    package var ordered: [String]
    /// The maps of ``ordered`` that were not named, in the same order.
    package var dependencies: [String]
    /// Named maps that no loaded plugin provides.
    package var unprovided: [String]
    /// Dependencies that no loaded plugin provides: which map names them.
    package var unknownDependencies: [(map: String, dependency: String)]

    /// Walks the dependencies of `names`; `dependsOn` gives a map's parents,
    /// or nil when no loaded plugin provides it.
    package init(_ names: [String], dependsOn: (String) -> [String]?) {
        var ordered: [String] = []
        var unprovided: [String] = []
        var unknownDependencies: [(map: String, dependency: String)] = []
        var visited: Set<String> = []
        // Depth first, parents before the map: the order in which they can start.
        func visit(_ name: String, from child: String?) {
            guard visited.insert(name).inserted else { return }
            guard let parents = dependsOn(name) else {
                if let child { unknownDependencies.append((child, name)) } else { unprovided.append(name) }
                return
            }
            for parent in parents { visit(parent, from: name) }
            ordered.append(name)
        }
        for name in names { visit(name, from: nil) }
        let named = Set(names)
        self.ordered = ordered
        self.unprovided = unprovided
        self.unknownDependencies = unknownDependencies
        dependencies = ordered.filter { !named.contains($0) }
    }

    /// The selection of `names` among the maps the plugins of `catalog` provide.
    package init(_ names: [String], catalog: PluginCatalog) {
        self.init(names) { catalog.map($0).map { $0.map.dependsOn ?? [] } }
    }

    /// Throws naming every named map and every dependency that no loaded
    /// plugin provides, with the closest loaded map id for each.
    package func requireProvided(catalog: PluginCatalog) throws(SyncError) {
        let known = catalog.mapIDs
        func suggestion(_ name: String) -> String {
            StrictJSON.closest(name, in: known.sorted()).map { "; did you mean '\($0)'?" } ?? ""
        }
        var problems = unprovided.map { "map '\($0)' is provided by no loaded plugin\(suggestion($0))" }
        for (map, dependency) in unknownDependencies {
            let plugin = catalog.map(map)?.source.label ?? "its plugin"
            problems.append(
                "map '\(map)' depends on '\(dependency)', which no loaded plugin provides\(suggestion(dependency)) (fix depends_on in \(plugin), or load the plugin that provides it)"
            )
        }
        guard !problems.isEmpty else { return }
        let loaded = known.isEmpty ? "none" : known.sorted().joined(separator: ", ")
        throw SyncError(
            .configuration,
            problems.joined(separator: "\n") + "\nloaded maps: \(loaded); `tandem plugins list` shows every plugin and every refused file")
    }
}
