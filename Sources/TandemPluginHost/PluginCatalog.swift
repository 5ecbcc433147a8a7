public import TandemDocuments

/// What loading a set of plugin directories produced: the plugins that
/// loaded and, for every file that did not, the reason; and the
/// environment's declarative map files beside them.
public struct PluginCatalog: Sendable {
    /// Plugins that loaded, in discovery order.
    public var plugins: [LoadedPlugin]
    /// Files that were refused, each with its reason.
    public var refusals: [PluginRefusal]
    /// Directories that were scanned.
    public var directories: [PluginDirectory]
    /// The environment's map files that loaded, in name order.
    public var mapFiles: [MapFile]
    /// The environment's map files that did not load, with the reason.
    public var mapFileRefusals: [MapFileRefusal]
    /// The environment's overrides (`extends:`) that loaded, at most one per
    /// map: two of one map are both refused.
    public var mapOverrides: [MapOverride] = []

    /// Creates a catalog.
    public init(
        plugins: [LoadedPlugin], refusals: [PluginRefusal], directories: [PluginDirectory], mapFiles: [MapFile] = [],
        mapFileRefusals: [MapFileRefusal] = []
    ) {
        self.plugins = plugins
        self.refusals = refusals
        self.directories = directories
        self.mapFiles = mapFiles
        self.mapFileRefusals = mapFileRefusals
    }

    /// The plugin with id `id`.
    public func plugin(_ id: String) -> LoadedPlugin? {
        plugins.first { $0.id == id }
    }

    /// The plugin that provides the transform `name`, with its definition.
    public func transform(_ name: String) -> (plugin: LoadedPlugin, definition: TransformDefinition)? {
        for plugin in plugins {
            if let definition = plugin.transforms?.transforms.first(where: { $0.name == name }) {
                return (plugin, definition)
            }
        }
        return nil
    }

    /// The plugin or map file that provides the map `id`, with the map; nil
    /// when none does, or when a refused map file declares `id` too (see
    /// ``mapFileRefusal(for:)``): the map then fails rather than run a
    /// version the admin did not mean.
    ///
    /// A map with an override is the effective map (``EffectiveMap``), under
    /// the base's id, from ``MapSource/override(_:base:)``.
    public func map(_ id: String) -> (source: MapSource, map: TableMap)? {
        guard let effective = effectiveMap(id) else { return nil }
        return (effective.source, effective.map.map)
    }

    /// The map `id` as the engine runs it, with where each line comes from;
    /// nil as ``map(_:)`` is.
    public func effectiveMap(_ id: String) -> (source: MapSource, map: EffectiveMap)? {
        guard let (source, base) = baseMap(id) else { return nil }
        guard let override = mapOverrides.first(where: { $0.extends.value == id }) else {
            return (source, EffectiveMap(base: base, origin: source.origin, override: nil))
        }
        return (.override(override, base: source), EffectiveMap(base: base, origin: source.origin, override: override))
    }

    /// The plugin's or map file's map `id`, before any override.
    public func baseMap(_ id: String) -> (source: MapSource, map: TableMap)? {
        guard mapFileRefusal(for: id) == nil else { return nil }
        for plugin in plugins {
            if let map = plugin.maps?.maps.first(where: { $0.id == id }) {
                return (.plugin(plugin), map)
            }
        }
        if let file = mapFiles.first(where: { $0.map.id == id }) {
            return (.file(file), file.map)
        }
        return nil
    }

    /// The refusal of a map file that declares the map `id`.
    public func mapFileRefusal(for id: String) -> MapFileRefusal? {
        mapFileRefusals.first { $0.mapIDs.contains(id) }
    }

    /// Every map id the plugins and map files provide, plugins first.
    public var mapIDs: [String] {
        plugins.flatMap { $0.maps?.maps.map(\.id) ?? [] } + mapFiles.map(\.map.id)
    }

    /// Where the map `id` is declared, refused or not, for a message that
    /// names both places of a clash: the plugin's file, or the map file.
    public func declarations(of id: String) -> [String] {
        plugins.filter { $0.maps?.maps.contains { $0.id == id } == true }.map { "plugin \($0.id) (\($0.file))" }
            + mapFiles.filter { $0.map.id == id }.map(\.path)
    }
}
