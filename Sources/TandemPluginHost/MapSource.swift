public import TandemDocuments

/// Where a map of the catalog comes from: a plugin or a map file of the
/// environment, possibly changed by an override file. Messages,
/// `tandem maps list` and the history name it, so an admin knows which file
/// to edit.
public indirect enum MapSource: Sendable, CustomStringConvertible {
    /// A loaded plugin's maps document.
    case plugin(LoadedPlugin)
    /// A declarative map file.
    case file(MapFile)
    /// A plugin's or a map file's map with an override file's differences
    /// applied; tables, DDL and version stay the base's.
    case override(MapOverride, base: MapSource)

    /// The plugin id, or the map file's name (`maps/loyalty-cards.yaml`):
    /// one short word for a table column.
    public var label: String {
        switch self {
        case .plugin(let plugin): plugin.id
        case .file(let file): file.name
        case .override(let override, let base): "\(base.label)+\(override.name)"
        }
    }

    /// `plugin ID VERSION` or `maps/NAME.yaml`: where the lines of the base
    /// map come from, as `tandem maps inspect` says it.
    public var origin: String {
        switch self {
        case .plugin(let plugin): "plugin \(plugin.id) \(plugin.version)"
        case .file(let file): file.name
        case .override(_, let base): base.origin
        }
    }

    /// The override file, when the map has one.
    public var override: MapOverride? {
        if case .override(let override, _) = self { override } else { nil }
    }

    /// `plugin ID` or `map file PATH`, for messages.
    public var description: String {
        switch self {
        case .plugin(let plugin): "plugin \(plugin.id)"
        case .file(let file): "map file \(file.path)"
        case .override(let override, let base): "\(base) overridden by map file \(override.path)"
        }
    }

    /// The plugin, when the map comes from one.
    public var plugin: LoadedPlugin? {
        switch self {
        case .plugin(let plugin): plugin
        case .file: nil
        case .override(_, let base): base.plugin
        }
    }

    /// The map file, when the map is declared in one.
    public var file: MapFile? {
        switch self {
        case .plugin: nil
        case .file(let file): file
        case .override(_, let base): base.file
        }
    }

    /// The plugin's or the file's DDL.
    public var ddl: DDLDocument? {
        switch self {
        case .plugin(let plugin): plugin.ddl
        case .file(let file): file.ddl
        case .override(_, let base): base.ddl
        }
    }

    /// The plugin's version, or the map's own for a file (a file is versioned by its map).
    public var version: String {
        switch self {
        case .plugin(let plugin): plugin.version
        case .file(let file): file.map.version
        case .override(_, let base): base.version
        }
    }

    /// What distinguishes one source from another: a plugin id, or a file path.
    public var identity: String {
        switch self {
        case .plugin(let plugin): "plugin:" + plugin.id
        case .file(let file): "file:" + file.path
        // The base's: its DDL runs once however its maps are overridden.
        case .override(_, let base): base.identity
        }
    }
}
